package io.herald.fhir;

import io.vertx.core.json.JsonObject;

/** A resource's {@code text}: a generated XHTML narrative, so a human reading the resource sees what it says. */
public final class Narratives {

  private Narratives() {
  }

  /** A generated narrative of one paragraph holding {@code text}, escaped for XHTML. */
  public static JsonObject generated(String text) {
    return new JsonObject().put("status", "generated")
        .put("div", "<div xmlns=\"http://www.w3.org/1999/xhtml\"><p>" + escape(text) + "</p></div>");
  }

  /**
   * Text a FHIR string can hold: control characters other than tab, CR and LF, and unpaired surrogates (which a
   * diagnostic may quote from a client's input), replaced by U+FFFD.
   */
  public static String fhirString(String text) {
    StringBuilder out = null;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      boolean pair = Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1));
      boolean bad = !pair && (c < 0x20 && c != '\t' && c != '\n' && c != '\r' || Character.isSurrogate(c));
      if (bad && out == null) {
        out = new StringBuilder(text.length()).append(text, 0, i);
      }
      if (out != null) {
        out.append(bad ? '\uFFFD' : c);
        if (pair) {
          out.append(text.charAt(i + 1));
        }
      }
      if (pair) {
        i++;
      }
    }
    return out == null ? text : out.toString();
  }

  /** XHTML text: a FHIR string (see {@link #fhirString}) with markup escaped and the non-characters U+FFFE/U+FFFF replaced. */
  static String escape(String text) {
    String safe = fhirString(text);
    StringBuilder out = new StringBuilder(safe.length() + 16);
    for (int i = 0; i < safe.length(); i++) {
      char c = safe.charAt(i);
      switch (c) {
        case '&' -> out.append("&amp;");
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '\uFFFE', '\uFFFF' -> out.append('\uFFFD');
        default -> out.append(c);
      }
    }
    return out.toString();
  }
}
