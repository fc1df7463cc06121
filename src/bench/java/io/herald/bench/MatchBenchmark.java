package io.herald.bench;

import io.herald.criteria.Criteria;
import io.herald.criteria.CriteriaParser;
import io.herald.criteria.Extractor;
import io.herald.criteria.IndexValue;
import io.herald.criteria.SearchParameter;
import io.herald.criteria.SubscriptionIndex;
import io.herald.store.PlainJson;
import io.herald.Registries;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.HdrHistogram.Histogram;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Per-change cost of finding the subscriptions that match a change: the subscription index
 * against evaluating every subscription in turn, same subscriptions, same changes, one run.
 *
 * <pre>java -cp target/herald.jar io.herald.bench.MatchBenchmark [--subscriptions 100000] [--changes 10000] [--full-sample 300]</pre>
 *
 * Criteria are realistic for a gateway: most name a patient, an identifier or a code (Observation,
 * Patient, Encounter, Condition, DiagnosticReport), 0.1% only a range (birthdate, value, date).
 * Evaluating all subscriptions per change is slow, so it runs on a sample of the changes; both
 * methods must return the same subscriptions for every sampled change.
 */
public final class MatchBenchmark {

  private MatchBenchmark() {
  }

  public static void main(String[] args) {
    Map<String, String> options = Args.parse(args, Map.of("subscriptions", "100000", "changes", "10000", "full-sample", "300"));
    int subscriptions = Integer.parseInt(options.get("subscriptions"));
    int changes = Integer.parseInt(options.get("changes"));
    int sample = Math.min(changes, Integer.parseInt(options.get("full-sample")));
    CriteriaParser parser = new CriteriaParser(Registries.load(Path.of("conf/search-parameters.json")).registry());
    Random r = new Random(1);

    List<Criteria> all = new ArrayList<>(subscriptions);
    SubscriptionIndex<Integer> index = new SubscriptionIndex<>();
    for (int i = 0; i < subscriptions; i++) {
      Criteria c = parser.parse(criteria(r, i));
      all.add(c);
      index.add(i, c);
    }
    List<Map<String, Object>> resources = new ArrayList<>(changes);
    for (int i = 0; i < changes; i++) {
      resources.add(PlainJson.of(resource(r, i)));
    }
    System.out.printf("Match benchmark: %d subscriptions over 5 resource types, %d changes (full evaluation on %d)%n",
        subscriptions, changes, sample);

    // warm-up
    for (int round = 0; round < 3; round++) {
      for (Map<String, Object> resource : resources) {
        index.match(resource);
      }
    }
    for (int i = 0; i < Math.min(50, sample); i++) {
      full(all, resources.get(i));
    }

    Histogram indexed = new Histogram(3_600_000_000_000L, 3);
    long matches = 0;
    for (Map<String, Object> resource : resources) {
      long t0 = System.nanoTime();
      List<Integer> found = index.match(resource);
      indexed.recordValue(System.nanoTime() - t0);
      matches += found.size();
    }
    Histogram evaluated = new Histogram(3_600_000_000_000L, 3);
    boolean same = true;
    for (int i = 0; i < sample; i++) {
      Map<String, Object> resource = resources.get(i);
      long t0 = System.nanoTime();
      List<Integer> found = full(all, resource);
      evaluated.recordValue(System.nanoTime() - t0);
      same &= new HashSet<>(found).equals(new HashSet<>(index.match(resource)));
    }
    System.out.printf("matches per change: %.2f on average%n", matches / (double) changes);
    System.out.printf("index:           p50 %8.1f µs  p99 %8.1f µs  p99.9 %8.1f µs  (%d changes)%n",
        indexed.getValueAtPercentile(50) / 1000.0, indexed.getValueAtPercentile(99) / 1000.0,
        indexed.getValueAtPercentile(99.9) / 1000.0, changes);
    System.out.printf("full evaluation: p50 %8.1f µs  p99 %8.1f µs  (%d changes)%n",
        evaluated.getValueAtPercentile(50) / 1000.0, evaluated.getValueAtPercentile(99) / 1000.0, sample);
    System.out.printf("index p50 is %.0fx faster than full evaluation (targets: index p50 < 20 µs, >= 50x); same results: %s%n",
        evaluated.getValueAtPercentile(50) / (double) indexed.getValueAtPercentile(50), same ? "yes" : "NO");
    if (!same) {
      System.exit(1);
    }
  }

  /** Every subscription in turn, each parameter extracted once per change. */
  private static List<Integer> full(List<Criteria> all, Map<String, Object> resource) {
    Map<SearchParameter, List<IndexValue>> cache = new HashMap<>();
    String type = (String) resource.get("resourceType");
    List<Integer> found = new ArrayList<>();
    for (int i = 0; i < all.size(); i++) {
      if (all.get(i).matches(type, p -> cache.computeIfAbsent(p, q -> Extractor.extract(resource, q)))) {
        found.add(i);
      }
    }
    return found;
  }

  private static final int PATIENTS = 20_000;

  private static String criteria(Random r, int i) {
    if (i % 1000 == 999) {
      return switch (r.nextInt(3)) {
        case 0 -> "Patient?birthdate=lt19" + (40 + r.nextInt(20));
        case 1 -> "Observation?value-quantity=gt" + (150 + r.nextInt(100));
        default -> "Encounter?date=ge2026-0" + (1 + r.nextInt(9));
      };
    }
    int patient = r.nextInt(PATIENTS);
    int pick = r.nextInt(100);
    if (pick < 20) {
      return "Observation?subject=Patient/P" + patient + "&code=http://loinc.org|L" + r.nextInt(500);
    } else if (pick < 25) {
      return "Observation?code=http://loinc.org|L" + r.nextInt(500);
    } else if (pick < 35) {
      return "Observation?patient=P" + patient;
    } else if (pick < 50) {
      return "Patient?identifier=urn:mrn|M" + patient;
    } else if (pick < 55) {
      return "Patient?_id=P" + patient;
    } else if (pick < 70) {
      return "Encounter?patient=Patient/P" + patient + "&status=finished,in-progress";
    } else if (pick < 78) {
      return "Condition?subject=Patient/P" + patient + "&clinical-status=active";
    } else if (pick < 85) {
      return "Condition?code=http://snomed.info/sct|S" + r.nextInt(1000);
    }
    return "DiagnosticReport?subject=Patient/P" + patient + "&status=final";
  }

  private static JsonObject resource(Random r, int i) {
    String patient = "P" + r.nextInt(PATIENTS);
    JsonObject subject = new JsonObject().put("reference", "Patient/" + patient);
    return switch (i % 5) {
      case 0 -> new JsonObject().put("resourceType", "Observation").put("id", "o" + i).put("status", "final")
          .put("code", new JsonObject().put("coding", new JsonArray().add(new JsonObject()
              .put("system", "http://loinc.org").put("code", "L" + r.nextInt(500)))))
          .put("subject", subject).put("effectiveDateTime", "2026-05-0" + (1 + r.nextInt(9)))
          .put("valueQuantity", new JsonObject().put("value", r.nextInt(300)).put("system", "http://unitsofmeasure.org").put("code", "mg"));
      case 1 -> new JsonObject().put("resourceType", "Patient").put("id", patient).put("gender", "female")
          .put("birthDate", "19" + (30 + r.nextInt(70)) + "-02-03")
          .put("identifier", new JsonArray().add(new JsonObject().put("system", "urn:mrn").put("value", "M" + patient.substring(1))))
          .put("name", new JsonArray().add(new JsonObject().put("family", "Doe").put("given", new JsonArray().add("Jane"))));
      case 2 -> new JsonObject().put("resourceType", "Encounter").put("id", "e" + i)
          .put("status", r.nextBoolean() ? "finished" : "planned").put("subject", subject)
          .put("period", new JsonObject().put("start", "2026-0" + (1 + r.nextInt(9)) + "-01T10:00:00Z"));
      case 3 -> new JsonObject().put("resourceType", "Condition").put("id", "c" + i).put("subject", subject)
          .put("clinicalStatus", new JsonObject().put("coding", new JsonArray().add(new JsonObject()
              .put("system", "http://terminology.hl7.org/CodeSystem/condition-clinical").put("code", r.nextBoolean() ? "active" : "resolved"))))
          .put("code", new JsonObject().put("coding", new JsonArray().add(new JsonObject()
              .put("system", "http://snomed.info/sct").put("code", "S" + r.nextInt(1000)))));
      default -> new JsonObject().put("resourceType", "DiagnosticReport").put("id", "r" + i).put("subject", subject)
          .put("status", r.nextBoolean() ? "final" : "registered")
          .put("code", new JsonObject().put("coding", new JsonArray().add(new JsonObject()
              .put("system", "http://loinc.org").put("code", "L" + r.nextInt(500)))));
    };
  }
}
