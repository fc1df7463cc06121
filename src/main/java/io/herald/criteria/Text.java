package io.herald.criteria;

import java.text.Normalizer;
import java.util.Locale;
import java.util.regex.Pattern;

/** String normalisation for FHIR string search: case- and accent-insensitive. */
public final class Text {

  private static final Pattern MARKS = Pattern.compile("\\p{M}+");

  private Text() {
  }

  public static String normalize(String s) {
    String decomposed = Normalizer.normalize(s, Normalizer.Form.NFD);
    return MARKS.matcher(decomposed).replaceAll("").toLowerCase(Locale.ROOT);
  }
}
