package io.herald.fhir;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** FHIR instants as Herald writes them: UTC, milliseconds, {@code Z} ({@code meta.lastUpdated}, Bundle entries). */
public final class Instants {

  private static final DateTimeFormatter INSTANT = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'");

  private Instants() {
  }

  public static String format(OffsetDateTime time) {
    return INSTANT.format(time.withOffsetSameInstant(ZoneOffset.UTC));
  }
}
