package io.herald.criteria;

import java.util.Locale;

/** FHIR search comparison prefixes, for date, number and quantity parameters. */
public enum Prefix {
  EQ, NE, GT, LT, GE, LE, SA, EB, AP;

  /** The prefix a value starts with: two letters naming a prefix, or EQ when it starts with none. */
  static Prefix of(String value, String parameter) {
    if (value.length() >= 2 && Character.isLetter(value.charAt(0)) && Character.isLetter(value.charAt(1))) {
      String code = value.substring(0, 2).toUpperCase(Locale.ROOT);
      for (Prefix p : values()) {
        if (p.name().equals(code)) {
          return p;
        }
      }
      throw new CriteriaException(parameter, "prefix '" + value.substring(0, 2)
          + "' is not one of eq, ne, gt, lt, ge, le, sa, eb, ap");
    }
    return EQ;
  }

  /** Whether the value carried this prefix explicitly (so it must be cut off). */
  static boolean written(String value) {
    return value.length() >= 2 && Character.isLetter(value.charAt(0)) && Character.isLetter(value.charAt(1));
  }
}
