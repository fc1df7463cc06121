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

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** REST search as a client sees it: custom types, sorting, totals, and pages that stay put while writes go on. */
class SearchIT {

  private static HeraldNode node;

  @BeforeAll
  static void start() {
    node = HeraldNode.start();
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  @Test
  void dataSampleLabelsAreSearchableWithNoCode() {
    node.put("/DataSample/ds1", "{\"resourceType\":\"DataSample\",\"id\":\"ds1\",\"labels\":[{\"type\":\"IC-TEST\",\"code\":\"TEST\"}]}");
    node.put("/DataSample/ds2", "{\"resourceType\":\"DataSample\",\"id\":\"ds2\",\"labels\":[{\"type\":\"IC-TEST\",\"code\":\"OTHER\"}]}");
    assertEquals(List.of("ds1"), ids(node.get("/DataSample?label=IC-TEST%7CTEST").json()));
    assertEquals(List.of("ds1", "ds2"), ids(node.get("/DataSample?label=IC-TEST%7C").json()));
    assertEquals(List.of("ds2"), ids(node.get("/DataSample?label:not=TEST").json()));
  }

  @Test
  void longValuesOfEveryIndexedKindAreStoredAndFoundExactly() {
    String tail = "ü😀".repeat(700);                        // multi-byte and astral: 2,100 code points, 4,200 UTF-16 units
    String family = "Long" + tail + "Zebra";
    String code = "c".repeat(3000);
    String url = "http://example.org/" + "p".repeat(3000);
    String patient = new JsonObject().put("resourceType", "Patient").put("id", "long1")
        .put("meta", new JsonObject().put("tag", new JsonArray().add(new JsonObject().put("system", "http://t").put("code", code)))
            .put("profile", new JsonArray().add(url)))
        .put("name", new JsonArray().add(new JsonObject().put("family", family)))
        .put("identifier", new JsonArray().add(new JsonObject().put("system", "http://id").put("value", code)))
        .put("managingOrganization", new JsonObject().put("reference", "Organization/" + "o".repeat(60))).encode();
    Reply created = node.put("/Patient/long1", patient);
    assertEquals(201, created.status, created::toString);
    node.put("/Patient/long2", new JsonObject().put("resourceType", "Patient").put("id", "long2")   // same first 512 characters
        .put("name", new JsonArray().add(new JsonObject().put("family", "Long" + tail + "Zebrx")))
        .put("identifier", new JsonArray().add(new JsonObject().put("system", "http://id").put("value", code + "d"))).encode());

    assertEquals(List.of("long1"), searchByForm("family:exact=" + enc(family)));
    assertEquals(List.of("long1"), searchByForm("family=" + enc(family)));
    assertEquals(List.of("long1", "long2"), searchByForm("family=" + enc(family.substring(0, family.offsetByCodePoints(0, 1000)))));
    assertEquals(List.of("long1"), searchByForm("family:contains=" + enc("ZEBRA")));
    assertEquals(List.of("long1"), searchByForm("identifier=" + enc("http://id|" + code)));
    assertEquals(List.of("long2"), searchByForm("identifier=" + enc(code + "d")));
    assertEquals(List.of("long1"), searchByForm("_tag=" + enc(code)));
    assertEquals(List.of("long1"), searchByForm("_profile=" + enc(url)));
    assertEquals(List.of(), searchByForm("_profile=" + enc(url + "x")));
    assertEquals(List.of("long1", "long2"), searchByForm("_id=long1,long2&_sort=-family"));
  }

  private static List<String> searchByForm(String form) {
    Reply reply = node.send(java.net.http.HttpRequest.newBuilder(node.uri("/Patient/_search"))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(java.net.http.HttpRequest.BodyPublishers.ofString(form)));
    assertEquals(200, reply.status, reply::toString);
    List<String> found = ids(reply.json());
    found.sort(null);
    return found;
  }

  private static String enc(String value) {
    return java.net.URLEncoder.encode(value, java.nio.charset.StandardCharsets.UTF_8);
  }

  @Test
  void postSearchFindsWhatGetFindsWithTheSamePages() {
    for (int i = 0; i < 5; i++) {
      node.put("/Practitioner/pf" + i, "{\"resourceType\":\"Practitioner\",\"id\":\"pf" + i + "\",\"name\":[{\"family\":\"Formed\"}]}");
    }
    List<String> byGet = new ArrayList<>();
    String next = node.base + "/Practitioner?family=Formed&_count=2";
    while (next != null) {
      JsonObject page = node.get(next).json();
      byGet.addAll(ids(page));
      next = link(page, "next");
    }
    Reply first = node.send(java.net.http.HttpRequest.newBuilder(node.uri("/Practitioner/_search?_count=2"))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(java.net.http.HttpRequest.BodyPublishers.ofString("family=Formed")));
    assertEquals(200, first.status, first::toString);
    List<String> byPost = new ArrayList<>(ids(first.json()));
    next = link(first.json(), "next");
    while (next != null) {
      JsonObject page = node.get(next).json();
      byPost.addAll(ids(page));
      next = link(page, "next");
    }
    assertEquals(List.of("pf0", "pf1", "pf2", "pf3", "pf4"), byGet);
    assertEquals(byGet, byPost);
  }

  @Test
  void acceptsAnUnencodedBarAsCurlSendsIt() throws Exception {
    node.put("/DataSample/ds9", "{\"resourceType\":\"DataSample\",\"id\":\"ds9\",\"labels\":[{\"type\":\"RAW\",\"code\":\"BAR\"}]}");
    try (java.net.Socket socket = new java.net.Socket("localhost", node.uri("/").getPort())) {
      socket.getOutputStream().write(("GET /fhir/DataSample?label=RAW|BAR HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
          .getBytes(java.nio.charset.StandardCharsets.UTF_8));
      String response = new String(socket.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
      assertTrue(response.startsWith("HTTP/1.1 200"), response);
      assertTrue(response.contains("\"id\":\"ds9\""), response);
    }
  }

  @Test
  void sortsByDateStringTokenAndLastUpdated() {
    String[][] people = {{"s1", "Zeta", "1980-01-01", "female"}, {"s2", "Alpha", "1970-06-01", "male"},
        {"s3", "Mid", "1990", "other"}, {"s4", "Beta", null, "male"}};
    for (String[] p : people) {
      JsonObject patient = new JsonObject().put("resourceType", "Patient").put("id", p[0])
          .put("name", new JsonArray().add(new JsonObject().put("family", p[1]))).put("gender", p[3])
          .put("meta", new JsonObject().put("tag", new JsonArray().add(new JsonObject().put("code", "sorting"))));
      if (p[2] != null) {
        patient.put("birthDate", p[2]);
      }
      assertEquals(201, node.put("/Patient/" + p[0], patient.encode()).status);
    }
    String base = "/Patient?_tag=sorting&_sort=";
    assertEquals(List.of("s2", "s1", "s3", "s4"), ids(node.get(base + "birthdate").json()), "missing values last");
    assertEquals(List.of("s3", "s1", "s2", "s4"), ids(node.get(base + "-birthdate").json()));
    assertEquals(List.of("s2", "s4", "s3", "s1"), ids(node.get(base + "name").json()));
    assertEquals(List.of("s1", "s3", "s4", "s2"), ids(node.get(base + "-family").json()));
    assertEquals(List.of("s1", "s2", "s4", "s3"), ids(node.get(base + "gender").json()));
    assertEquals(List.of("s4", "s3", "s2", "s1"), ids(node.get(base + "-_lastUpdated").json()));
    assertEquals(List.of("s4", "s3", "s2", "s1"), ids(node.get(base + "-_id").json()));
  }

  @Test
  void summaryCountAndTotal() {
    for (int i = 0; i < 3; i++) {
      node.post("/Immunization", "{\"resourceType\":\"Immunization\",\"status\":\"completed\"}");
    }
    JsonObject count = node.get("/Immunization?status=completed&_summary=count").json();
    assertEquals(3, count.getLong("total"));
    assertTrue(BundleLinks.entries(count).isEmpty());
    JsonObject page = node.get("/Immunization?_count=2&_total=accurate").json();
    assertEquals(3, page.getLong("total"));
    assertEquals(2, page.getJsonArray("entry").size());
  }

  /** Pages sorted by _lastUpdated while other clients update, delete and create: no repeats, no gaps. */
  @Test
  void pagesNeitherSkipNorRepeatWhileWritesGoOn() {
    List<JsonObject> patients = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      Reply created = node.put("/Patient/pg" + i, new JsonObject().put("resourceType", "Patient").put("id", "pg" + i)
          .put("meta", new JsonObject().put("tag", new JsonArray().add(new JsonObject().put("code", "paging")))).encode());
      patients.add(created.json());
    }
    Set<String> atStart = new HashSet<>();
    patients.forEach(p -> atStart.add(p.getString("id")));
    Random random = new Random(5);
    List<String> seen = new ArrayList<>();
    String next = node.base + "/Patient?_tag=paging&_sort=_lastUpdated&_count=7";
    int created = 0;
    while (next != null) {
      JsonObject bundle = node.get(next).json();
      seen.addAll(ids(bundle));
      next = link(bundle, "next");
      for (int w = 0; w < 5; w++) {   // writes between pages move resources in the sort order
        JsonObject p = patients.get(random.nextInt(patients.size()));
        node.put("/Patient/" + p.getString("id"), p.copy().put("active", random.nextBoolean()).encode());
      }
      node.delete("/Patient/" + patients.get(random.nextInt(patients.size())).getString("id"));
      node.post("/Patient", "{\"resourceType\":\"Patient\",\"meta\":{\"tag\":[{\"code\":\"paging\"}]}}");
      created++;
    }
    assertEquals(seen.size(), new HashSet<>(seen).size(), "no resource on two pages: " + seen);
    assertEquals(atStart, new HashSet<>(seen), "every resource there when the search began, none added since");
    assertTrue(created > 5);
    assertNull(node.get("/Patient?_tag=paging&_snapshot=x").json().getString("type"), "a bad snapshot is rejected");
  }


}
