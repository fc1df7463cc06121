package io.herald.store;

import io.herald.Registries;
import io.herald.criteria.Criteria;
import io.herald.criteria.CriteriaException;
import io.herald.criteria.CriteriaParser;
import io.herald.testing.BundleLinks;
import io.herald.testing.HeraldNode;
import io.herald.testing.Reply;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * SQL search and in-memory matching give the same answer: thousands of generated resources,
 * thousands of generated criteria over every parameter type, modifier and prefix (missing values,
 * several names, time zones, partial dates, periods, units); for each, the ids REST search finds
 * equal the ids the matcher accepts.
 */
class SearchDifferentialIT {

  private static final int RESOURCES = 2000;
  private static final int CRITERIA = 2200;
  private static HeraldNode node;
  private static final List<JsonObject> stored = new ArrayList<>();
  private static CriteriaParser parser;

  @BeforeAll
  static void load() {
    node = HeraldNode.start();
    parser = new CriteriaParser(Registries.load(Path.of("conf/search-parameters.json")).registry());
    Random random = new Random(42);
    Generator g = new Generator(random);
    List<String> bodies = new ArrayList<>();
    for (int i = 0; i < RESOURCES; i++) {
      bodies.add(switch (i % 4) {
        case 0 -> g.patient(i);
        case 1 -> g.observation(i);
        case 2 -> g.encounter(i);
        default -> g.dataSample(i);
      });
    }
    bodies.parallelStream().forEach(body -> {
      JsonObject resource = new JsonObject(body);
      Reply reply = node.put("/" + resource.getString("resourceType") + "/" + resource.getString("id"), body);
      assertEquals(201, reply.status, reply::toString);
      synchronized (stored) {
        stored.add(reply.json());
      }
    });
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  @Test
  void sqlSearchFindsExactlyWhatTheMatcherAccepts() {
    Random random = new Random(7);
    Generator g = new Generator(random);
    int compared = 0;
    int nonEmpty = 0;
    int partial = 0;
    for (int i = 0; i < CRITERIA; i++) {
      String query = g.criteria();
      Criteria criteria;
      try {
        criteria = parser.parse(query);
      } catch (CriteriaException rejected) {
        Reply reply = node.get("/" + query.replace("?", "?_count=1&"));
        assertEquals(400, reply.status, () -> query + " is rejected in memory, so must be by REST: " + reply);
        continue;
      }
      Set<String> expected = new TreeSet<>();
      for (JsonObject resource : stored) {
        if (criteria.matches(PlainJson.of(resource))) {
          expected.add(resource.getString("resourceType") + "/" + resource.getString("id"));
        }
      }
      Set<String> found = search(query);
      if (!expected.equals(found)) {
        Set<String> missing = new TreeSet<>(expected);
        missing.removeAll(found);
        Set<String> extra = new TreeSet<>(found);
        extra.removeAll(expected);
        throw new AssertionError("criteria " + query + ": SQL misses " + missing + " and adds " + extra);
      }
      compared++;
      if (!expected.isEmpty()) {
        nonEmpty++;
      }
      if (!expected.isEmpty() && expected.size() < RESOURCES / 4) {
        partial++;
      }
    }
    assertTrue(compared >= 1800, "compared " + compared);
    assertTrue(nonEmpty > compared / 3, "enough criteria match something: " + nonEmpty + " of " + compared);
    assertTrue(partial > compared / 4, "enough criteria select part of a type: " + partial + " of " + compared);
  }

  private static Set<String> search(String query) {
    Set<String> ids = new HashSet<>();
    String next = node.base + "/" + query + (query.contains("?") ? "&" : "?") + "_count=1000";
    while (next != null) {
      Reply reply = node.get(next);
      assertEquals(200, reply.status, () -> query + ": " + reply);
      JsonObject bundle = reply.json();
      JsonArray entries = BundleLinks.entries(bundle);
      for (int i = 0; i < entries.size(); i++) {
        JsonObject r = entries.getJsonObject(i).getJsonObject("resource");
        assertTrue(ids.add(r.getString("resourceType") + "/" + r.getString("id")), "no repeats across pages");
      }
      next = null;
      for (Object link : bundle.getJsonArray("link")) {
        if (((JsonObject) link).getString("relation").equals("next")) {
          next = ((JsonObject) link).getString("url");
        }
      }
    }
    return ids;
  }

  /** Resources and criteria drawn from the same small vocabularies, so criteria often match. */
  static final class Generator {
    private static final String[] FAMILIES = {"Müller", "Muller", "Smith", "Smithson", "O'Brien", "de la Cruz", "Łukasz", "SMITH"};
    private static final String[] GIVEN = {"Anna", "Ånna", "Peter", "Pete", "José", "Jo"};
    private static final String[] SYSTEMS = {"http://loinc.org", "http://snomed.info/sct", "urn:local"};
    private static final String[] CODES = {"1234-5", "8867-4", "718-7", "xyz", "ABC"};
    private static final String[] UNITS = {"mg", "kg", "mmol/L", "%"};
    private static final String[] ZONES = {"Z", "+02:00", "-05:00", "+14:00"};
    private static final String[] DATES = {"1990", "1990-05", "1990-05-03", "1989-12-31", "2000-02-29", "2020-01-01"};
    private final Random r;

    Generator(Random r) {
      this.r = r;
    }

    private String pick(String... values) {
      return values[r.nextInt(values.length)];
    }

    private boolean chance(int percent) {
      return r.nextInt(100) < percent;
    }

    private String dateTime() {
      String day = pick("1990-05-03", "1990-05-02", "1989-12-31", "2020-01-01", "2019-12-31", "2000-02-29");
      return switch (r.nextInt(4)) {
        case 0 -> day;
        case 1 -> day + "T" + pick("00:30", "12:00", "23:30") + ":00" + pick(ZONES);
        case 2 -> day + "T" + pick("00:30", "23:59") + ":" + pick("00", "59") + "." + r.nextInt(1000) + pick(ZONES);
        default -> day.substring(0, 4 + 3 * r.nextInt(2));
      };
    }

    private JsonObject codeable() {
      JsonArray codings = new JsonArray();
      for (int i = 0; i <= r.nextInt(2); i++) {
        JsonObject coding = new JsonObject().put("code", pick(CODES)).put("display", pick("Hémoglobine", "Heart rate", "Glucose"));
        if (chance(80)) {
          coding.put("system", pick(SYSTEMS));
        }
        codings.add(coding);
      }
      JsonObject cc = new JsonObject().put("coding", codings);
      if (chance(50)) {
        cc.put("text", pick("Blood glucose", "Héart rate", "Hemoglobin"));
      }
      return cc;
    }

    private JsonObject reference() {
      String id = "p" + r.nextInt(20);
      return new JsonObject().put("reference", switch (r.nextInt(3)) {
        case 0 -> "Patient/" + id;
        case 1 -> "http://example.org/fhir/Patient/" + id;
        default -> pick("Group/", "Device/") + id;
      });
    }

    String patient(int i) {
      JsonObject p = new JsonObject().put("resourceType", "Patient").put("id", "p" + i);
      if (chance(85)) {
        JsonArray names = new JsonArray();
        for (int n = 0; n <= r.nextInt(2); n++) {
          JsonObject name = new JsonObject().put("family", pick(FAMILIES));
          if (chance(70)) {
            name.put("given", new JsonArray().add(pick(GIVEN)));
          }
          names.add(name);
        }
        p.put("name", names);
      }
      if (chance(80)) {
        p.put("birthDate", pick(DATES));
      }
      if (chance(80)) {
        p.put("gender", pick("male", "female", "other"));
      }
      if (chance(60)) {
        p.put("active", r.nextBoolean());
      }
      if (chance(70)) {
        JsonObject identifier = new JsonObject().put("value", "MRN-" + r.nextInt(30));
        if (chance(70)) {
          identifier.put("system", pick("http://hospital/mrn", "urn:ssn"));
        }
        p.put("identifier", new JsonArray().add(identifier));
      }
      if (chance(40)) {
        p.put("telecom", new JsonArray().add(new JsonObject().put("system", pick("phone", "email")).put("value", "555-" + r.nextInt(5))));
      }
      if (chance(30)) {
        p.put("meta", new JsonObject().put("tag", new JsonArray().add(new JsonObject().put("system", "urn:tags").put("code", pick("vip", "test"))))
            .put("profile", new JsonArray().add(pick("http://example.org/StructureDefinition/a", "http://example.org/StructureDefinition/b"))));
      }
      return p.encode();
    }

    String observation(int i) {
      JsonObject o = new JsonObject().put("resourceType", "Observation").put("id", "o" + i)
          .put("status", pick("final", "preliminary", "amended"));
      if (chance(90)) {
        o.put("code", codeable());
      }
      if (chance(85)) {
        o.put("subject", reference());
      }
      if (chance(45)) {
        o.put("effectiveDateTime", dateTime());
      } else if (chance(60)) {
        JsonObject period = new JsonObject();
        if (chance(80)) {
          period.put("start", dateTime());
        }
        if (chance(60)) {
          period.put("end", "2021-0" + (1 + r.nextInt(9)));
        }
        o.put("effectivePeriod", period);
      }
      if (chance(70)) {
        JsonObject q = new JsonObject().put("value", pick("5.4", "5.40", "100", "99.6", "0.5", "-3", "100.2").equals("100")
            ? 100 : Double.parseDouble(pick("5.4", "5.40", "100", "99.6", "0.5", "-3", "100.2")));
        if (chance(70)) {
          q.put("system", "http://unitsofmeasure.org").put("code", pick(UNITS));
        }
        if (chance(60)) {
          q.put("unit", pick(UNITS));
        }
        o.put("valueQuantity", q);
      }
      return o.encode();
    }

    String encounter(int i) {
      JsonObject e = new JsonObject().put("resourceType", "Encounter").put("id", "e" + i)
          .put("status", pick("planned", "in-progress", "finished"));
      if (chance(80)) {
        JsonObject period = new JsonObject();
        if (chance(85)) {
          period.put("start", dateTime());
        }
        if (chance(50)) {
          period.put("end", "2020-01-0" + (1 + r.nextInt(5)) + "T10:00:00Z");
        }
        e.put("period", period);
      }
      if (chance(80)) {
        e.put("subject", reference());
      }
      if (chance(60)) {
        e.put("class", new JsonObject().put("system", "http://terminology.hl7.org/CodeSystem/v3-ActCode").put("code", pick("AMB", "IMP", "EMER")));
      }
      return e.encode();
    }

    String dataSample(int i) {
      JsonObject d = new JsonObject().put("resourceType", "DataSample").put("id", "d" + i);
      JsonArray labels = new JsonArray();
      for (int n = 0; n < r.nextInt(3); n++) {
        labels.add(new JsonObject().put("type", pick("IC-TEST", "ICPC", "LOINC")).put("code", pick("TEST", "T90", "A01")));
      }
      d.put("labels", labels);
      if (chance(70)) {
        d.put("valueDate", dateTime());
      }
      if (chance(70)) {
        d.put("patient", "p" + r.nextInt(20));
      }
      if (chance(60)) {
        d.put("content", new JsonObject().put("numberValue", Double.parseDouble(pick("100", "100.4", "99.5", "7", "7.25"))));
      }
      if (chance(50)) {
        d.put("comment", pick("Fasting sample", "après repas", "FASTING"));
      }
      return d.encode();
    }

    String criteria() {
      String type = pick("Patient", "Observation", "Encounter", "DataSample");
      List<String> params = new ArrayList<>();
      int clauses = 1 + (chance(30) ? 1 : 0) + (chance(10) ? 1 : 0);
      for (int i = 0; i < clauses; i++) {
        params.add(switch (type) {
          case "Patient" -> patientParam();
          case "Observation" -> observationParam();
          case "Encounter" -> encounterParam();
          default -> dataSampleParam();
        });
      }
      return type + "?" + String.join("&", params);
    }

    private String or(Supplier<String> value) {
      String v = value.get();
      return chance(20) ? v + "," + value.get() : v;
    }

    private String p(String name, String value) {
      return name + "=" + URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private String missing(String name) {
      return p(name + ":missing", r.nextBoolean() ? "true" : "false");
    }

    private String datePrefix() {
      return pick("", "eq", "ne", "gt", "lt", "ge", "le", "sa", "eb");
    }

    private String numberPrefix() {
      return pick("", "eq", "ne", "gt", "lt", "ge", "le", "sa", "eb", "ap");
    }

    private String searchDate() {
      String base = pick("1990", "1990-05", "1990-05-03", "2020-01-01", "2019-12-31", "2000");
      if (chance(30)) {
        base = pick("1990-05-03", "2020-01-01", "2019-12-31") + "T" + pick("00:00", "12:00", "23:30") + (chance(50) ? ":00" : "") + pick(ZONES);
      }
      return datePrefix() + base;
    }

    private String patientParam() {
      return switch (r.nextInt(12)) {
        case 0 -> p("name" + pick("", ":exact", ":contains"), or(() -> pick("mul", "Müller", "smi", "SMITH", "o'b", "cruz", "ann", "jos", "Anna", "ith")));
        case 1 -> p(pick("family", "given"), or(() -> pick("mu", "sm", "an", "pe", "ł")));
        case 2 -> p("birthdate", or(this::searchDate));
        case 3 -> p("gender" + pick("", ":not"), or(() -> pick("male", "female", "other")));
        case 4 -> p("active", pick("true", "false"));
        case 5 -> p("identifier" + pick("", ":not"), or(() -> pick("MRN-" + r.nextInt(30), "http://hospital/mrn|MRN-" + r.nextInt(30), "|MRN-" + r.nextInt(30), "urn:ssn|")));
        case 6 -> p(pick("phone", "email", "telecom"), "555-" + r.nextInt(5));
        case 7 -> p("_tag", or(() -> pick("vip", "urn:tags|test", "urn:other|vip")));
        case 8 -> p("_profile", pick("http://example.org/StructureDefinition/a", "http://example.org/StructureDefinition/b"));
        case 9 -> p("_id", or(() -> "p" + r.nextInt(RESOURCES)));
        case 10 -> missing(pick("name", "birthdate", "gender", "identifier", "active", "_tag"));
        default -> p("birthdate", pick("gt", "lt", "ge", "le") + pick(DATES));
      };
    }

    private String observationParam() {
      return switch (r.nextInt(9)) {
        case 0 -> p("code" + pick("", ":not"), or(() -> pick(CODES) + "", () -> null));
        case 1 -> p("code", or(() -> pick(SYSTEMS) + "|" + pick(CODES)));
        case 2 -> p("code" + pick(":text"), pick("hem", "héart", "blood", "glu"));
        case 3 -> p(pick("subject", "patient"), or(() -> pick("Patient/", "", "http://example.org/fhir/Patient/") + "p" + r.nextInt(20)));
        case 4 -> p("subject:" + pick("Patient", "Group", "Device"), "p" + r.nextInt(20));
        case 5 -> p("date", or(this::searchDate));
        case 6 -> p("value-quantity", numberPrefix() + pick("5.4", "100", "100.0", "99.5", "0", "-3")
            + pick("", "|http://unitsofmeasure.org|" + pick(UNITS), "||" + pick(UNITS)));
        case 7 -> p("status", or(() -> pick("final", "preliminary", "amended")));
        default -> missing(pick("code", "subject", "date", "value-quantity"));
      };
    }

    private String or(Supplier<String> a, Supplier<String> ignored) {
      return or(a);
    }

    private String encounterParam() {
      return switch (r.nextInt(5)) {
        case 0 -> p("date", or(this::searchDate));
        case 1 -> p(pick("subject", "patient"), "Patient/p" + r.nextInt(20));
        case 2 -> p("status", or(() -> pick("planned", "in-progress", "finished")));
        case 3 -> p("class", pick("AMB", "http://terminology.hl7.org/CodeSystem/v3-ActCode|IMP", "|EMER"));
        default -> missing(pick("date", "class", "subject"));
      };
    }

    private String dataSampleParam() {
      return switch (r.nextInt(6)) {
        case 0 -> p("label" + pick("", ":not"), or(() -> pick("IC-TEST|TEST", "ICPC|T90", "TEST", "LOINC|", "|A01")));
        case 1 -> p("valueDate", or(this::searchDate));
        case 2 -> p("patient", pick("Patient/", "") + "p" + r.nextInt(20));
        case 3 -> p("value", numberPrefix() + pick("100", "100.0", "7", "7.2", "99.5"));
        case 4 -> p("comment" + pick("", ":exact", ":contains"), pick("fast", "Fasting sample", "apres", "SAMPLE", "repas"));
        default -> missing(pick("label", "valueDate", "patient", "value", "comment"));
      };
    }
  }
}
