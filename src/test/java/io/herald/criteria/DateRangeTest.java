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
    assertEquals(Instant.parse(start), range.start());
    assertEquals(Instant.parse(end), range.end());
  }

  @ParameterizedTest
  @CsvSource({"20", "2020-13", "2020-02-30", "2020/01/01", "yesterday", "2020-01-01T25:00", "''"})
  void rejectsWhatIsNotADate(String value) {
    assertThrows(IllegalArgumentException.class, () -> DateRange.parse(value));
  }

  @Test
  void prefixesCompareAnInstantWithTheRange() {
    DateRange day = DateRange.parse("2020-05-03");
    Instant before = Instant.parse("2020-05-02T23:59:59.999Z");
    Instant inside = Instant.parse("2020-05-03T12:00:00Z");
    Instant after = Instant.parse("2020-05-04T00:00:00Z");
    assertTrue(day.matches(Prefix.EQ, inside));
    assertFalse(day.matches(Prefix.EQ, after));
    assertTrue(day.matches(Prefix.NE, before));
    assertFalse(day.matches(Prefix.NE, inside));
    assertTrue(day.matches(Prefix.GT, after));
    assertFalse(day.matches(Prefix.GT, inside));
    assertTrue(day.matches(Prefix.LT, before));
    assertFalse(day.matches(Prefix.LT, inside));
    assertTrue(day.matches(Prefix.GE, inside));
    assertFalse(day.matches(Prefix.GE, before));
    assertTrue(day.matches(Prefix.LE, inside));
    assertFalse(day.matches(Prefix.LE, after));
  }
}
