package io.herald.criteria;

import io.herald.criteria.SearchRequest.IdIn;
import io.herald.criteria.SearchRequest.LastUpdated;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SearchRequestTest {

  private static SearchRequest parse(String... nameValues) {
    Map<String, List<String>> params = new LinkedHashMap<>();
    for (int i = 0; i < nameValues.length; i += 2) {
      params.computeIfAbsent(nameValues[i], k -> new java.util.ArrayList<>()).add(nameValues[i + 1]);
    }
    return SearchRequest.parse("Patient", params, 50, 1000);
  }

  private static void assertRejected(String parameter, String reason, String... nameValues) {
    CriteriaException e = assertThrows(CriteriaException.class, () -> parse(nameValues));
    assertEquals(parameter, e.parameter());
    assertTrue(e.getMessage().contains(reason), e::getMessage);
  }

  @Test
  void commaIsOrAndRepetitionIsAnd() {
    SearchRequest request = parse("_id", "a,b", "_lastUpdated", "ge2020", "_lastUpdated", "lt2021");
    assertEquals(List.of("a", "b"), ((IdIn) request.conditions().get(0)).ids());
    assertEquals(2, request.conditions().stream().filter(c -> c instanceof LastUpdated).count());
  }

  @Test
  void pagingDefaultsAndTotal() {
    assertEquals(50, parse().count());
    assertEquals(7, parse("_count", "7").count());
    assertTrue(parse("_total", "accurate").total());
    assertTrue(parse("_count", "0").total(), "_count=0 asks for the total only");
  }

  @Test
  void rejectsWhatItCannotEvaluateNamingTheParameter() {
    assertRejected("name", "unknown for Patient", "name", "smith");
    assertRejected("subject.name", "chained", "subject.name", "x");
    assertRejected("_id:exact", "modifier", "_id:exact", "x");
    assertRejected("_id", "not a valid id", "_id", "a b");
    assertRejected("_lastUpdated", "prefix 'ap'", "_lastUpdated", "ap2020");
    assertRejected("_lastUpdated", "not a FHIR date", "_lastUpdated", "gtsoon");
    assertRejected("_count", "whole number", "_count", "-1");
    assertRejected("_count", "whole number", "_count", "1001");
    assertRejected("_total", "accurate", "_total", "exact");
  }
}
