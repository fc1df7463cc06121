package io.herald.criteria;

/** Whole-number request parameters ({@code _count}, {@code _offset}, {@code from}, ...), checked against a range. */
public final class WholeNumber {

  private WholeNumber() {
  }

  /** @throws CriteriaException naming the parameter when the value is not a whole number in [min, max] */
  public static long parse(String name, String value, long min, long max) {
    try {
      if (value.isEmpty() || !(value.charAt(0) == '-' || ascii(value.charAt(0))) || !value.chars().skip(1).allMatch(WholeNumber::ascii)) {
        throw new NumberFormatException();   // no '+', no digits of other scripts (Long.parseLong takes both)
      }
      long n = Long.parseLong(value);
      if (n >= min && n <= max) {
        return n;
      }
    } catch (NumberFormatException ignored) {
      // reported below
    }
    throw new CriteriaException(name, "must be a whole number from " + min + " to " + max + ", not '" + value + "'");
  }

  private static boolean ascii(int c) {
    return c >= '0' && c <= '9';
  }
}
