package io.herald.topic;

import io.herald.Registries;
import io.herald.criteria.CriteriaParser;
import io.herald.criteria.Registry;
import io.herald.store.PlainJson;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A topic's triggers and filters, pure: what fires, what a subscription may filter by, and what is refused. */
class TopicTest {

  private static final Registry REGISTRY = Registries.load(Path.of("conf/search-parameters.json")).registry();
  private static final TopicParser PARSER = new TopicParser(new CriteriaParser(REGISTRY), REGISTRY);
  private static final Filters FILTERS = new Filters(new CriteriaParser(REGISTRY), REGISTRY);

  private static JsonObject topic(JsonObject queryCriteria, JsonArray interactions, JsonArray canFilterBy) {
    JsonObject trigger = new JsonObject().put("resource", "http://hl7.org/fhir/StructureDefinition/Encounter");
    if (queryCriteria != null) {
      trigger.put("queryCriteria", queryCriteria);
    }
    if (interactions != null) {
      trigger.put("supportedInteraction", interactions);
    }
    return new JsonObject().put("resourceType", "SubscriptionTopic").put("url", "http://example.org/t").put("status", "active")
        .put("resourceTrigger", new JsonArray().add(trigger)).put("canFilterBy", canFilterBy == null ? new JsonArray() : canFilterBy);
  }

  private static Map<String, Object> encounter(String status) {
    return PlainJson.of(new JsonObject().put("resourceType", "Encounter").put("status", status)
        .put("subject", new JsonObject().put("reference", "Patient/1")));
  }

  private static JsonObject transition(boolean requireBoth, String forCreate, String forDelete) {
    return new JsonObject().put("previous", "status:not=finished").put("current", "status=finished")
        .put("requireBoth", requireBoth).put("resultForCreate", forCreate).put("resultForDelete", forDelete);
  }

  @Test
  void aStatusTransitionFiresOnlyWhenTheStatusBecomesFinished() {
    Topic t = PARSER.parse(topic(transition(true, "test-fails", "test-fails"), null, null));
    assertTrue(t.fires("Encounter", "update", encounter("in-progress"), encounter("finished")));
    assertFalse(t.fires("Encounter", "update", encounter("finished"), encounter("finished")), "already finished");
    assertFalse(t.fires("Encounter", "update", encounter("planned"), encounter("in-progress")), "not finished yet");
    assertFalse(t.fires("Encounter", "create", null, encounter("finished")), "resultForCreate test-fails");
    assertFalse(t.fires("Encounter", "delete", encounter("in-progress"), encounter("in-progress")), "resultForDelete test-fails");
    assertFalse(t.fires("Observation", "update", encounter("in-progress"), encounter("finished")), "another type");

    Topic passes = PARSER.parse(topic(transition(true, "test-passes", "test-passes"), null, null));
    assertTrue(passes.fires("Encounter", "create", null, encounter("finished")));
    assertFalse(passes.fires("Encounter", "create", null, encounter("planned")), "current still tested on a create");
    assertTrue(passes.fires("Encounter", "delete", encounter("in-progress"), encounter("in-progress")));

    Topic either = PARSER.parse(topic(transition(false, "test-fails", "test-fails"), null, null));
    assertTrue(either.fires("Encounter", "update", encounter("finished"), encounter("finished")), "current alone passes");
    assertTrue(either.fires("Encounter", "update", encounter("planned"), encounter("planned")), "previous alone passes");
  }

  @Test
  void supportedInteractionsLimitWhatFiresAndNoCriteriaFiresOnEveryChange() {
    Topic deletes = PARSER.parse(topic(null, new JsonArray().add("delete"), null));
    assertTrue(deletes.fires("Encounter", "delete", encounter("x"), encounter("x")));
    assertFalse(deletes.fires("Encounter", "update", encounter("x"), encounter("y")));
    Topic all = PARSER.parse(topic(null, null, null));
    for (String interaction : List.of("create", "update", "delete")) {
      assertTrue(all.fires("Encounter", interaction, null, encounter("x")), interaction);
    }
  }

  @Test
  void whatHeraldCannotEvaluateIsRefusedByName() {
    JsonObject fhirPath = topic(null, null, null);
    fhirPath.getJsonArray("resourceTrigger").getJsonObject(0).put("fhirPathCriteria", "true");
    assertTrue(assertThrows(TopicException.class, () -> PARSER.parse(fhirPath)).getMessage().contains("fhirPathCriteria"));
    JsonObject include = topic(null, null, null).put("notificationShape", new JsonArray()
        .add(new JsonObject().put("resource", "Encounter").put("include", new JsonArray().add("Encounter:patient"))));
    assertTrue(assertThrows(TopicException.class, () -> PARSER.parse(include)).getMessage().contains("include"));
    JsonObject interaction = topic(null, new JsonArray().add("read"), null);
    assertTrue(assertThrows(TopicException.class, () -> PARSER.parse(interaction)).getMessage().contains("'read'"));
    JsonObject result = topic(new JsonObject().put("previous", "status=x").put("resultForCreate", "maybe"), null, null);
    assertTrue(assertThrows(TopicException.class, () -> PARSER.parse(result)).getMessage().contains("resultForCreate"));
    JsonObject filter = topic(null, null, new JsonArray().add(new JsonObject().put("filterParameter", "no-such")));
    assertTrue(assertThrows(TopicException.class, () -> PARSER.parse(filter)).getMessage().contains("no-such"));
    JsonObject noUrl = topic(null, null, null);
    noUrl.remove("url");
    assertTrue(assertThrows(TopicException.class, () -> PARSER.parse(noUrl)).getMessage().startsWith("url"));
  }

  @Test
  void filtersAreHeldToCanFilterByInEachOfTheirForms() {
    Topic t = PARSER.parse(topic(null, null, new JsonArray()
        .add(new JsonObject().put("resource", "Encounter").put("filterParameter", "patient"))
        .add(new JsonObject().put("filterParameter", "date").put("modifier", new JsonArray().add("gt").add("lt")))));
    for (String form : List.of("Encounter?patient=Patient/1", "Encounter.patient=Patient/1", "patient=Patient/1")) {
      var criteria = FILTERS.criteria(t, List.of(form)).get("Encounter");
      assertTrue(criteria.matches(encounter("x")), form);
      assertFalse(FILTERS.criteria(t, List.of(form.replace("/1", "/2"))).get("Encounter").matches(encounter("x")), form);
    }
    var both = FILTERS.criteria(t, List.of("Encounter?patient=Patient/1", "Encounter?date=gt2020-01-01"));
    assertEquals(2, both.get("Encounter").clauses().size(), "several filters are ANDed");
    assertThrows(TopicException.class, () -> FILTERS.criteria(t, List.of("Encounter?status=finished")));
    assertThrows(TopicException.class, () -> FILTERS.criteria(t, List.of("Encounter?date=ge2020-01-01")), "ge not allowed");
    assertThrows(TopicException.class, () -> FILTERS.criteria(t, List.of("Encounter?patient:missing=true")));
    assertThrows(TopicException.class, () -> FILTERS.criteria(t, List.of("Observation?patient=Patient/1")), "not a trigger type");
    assertThrows(TopicException.class, () -> FILTERS.criteria(t, List.of("patient")), "no value");
  }
}
