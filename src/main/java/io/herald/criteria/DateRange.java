package io.herald.criteria;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.regex.Pattern;

/**
 * A FHIR date search value as the range of instants it stands for: {@code 1990} is the whole
 * year, {@code 1990-05-03T10:00Z} one minute. Values without a time zone are read as UTC.
 *
 * @param start inclusive
 * @param end   exclusive
 */
public record DateRange(Instant start, Instant end) {

  private static final Pattern YEAR = Pattern.compile("\\d{4}");
  private static final Pattern MONTH = Pattern.compile("\\d{4}-\\d{2}");
  private static final Pattern DAY = Pattern.compile("\\d{4}-\\d{2}-\\d{2}");
  private static final Pattern DATE_TIME = Pattern.compile(
      "\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}(:\\d{2}(\\.\\d{1,9})?)?(Z|[+-]\\d{2}:\\d{2})?");

  public static DateRange parse(String value) {
    String text = value.replace(' ', '+');   // an unencoded '+' of a time zone arrives as a space
    try {
      if (YEAR.matcher(text).matches()) {
        LocalDate first = LocalDate.of(Integer.parseInt(text), 1, 1);
        return of(first.atStartOfDay(), first.plusYears(1).atStartOfDay());
      }
      if (MONTH.matcher(text).matches()) {
        YearMonth month = YearMonth.parse(text);
        return of(month.atDay(1).atStartOfDay(), month.plusMonths(1).atDay(1).atStartOfDay());
      }
      if (DAY.matcher(text).matches()) {
        LocalDate day = LocalDate.parse(text);
        return of(day.atStartOfDay(), day.plusDays(1).atStartOfDay());
      }
      if (DATE_TIME.matcher(text).matches()) {
        return dateTime(text);
      }
    } catch (java.time.DateTimeException e) {
      throw new IllegalArgumentException("'" + text + "' is not a valid date: " + e.getMessage());
    }
    throw new IllegalArgumentException("'" + text + "' is not a FHIR date (YYYY, YYYY-MM, YYYY-MM-DD or YYYY-MM-DDThh:mm[:ss[.fff]][Z|±hh:mm])");
  }

  private static DateRange dateTime(String text) {
    String zone = "";
    if (text.endsWith("Z")) {
      zone = "Z";
    } else if (text.length() > 16 && (text.charAt(text.length() - 6) == '+' || text.charAt(text.length() - 6) == '-')) {
      zone = text.substring(text.length() - 6);
    }
    String local = text.substring(0, text.length() - zone.length());
    boolean hasSeconds = local.length() > 16;
    String full = hasSeconds ? local : local + ":00";
    Instant start = zone.isEmpty()
        ? LocalDateTime.parse(full).toInstant(ZoneOffset.UTC)
        : OffsetDateTime.parse(full + zone).toInstant();
    // The precision given is the width of the range: a minute, a second, or a fraction of one.
    long nanos = 60_000_000_000L;
    if (hasSeconds) {
      int dot = local.indexOf('.');
      nanos = dot < 0 ? 1_000_000_000L : (long) Math.pow(10, 9 - (local.length() - dot - 1));
    }
    return new DateRange(start, start.plusNanos(nanos));
  }

  private static DateRange of(LocalDateTime start, LocalDateTime end) {
    return new DateRange(start.toInstant(ZoneOffset.UTC), end.toInstant(ZoneOffset.UTC));
  }

  /** Whether an instant (a target with millisecond precision) satisfies {@code prefix} this range. */
  public boolean matches(Prefix prefix, Instant target) {
    return switch (prefix) {
      case EQ -> !target.isBefore(start) && target.isBefore(end);
      case NE -> target.isBefore(start) || !target.isBefore(end);
      case GT, SA -> !target.isBefore(end);
      case LT, EB -> target.isBefore(start);
      case GE -> !target.isBefore(start);
      case LE -> target.isBefore(end);
    };
  }
}
