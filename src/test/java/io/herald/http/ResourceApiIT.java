package io.herald.http;

import io.herald.testing.BundleLinks;
import io.herald.testing.HeraldNode;
import static io.herald.testing.BundleLinks.ids;
import static io.herald.testing.BundleLinks.link;
import io.herald.testing.Reply;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpRequest;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** FHIR REST over real HTTP against a real PostgreSQL: the interactions a client uses. */
class ResourceApiIT {

  private static HeraldNode node;

  @BeforeAll
  static void start() {
    node = HeraldNode.start();
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  private static JsonObject create(String type, String body) {
    Reply reply = node.post("/" + type, body);
    assertEquals(201, reply.status, reply::toString);
    return reply.json();
  }

  @Test
  void createAssignsIdVersionAndLocation() {
    Reply reply = node.post("/Patient", "{\"resourceType\":\"Patient\",\"id\":\"ignored\",\"name\":[{\"family\":\"Smith\"}]}");
    assertEquals(201, reply.status, reply::toString);
    JsonObject patient = reply.json();
    String id = patient.getString("id");
    String version = patient.getJsonObject("meta").getString("versionId");
    assertFalse(id.equals("ignored"), "a client id is ignored on create");
    assertTrue(Long.parseLong(version) > 0);
    assertNotNull(patient.getJsonObject("meta").getString("lastUpdated"));
    assertEquals("W/\"" + version + "\"", reply.header("ETag"));
    assertEquals(node.base + "/Patient/" + id + "/_history/" + version, reply.header("Location"));
    assertTrue(reply.header("Content-Type").startsWith("application/fhir+json"));
    assertEquals("Smith", node.get("/Patient/" + id).json().getJsonArray("name").getJsonObject(0).getString("family"));
  }

  @Test
  void versionIdGrowsWithEveryWriteAndReadsSeeTheLatest() {
    JsonObject patient = create("Patient", "{\"resourceType\":\"Patient\"}");
    String id = patient.getString("id");
    long v1 = Long.parseLong(patient.getJsonObject("meta").getString("versionId"));
    Reply update = node.put("/Patient/" + id, patient.copy().put("active", true).encode());
    assertEquals(200, update.status, update::toString);
    long v2 = Long.parseLong(update.json().getJsonObject("meta").getString("versionId"));
    assertTrue(v2 > v1, "update gets a larger versionId");
    Reply read = node.get("/Patient/" + id);
    assertEquals(200, read.status);
    assertEquals(Long.toString(v2), read.json().getJsonObject("meta").getString("versionId"));
    assertEquals(true, read.json().getBoolean("active"));
    assertEquals("W/\"" + v2 + "\"", read.header("ETag"));
    assertNull(node.get("/Patient/" + id + "/_history/" + v1).json().getBoolean("active"), "vread returns the old version");
  }

  @Test
  void putCreatesAResourceWithTheClientsId() {
    Reply reply = node.put("/DataSample/sample-1", "{\"resourceType\":\"DataSample\",\"id\":\"sample-1\",\"labels\":[]}");
    assertEquals(201, reply.status, reply::toString);
    assertNotNull(reply.header("Location"));
    assertEquals("sample-1", node.get("/DataSample/sample-1").json().getString("id"));
  }

  @Test
  void ifMatchGuardsAgainstLostUpdates() {
    JsonObject patient = create("Patient", "{\"resourceType\":\"Patient\"}");
    String id = patient.getString("id");
    String v1 = patient.getJsonObject("meta").getString("versionId");
    Reply first = node.put("/Patient/" + id, patient.encode(), "If-Match", "W/\"" + v1 + "\"");
    assertEquals(200, first.status, first::toString);
    Reply stale = node.put("/Patient/" + id, patient.copy().put("gender", "male").encode(), "If-Match", "W/\"" + v1 + "\"");
    assertEquals(412, stale.status, stale::toString);
    assertTrue(stale.diagnostics().contains("current version is"), stale::toString);
    assertNull(node.get("/Patient/" + id).json().getString("gender"), "the stale update wrote nothing");
  }

  @Test
  void deletedResourcesAreGoneButKeepTheirHistory() {
    JsonObject patient = create("Patient", "{\"resourceType\":\"Patient\"}");
    String id = patient.getString("id");
    Reply deleted = node.delete("/Patient/" + id);
    assertEquals(200, deleted.status, deleted::toString);
    assertNotNull(deleted.header("ETag"));
    Reply read = node.get("/Patient/" + id);
    assertEquals(410, read.status);
    assertEquals("deleted", read.json().getJsonArray("issue").getJsonObject(0).getString("code"));
    assertEquals(200, node.delete("/Patient/" + id).status, "deleting again is idempotent");
    JsonArray entries = node.get("/Patient/" + id + "/_history").json().getJsonArray("entry");
    assertEquals(2, entries.size());
    assertEquals("DELETE", entries.getJsonObject(0).getJsonObject("request").getString("method"));
    assertNull(entries.getJsonObject(0).getJsonObject("resource"));
    assertEquals("POST", entries.getJsonObject(1).getJsonObject("request").getString("method"));
    String deleteVersion = entries.getJsonObject(0).getJsonObject("response").getString("etag").replaceAll("\\D", "");
    assertEquals(410, node.get("/Patient/" + id + "/_history/" + deleteVersion).status);
    assertEquals(200, node.put("/Patient/" + id, patient.encode()).status / 100 * 100, "a deleted resource can be written again");
    assertEquals(200, node.get("/Patient/" + id).status);
  }

  @Test
  void instanceHistoryIsNewestFirstAndPagedWithoutGapsOrRepeats() {
    JsonObject patient = create("Patient", "{\"resourceType\":\"Patient\"}");
    String id = patient.getString("id");
    for (int i = 0; i < 6; i++) {
      assertEquals(200, node.put("/Patient/" + id, patient.copy().put("birthDate", "200" + i + "-01-01").encode()).status);
    }
    List<Long> versions = new ArrayList<>();
    String next = node.base + "/Patient/" + id + "/_history?_count=3";
    int pages = 0;
    while (next != null) {
      JsonObject bundle = node.get(next).json();
      assertEquals("history", bundle.getString("type"));
      BundleLinks.entries(bundle).forEach(e -> versions.add(Long.parseLong(
          ((JsonObject) e).getJsonObject("resource").getJsonObject("meta").getString("versionId"))));
      next = link(bundle, "next");
      pages++;
    }
    assertEquals(3, pages);
    assertEquals(7, versions.size());
    for (int i = 1; i < versions.size(); i++) {
      assertTrue(versions.get(i - 1) > versions.get(i), "newest first: " + versions);
    }
  }

  @Test
  void typeAndSystemHistoryListChangesOfThatScope() {
    create("Practitioner", "{\"resourceType\":\"Practitioner\"}");
    create("Practitioner", "{\"resourceType\":\"Practitioner\"}");
    JsonObject typeHistory = node.get("/Practitioner/_history").json();
    assertEquals(2, typeHistory.getJsonArray("entry").size());
    typeHistory.getJsonArray("entry").forEach(e ->
        assertEquals("Practitioner", ((JsonObject) e).getJsonObject("resource").getString("resourceType")));
    JsonObject systemHistory = node.get("/_history?_count=1").json();
    assertEquals(1, systemHistory.getJsonArray("entry").size());
    assertNotNull(link(systemHistory, "next"));
  }

  @Test
  void searchByIdAndLastUpdatedWithPaging() {
    JsonObject a = create("Organization", "{\"resourceType\":\"Organization\",\"name\":\"A\"}");
    JsonObject b = create("Organization", "{\"resourceType\":\"Organization\",\"name\":\"B\"}");
    create("Organization", "{\"resourceType\":\"Organization\",\"name\":\"C\"}");
    JsonObject byId = node.get("/Organization?_id=" + a.getString("id") + "," + b.getString("id") + "&_total=accurate").json();
    assertEquals("searchset", byId.getString("type"));
    assertEquals(2, byId.getLong("total"));
    String since = a.getJsonObject("meta").getString("lastUpdated");
    assertEquals(3, node.get("/Organization?_lastUpdated=ge" + since + "&_total=accurate").json().getLong("total"));
    assertEquals(0, node.get("/Organization?_lastUpdated=lt" + since + "&_total=accurate").json().getLong("total"));
    assertEquals(3, node.get("/Organization?_lastUpdated=" + since.substring(0, 4) + "&_total=accurate").json().getLong("total"));
    List<String> ids = new ArrayList<>();
    String next = node.base + "/Organization?_count=2";
    while (next != null) {
      JsonObject page = node.get(next).json();
      BundleLinks.entries(page).forEach(e -> ids.add(((JsonObject) e).getJsonObject("resource").getString("id")));
      next = link(page, "next");
    }
    assertEquals(3, ids.size());
    assertEquals(3, ids.stream().distinct().count());
    node.delete("/Organization/" + b.getString("id"));
    assertEquals(2, node.get("/Organization?_total=accurate").json().getLong("total"), "deleted resources are not found");
  }

  @Test
  void preferReturnMinimalSendsNoBody() {
    Reply reply = node.send(HttpRequest.newBuilder(node.uri("/Patient")).header("Content-Type", "application/fhir+json")
        .header("Prefer", "return=minimal").POST(HttpRequest.BodyPublishers.ofString("{\"resourceType\":\"Patient\"}")));
    assertEquals(201, reply.status);
    assertEquals("", reply.text);
    assertNotNull(reply.header("Location"));
    assertNotNull(reply.header("ETag"));
  }

  @Test
  void plainJsonIsAccepted() {
    Reply reply = node.send(HttpRequest.newBuilder(node.uri("/Patient")).header("Content-Type", "application/json; charset=utf-8")
        .POST(HttpRequest.BodyPublishers.ofString("{\"resourceType\":\"Patient\"}")));
    assertEquals(201, reply.status, reply::toString);
  }

  @Test
  void metadataListsWhatIsSupported() {
    JsonObject capability = node.get("/metadata").json();
    assertEquals("CapabilityStatement", capability.getString("resourceType"));
    JsonObject rest = capability.getJsonArray("rest").getJsonObject(0);
    JsonObject patient = rest.getJsonArray("resource").stream().map(JsonObject.class::cast)
        .filter(r -> r.getString("type").equals("Patient")).findFirst().orElseThrow();
    List<String> interactions = patient.getJsonArray("interaction").stream()
        .map(i -> ((JsonObject) i).getString("code")).toList();
    assertTrue(interactions.containsAll(List.of("create", "read", "vread", "update", "delete", "history-instance",
        "history-type", "search-type")), interactions::toString);
    List<String> params = patient.getJsonArray("searchParam").stream().map(p -> ((JsonObject) p).getString("name")).toList();
    assertTrue(params.containsAll(List.of("_id", "_lastUpdated", "_tag", "_profile", "_security", "name", "birthdate",
        "identifier", "gender")), params::toString);
    assertTrue(!params.contains("deceased"), "special parameters that cannot be evaluated are not listed");
    assertTrue(rest.getJsonArray("resource").stream().map(JsonObject.class::cast)
        .noneMatch(r -> r.getString("type").equals("DataSample")), "rest.resource.type holds R4 types only");
    JsonObject dataSample = rest.getJsonArray("extension").stream().map(JsonObject.class::cast)
        .filter(e -> e.getString("url").equals("http://herald.io/fhir/StructureDefinition/custom-resource-type"))
        .filter(e -> e.getJsonArray("extension").getJsonObject(0).getString("valueCode").equals("DataSample"))
        .findFirst().orElseThrow(() -> new AssertionError("DataSample is listed as a custom type: " + rest.getJsonArray("extension")));
    assertTrue(dataSample.encode().contains("{\"url\":\"name\",\"valueString\":\"label\"}"), dataSample::encode);
  }

  @Test
  void metadataReportsTheBuildsVersion() {
    String version = node.get("/metadata").json().getJsonObject("software").getString("version");
    assertEquals(System.getProperty("herald.expectedVersion"), version);
    assertTrue(version.matches("\\d+\\.\\d+\\.\\d+.*"), version);
  }

}
