package io.herald.criteria;

/** Whole-number request parameters ({@code _count}, {@code _offset}, {@code from}, ...), checked against a range. */
public final class WholeNumber {

  private WholeNumber() {
  }

  /** @throws CriteriaException naming the parameter when the value is not a whole number in [min, max] */
  public static long parse(String name, String value, long min, long max) {
    try {
      long n = Long.parseLong(value);
      if (n >= min && n <= max) {
        return n;
      }
    } catch (NumberFormatException ignored) {
      // reported below
    }
    throw new CriteriaException(name, "must be a whole number from " + min + " to " + max + ", not '" + value + "'");
  }
}
