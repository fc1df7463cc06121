package io.herald.criteria;

import io.herald.store.PlainJson;
import io.herald.Registries;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The index finds exactly the subscriptions that evaluating every one in turn finds, after adds and removes. */
class SubscriptionIndexTest {

  private static CriteriaParser parser;

  @BeforeAll
  static void registry() {
    parser = new CriteriaParser(Registries.load(Path.of("conf/search-parameters.json")).registry());
  }

  @Test
  void findsWhatFullEvaluationFinds() {
    Random r = new Random(3);
    SubscriptionIndex<Integer> index = new SubscriptionIndex<>();
    Map<Integer, Criteria> all = new HashMap<>();
    String[] templates = {
        "Observation?code=http://loinc.org|C%d", "Observation?code=C%d,C7&status=final", "Observation?subject=Patient/P%d",
        "Observation?patient=P%d&code=http://loinc.org|", "Patient?identifier=urn:mrn|M%d", "Patient?gender=male&name=sm",
        "Patient?birthdate=lt19%02d", "Patient?_id=P%d", "Observation?value-quantity=gt%d", "Observation?code:not=C%d",
        "DataSample?label=IC-TEST|T%d", "Patient?name:exact=Smith%d", "Patient?_profile=http://p/%d", "Observation?code:missing=true"};
    for (int i = 0; i < 3000; i++) {
      Criteria c = parser.parse(String.format(templates[r.nextInt(templates.length)], r.nextInt(20)));
      index.add(i, c);
      all.put(i, c);
    }
    for (int i = 0; i < 3000; i += 3) {   // removing works too
      index.remove(i);
      all.remove(i);
    }
    assertEquals(all.size(), index.size());
    int matchedSomething = 0;
    for (int n = 0; n < 1500; n++) {
      Map<String, Object> resource = PlainJson.of(resource(r));
      List<Integer> expected = new ArrayList<>();
      all.forEach((k, c) -> {
        if (c.matches(resource)) {
          expected.add(k);
        }
      });
      assertEquals(new TreeSet<>(expected), new TreeSet<>(index.match(resource)), () -> "for " + resource);
      if (!expected.isEmpty()) {
        matchedSomething++;
      }
    }
    assertTrue(matchedSomething > 500, "resources that matched subscriptions: " + matchedSomething);
  }

  private static JsonObject resource(Random r) {
    int id = r.nextInt(20);
    return switch (r.nextInt(3)) {
      case 0 -> new JsonObject().put("resourceType", "Observation").put("id", "O" + id)
          .put("status", r.nextBoolean() ? "final" : "preliminary")
          .put("code", new JsonObject().put("coding", new JsonArray().add(new JsonObject()
              .put("system", r.nextBoolean() ? "http://loinc.org" : "urn:x").put("code", "C" + r.nextInt(20)))))
          .put("subject", new JsonObject().put("reference", "Patient/P" + r.nextInt(20)))
          .put("valueQuantity", new JsonObject().put("value", r.nextInt(25)));
      case 1 -> new JsonObject().put("resourceType", "Patient").put("id", "P" + id)
          .put("gender", r.nextBoolean() ? "male" : "female")
          .put("name", new JsonArray().add(new JsonObject().put("family", "Smith" + r.nextInt(20))))
          .put("birthDate", String.format("19%02d-01-01", r.nextInt(20)))
          .put("identifier", new JsonArray().add(new JsonObject().put("system", "urn:mrn").put("value", "M" + r.nextInt(20))))
          .put("meta", new JsonObject().put("profile", new JsonArray().add("http://p/" + r.nextInt(20))));
      default -> new JsonObject().put("resourceType", "DataSample").put("id", "D" + id)
          .put("labels", new JsonArray().add(new JsonObject().put("type", "IC-TEST").put("code", "T" + r.nextInt(20))));
    };
  }
}
