package io.herald.criteria;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.regex.Pattern;

/**
 * A FHIR date, dateTime or instant as the range of time it stands for, in epoch milliseconds
 * [lo, hi): {@code 1990} is the whole year, {@code 1990-05-03T10:00Z} one minute,
 * {@code 1990-05-03T10:00:00.123Z} one millisecond. Values without a time zone are read as UTC.
 * Finer precision than a millisecond widens to whole milliseconds.
 */
public record DateRange(long lo, long hi) {

  private static final Pattern YEAR = Pattern.compile("-?\\d{4}");
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
    } catch (DateTimeException e) {
      throw new IllegalArgumentException("'" + value + "' is not a valid date: " + e.getMessage());
    }
    throw new IllegalArgumentException("'" + value + "' is not a FHIR date (YYYY, YYYY-MM, YYYY-MM-DD or YYYY-MM-DDThh:mm[:ss[.fff]][Z|±hh:mm])");
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
    long nanos = 60_000_000_000L;   // the precision given is the width of the range
    if (hasSeconds) {
      int dot = local.indexOf('.');
      nanos = dot < 0 ? 1_000_000_000L : (long) Math.pow(10, 9 - (local.length() - dot - 1));
    }
    Instant end = start.plusNanos(nanos);
    long lo = Math.floorDiv(start.getEpochSecond() * 1_000_000_000L + start.getNano(), 1_000_000L);
    long hi = -Math.floorDiv(-(end.getEpochSecond() * 1_000_000_000L + end.getNano()), 1_000_000L);
    return new DateRange(lo, hi);
  }

  private static DateRange of(LocalDateTime start, LocalDateTime end) {
    return new DateRange(start.toInstant(ZoneOffset.UTC).toEpochMilli(), end.toInstant(ZoneOffset.UTC).toEpochMilli());
  }

  /**
   * Whether a target range [lo, hi) satisfies {@code prefix} this (search) range, as FHIR R4
   * defines the prefixes for ranges. {@code AP} is handled by the caller, which widens the range.
   */
  public boolean matches(Prefix prefix, long targetLo, long targetHi) {
    return switch (prefix) {
      case EQ, AP -> lo <= targetLo && targetHi <= hi;
      case NE -> !(lo <= targetLo && targetHi <= hi);
      case GT -> targetHi > hi;
      case LT -> targetLo < lo;
      case GE -> targetHi > hi || targetLo >= lo;
      case LE -> targetLo < lo || targetHi <= hi;
      case SA -> targetLo >= hi;
      case EB -> targetHi <= lo;
    };
  }
}
