package io.herald.http;

import io.herald.testing.HeraldNode;
import io.herald.testing.Reply;
import io.herald.testing.TestDatabase;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.util.function.Function;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every kind of bad request gets its status and an OperationOutcome that says what is wrong,
 * and writes nothing: the change feed, history and resources are unchanged.
 */
class BadRequestIT {

  private static final int BODY_LIMIT = 4096;
  private static HeraldNode node;
  private static String existing;

  @BeforeAll
  static void start() {
    node = HeraldNode.start(TestDatabase.freshDatabase(),
        new JsonObject().put("http", new JsonObject().put("bodyLimitBytes", BODY_LIMIT)));
    existing = node.post("/Patient", "{\"resourceType\":\"Patient\"}").json().getString("id");
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  static Stream<Arguments> badRequests() {
    String json = "application/fhir+json";
    return Stream.of(
        bad("malformed JSON", 400, "not valid JSON",
            n -> post(n, "/Patient", json, "{\"resourceType\": \"Patient\",")),
        bad("empty body", 400, "no body", n -> post(n, "/Patient", json, "")),
        bad("body is an array", 400, "must be a JSON object", n -> post(n, "/Patient", json, "[{\"resourceType\":\"Patient\"}]")),
        bad("body is a string", 400, "must be a JSON object", n -> post(n, "/Patient", json, "\"Patient\"")),
        bad("no resourceType", 400, "no resourceType", n -> post(n, "/Patient", json, "{\"id\":\"x\"}")),
        bad("resourceType not a string", 400, "no resourceType", n -> post(n, "/Patient", json, "{\"resourceType\":7}")),
        bad("resourceType differs from the URL", 400, "does not match the URL",
            n -> post(n, "/Patient", json, "{\"resourceType\":\"Observation\"}")),
        bad("meta not an object", 400, "meta must be a JSON object",
            n -> post(n, "/Patient", json, "{\"resourceType\":\"Patient\",\"meta\":\"x\"}")),
        bad("PUT id differs from the URL", 400, "does not match the URL",
            n -> put(n, "/Patient/" + existing, "{\"resourceType\":\"Patient\",\"id\":\"other\"}")),
        bad("PUT without id", 400, "has no id", n -> put(n, "/Patient/" + existing, "{\"resourceType\":\"Patient\"}")),
        bad("invalid id in the URL", 400, "not a valid id",
            n -> put(n, "/Patient/bad_id!", "{\"resourceType\":\"Patient\",\"id\":\"bad_id!\"}")),
        bad("id longer than 64", 400, "not a valid id", n -> n.get("/Patient/" + "a".repeat(65))),
        bad("invalid version id", 400, "not a version id", n -> n.get("/Patient/" + existing + "/_history/x")),
        bad("type that cannot be a type", 404, "not a resource type", n -> n.get("/patient")),
        bad("unknown route", 404, "No route", n -> n.get("/Patient/a/b/c/d")),
        bad("unknown resource", 404, "does not exist", n -> n.get("/Patient/nope")),
        bad("delete of an unknown resource", 404, "does not exist", n -> n.delete("/Patient/nope")),
        bad("unknown version", 404, "does not exist", n -> n.get("/Patient/" + existing + "/_history/999999")),
        bad("history of an unknown resource", 404, "does not exist", n -> n.get("/Patient/nope/_history")),
        bad("wrong method", 405, "not allowed", n -> n.send(HttpRequest.newBuilder(n.uri("/Patient/" + existing))
            .method("PATCH", BodyPublishers.ofString("{}")).header("Content-Type", json))),
        bad("POST on an instance", 405, "not allowed", n -> post(n, "/Patient/" + existing, json, "{\"resourceType\":\"Patient\"}")),
        bad("unsupported media type", 415, "not supported", n -> post(n, "/Patient", "text/plain", "{\"resourceType\":\"Patient\"}")),
        bad("XML", 415, "not supported", n -> post(n, "/Patient", "application/fhir+xml", "<Patient/>")),
        bad("body over the limit", 413, "larger than the limit of " + BODY_LIMIT,
            n -> post(n, "/Patient", json, "{\"resourceType\":\"Patient\",\"text\":\"" + "x".repeat(BODY_LIMIT) + "\"}")),
        bad("If-Match mismatch", 412, "current version is",
            n -> put(n, "/Patient/" + existing, "{\"resourceType\":\"Patient\",\"id\":\"" + existing + "\"}", "If-Match", "W/\"1234567\"")),
        bad("If-Match on a resource that does not exist", 412, "does not exist",
            n -> put(n, "/Patient/newone", "{\"resourceType\":\"Patient\",\"id\":\"newone\"}", "If-Match", "W/\"1\"")),
        bad("malformed If-Match", 400, "If-Match",
            n -> put(n, "/Patient/" + existing, "{\"resourceType\":\"Patient\",\"id\":\"" + existing + "\"}", "If-Match", "yesterday")),
        bad("unknown search parameter", 400, "'foo'", n -> n.get("/Patient?foo=bar")),
        bad("chained search parameter", 400, "chained", n -> n.get("/Observation?subject.name=x")),
        bad("unsupported modifier", 400, "modifier", n -> n.get("/Patient?_id:exact=x")),
        bad("bad date", 400, "_lastUpdated", n -> n.get("/Patient?_lastUpdated=gt2020-13-45")),
        bad("unknown date prefix", 400, "prefix 'xx'", n -> n.get("/Patient?_lastUpdated=xx2020")),
        bad("bad _count", 400, "_count", n -> n.get("/Patient?_count=many")),
        bad("_count over the maximum", 400, "_count", n -> n.get("/Patient?_count=1000000")),
        bad("unknown history parameter", 400, "_at", n -> n.get("/Patient/_history?_at=2020")),
        bad("composite search parameter", 400, "composite", n -> n.get("/Observation?code-value-quantity=x$5")),
        bad("_has", 400, "_has", n -> n.get("/Patient?_has:Observation:patient:code=1234")),
        bad("modifier that does not fit the type", 400, "modifier ':exact'", n -> n.get("/Patient?birthdate:exact=1990")),
        bad("malformed number", 400, "not a number", n -> n.get("/Observation?value-quantity=12abc")),
        bad("reference to a type the parameter cannot target", 400, "cannot refer to a Device",
            n -> n.get("/Observation?patient=Device/1")),
        bad("unsupported _sort", 400, "_sort", n -> n.get("/Patient?_sort=nothing")),
        bad("null meta", 400, "meta must be a JSON object",
            n -> put(n, "/Patient/" + existing, "{\"resourceType\":\"Patient\",\"id\":\"" + existing + "\",\"meta\":null}")),
        bad("number out of range", 400, "valueQuantity.value is a number out of range",
            n -> post(n, "/Observation", json, "{\"resourceType\":\"Observation\",\"valueQuantity\":{\"value\":1e400}}")),
        bad("NUL character", 400, "name[0].family contains a NUL",
            n -> post(n, "/Patient", json, "{\"resourceType\":\"Patient\",\"name\":[{\"family\":\"a\\u0000b\"}]}")),
        bad("search number out of range", 400, "out of range", n -> n.get("/Observation?value-quantity=1e9999999999")),
        bad("offset beyond paging", 400, "_offset", n -> n.get("/Patient?_offset=2147483640")),
        bad("snapshot from the future", 400, "_snapshot", n -> n.get("/Patient?_snapshot=9223372036854775807")),
        bad("lone surrogate in a value", 400, "unpaired surrogate",
            n -> post(n, "/Patient", json, "{\"resourceType\":\"Patient\",\"name\":[{\"family\":\"a\\udc00\"}]}")),
        bad("lone surrogate in a key", 400, "the key",
            n -> post(n, "/Patient", json, "{\"resourceType\":\"Patient\",\"\\ud800x\":1}")),
        bad("NUL in a key", 400, "NUL", n -> post(n, "/Patient", json, "{\"resourceType\":\"Patient\",\"a\\u0000\":1}")),
        bad("overlong UTF-8", 400, "not valid UTF-8", n -> postBytes(n, "/Patient",
            bytes("{\"resourceType\":\"Patient\",\"id\":\"x\",\"gender\":\"", 0xc0, 0xaf, "\"}"))),
        bad("CESU-8 surrogates", 400, "not valid UTF-8", n -> postBytes(n, "/Patient",
            bytes("{\"resourceType\":\"Patient\",\"gender\":\"", 0xed, 0xa0, 0xbd, 0xed, 0xb8, 0x80, "\"}"))),
        bad("invalid UTF-8 byte", 400, "not valid UTF-8", n -> postBytes(n, "/Patient",
            bytes("{\"resourceType\":\"Patient\",\"gender\":\"", 0xff, "\"}"))),
        bad("duplicate key", 400, "Duplicate field 'active'",
            n -> post(n, "/Patient", json, "{\"resourceType\":\"Patient\",\"active\":true,\"active\":false}")),
        bad("second resourceType", 400, "Duplicate field 'resourceType'",
            n -> post(n, "/Patient", json, "{\"resourceType\":\"Patient\",\"resourceType\":\"Observation\"}")),
        bad("malformed form encoding", 400, "percent-encoding", n -> post(n, "/Patient/_search",
            "application/x-www-form-urlencoded", "name=%ZZ")),
        bad("form encoding of bytes that are not UTF-8", 400, "not UTF-8", n -> post(n, "/Patient/_search",
            "application/x-www-form-urlencoded", "name=%C0%AF")),
        bad("NUL in a search value", 400, "NUL", n -> n.get("/Patient?name=%00")),
        bad("form search with too many values", 400, "at most 1000", n -> post(n, "/Patient/_search",
            "application/x-www-form-urlencoded", "_id=" + "a,".repeat(1000) + "b")),
        bad("form search with a raw #", 400, "percent-encoded", n -> post(n, "/Patient/_search",
            "application/x-www-form-urlencoded", "family=x#&gender=male")),
        bad("wrong method on metadata", 405, "takes GET", n -> post(n, "/metadata", json, "{}")),
        bad("PUT on type history", 405, "takes GET", n -> put(n, "/Patient/_history", "{}")),
        bad("GET on _search", 405, "takes POST", n -> n.get("/Patient/_search")),
        bad("_count with a plus sign", 400, "_count", n -> n.get("/Patient?_count=%2B5")),
        bad("_count in other digits", 400, "_count", n -> n.get("/Patient?_count=%D9%A5")),
        bad("version with a plus sign", 400, "not a version id", n -> n.get("/Patient/" + existing + "/_history/%2B1")),
                bad("nesting deeper than a resource may", 400, "nests deeper than 100",
            n -> post(n, "/Patient", json, nested(101))),
        bad("nesting at the parser's limit", 400, "nests deeper than 100",
            n -> post(n, "/Patient", json, nested(999))));
  }

  /** A Patient whose JSON nests {@code depth} levels deep (the resource object is level 1). */
  static String nested(int depth) {
    return "{\"resourceType\":\"Patient\",\"extension\":" + "[".repeat(depth - 1) + "]".repeat(depth - 1) + "}";
  }

  private static byte[] bytes(Object... parts) {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    for (Object part : parts) {
      if (part instanceof String text) {
        out.writeBytes(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
      } else {
        out.write((Integer) part);
      }
    }
    return out.toByteArray();
  }

  private static Reply postBytes(HeraldNode n, String path, byte[] body) {
    return n.send(HttpRequest.newBuilder(n.uri(path)).header("Content-Type", "application/fhir+json")
        .POST(BodyPublishers.ofByteArray(body)));
  }

  private static Arguments bad(String name, int status, String diagnostics, Function<HeraldNode, Reply> request) {
    return Arguments.of(name, status, diagnostics, request);
  }

  @ParameterizedTest(name = "{0} → {1}")
  @MethodSource("badRequests")
  void answersWithAnOperationOutcomeAndWritesNothing(String name, int status, String diagnostics,
                                                     Function<HeraldNode, Reply> request) {
    long changes = node.count("change");
    long history = node.count("resource_history");
    long resources = node.count("resource");
    Reply reply = request.apply(node);
    assertEquals(status, reply.status, reply::toString);
    assertTrue(reply.header("Content-Type").startsWith("application/fhir+json"), reply.header("Content-Type"));
    JsonObject issue = reply.json().getJsonArray("issue").getJsonObject(0);
    assertEquals("error", issue.getString("severity"));
    assertTrue(reply.diagnostics().contains(diagnostics), () -> "diagnostics should mention '" + diagnostics + "': " + reply);
    assertEquals(changes, node.count("change"), "no change row written");
    assertEquals(history, node.count("resource_history"), "no history written");
    assertEquals(resources, node.count("resource"), "no resource written");
  }

  private static Reply post(HeraldNode n, String path, String contentType, String body) {
    return n.send(HttpRequest.newBuilder(n.uri(path)).header("Content-Type", contentType).POST(BodyPublishers.ofString(body)));
  }

  private static Reply put(HeraldNode n, String path, String body, String... headers) {
    return n.put(path, body, headers);
  }
}
