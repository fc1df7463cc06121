package io.herald.criteria;

import java.util.Locale;

/** FHIR search comparison prefixes (for date, number and quantity parameters). */
public enum Prefix {
  EQ, NE, GT, LT, GE, LE, SA, EB;

  /** Splits a leading two-letter prefix off {@code value}; without one, {@link #EQ}. */
  static Prefix of(String value) {
    if (value.length() > 2 && Character.isLetter(value.charAt(0)) && Character.isLetter(value.charAt(1))) {
      String code = value.substring(0, 2).toUpperCase(Locale.ROOT);
      for (Prefix p : values()) {
        if (p.name().equals(code)) {
          return p;
        }
      }
    }
    return EQ;
  }

  String code() {
    return name().toLowerCase(Locale.ROOT);
  }
}
