package io.herald.criteria;

import java.math.BigDecimal;

/**
 * A value of one search parameter extracted from one resource: what both the SQL index rows and
 * the in-memory matcher compare against, so the two cannot disagree on what a resource holds.
 */
public sealed interface IndexValue {

  /** @param normalized lower case, accents removed; {@code exact} as written */
  record Str(String normalized, String exact) implements IndexValue {
  }

  /** A code (Coding, CodeableConcept, Identifier, ContactPoint, code, boolean); {@code text} normalized display/text. */
  record Token(String system, String code, String text) implements IndexValue {
  }

  /** A date, dateTime, instant or Period as epoch milliseconds [lo, hi); open ends are Long.MIN/MAX_VALUE. */
  record Date(long lo, long hi) implements IndexValue {
  }

  record Num(BigDecimal value) implements IndexValue {
  }

  record Quantity(BigDecimal value, String system, String code, String unit) implements IndexValue {
  }

  /** @param type the referenced type, or null when the reference names none; {@code url} as written */
  record Reference(String type, String id, String url) implements IndexValue {
  }

  record Uri(String uri) implements IndexValue {
  }
}
