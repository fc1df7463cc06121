package io.herald.criteria;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DateRangeTest {

  @ParameterizedTest(name = "{0} is [{1}, {2})")
  @CsvSource({
      "2020, 2020-01-01T00:00:00Z, 2021-01-01T00:00:00Z",
      "2020-02, 2020-02-01T00:00:00Z, 2020-03-01T00:00:00Z",
      "2020-02-29, 2020-02-29T00:00:00Z, 2020-03-01T00:00:00Z",
      "2020-02-29T10:15, 2020-02-29T10:15:00Z, 2020-02-29T10:16:00Z",
      "2020-02-29T10:15:30Z, 2020-02-29T10:15:30Z, 2020-02-29T10:15:31Z",
      "2020-02-29T10:15:30.5+02:00, 2020-02-29T08:15:30.5Z, 2020-02-29T08:15:30.6Z",
      "2020-02-29T10:15:30.123-05:00, 2020-02-29T15:15:30.123Z, 2020-02-29T15:15:30.124Z",
      "2020-02-29T10:15:30 02:00, 2020-02-29T08:15:30Z, 2020-02-29T08:15:31Z"
  })
  void partialValuesAreRanges(String value, String start, String end) {
    DateRange range = DateRange.parse(value);
    assertEquals(Instant.parse(start).toEpochMilli(), range.lo());
    assertEquals(Instant.parse(end).toEpochMilli(), range.hi());
  }

  @ParameterizedTest
  @CsvSource({"20", "2020-13", "2020-02-30", "2020/01/01", "yesterday", "2020-01-01T25:00", "''"})
  void rejectsWhatIsNotADate(String value) {
    assertThrows(IllegalArgumentException.class, () -> DateRange.parse(value));
  }

  @Test
  void prefixesCompareRangesAsFhirDefines() {
    DateRange day = DateRange.parse("2020-05-03");
    DateRange noon = DateRange.parse("2020-05-03T12:00:00Z");
    DateRange dayBefore = DateRange.parse("2020-05-02");
    DateRange dayAfter = DateRange.parse("2020-05-04");
    DateRange year = DateRange.parse("2020");
    assertTrue(day.matches(Prefix.EQ, noon.lo(), noon.hi()), "eq: the day contains the instant");
    assertFalse(day.matches(Prefix.EQ, year.lo(), year.hi()), "eq: the day does not contain the year");
    assertTrue(day.matches(Prefix.NE, dayAfter.lo(), dayAfter.hi()));
    assertFalse(day.matches(Prefix.NE, noon.lo(), noon.hi()));
    assertTrue(day.matches(Prefix.GT, dayAfter.lo(), dayAfter.hi()));
    assertFalse(day.matches(Prefix.GT, noon.lo(), noon.hi()));
    assertTrue(day.matches(Prefix.GT, year.lo(), year.hi()), "gt: the year reaches past the day");
    assertTrue(day.matches(Prefix.LT, dayBefore.lo(), dayBefore.hi()));
    assertFalse(day.matches(Prefix.LT, noon.lo(), noon.hi()));
    assertTrue(day.matches(Prefix.GE, noon.lo(), noon.hi()));
    assertFalse(day.matches(Prefix.GE, dayBefore.lo(), dayBefore.hi()));
    assertTrue(day.matches(Prefix.LE, noon.lo(), noon.hi()));
    assertFalse(day.matches(Prefix.LE, dayAfter.lo(), dayAfter.hi()));
    assertTrue(day.matches(Prefix.SA, dayAfter.lo(), dayAfter.hi()));
    assertFalse(day.matches(Prefix.SA, year.lo(), year.hi()));
    assertTrue(day.matches(Prefix.EB, dayBefore.lo(), dayBefore.hi()));
    assertFalse(day.matches(Prefix.EB, year.lo(), year.hi()));
  }
}
