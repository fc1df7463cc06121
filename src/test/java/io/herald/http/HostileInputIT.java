package io.herald.http;

import io.herald.testing.BundleLinks;
import io.herald.testing.HeraldNode;
import io.herald.testing.TestDatabase;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * A sweep of hostile and malformed input over raw sockets, as an attacker or a broken client sends it: bad
 * Hosts and HTTP/1.0, malformed request lines, mis-encoded paths and queries on every route, every method on
 * every route, broken and oversized bodies, bad values of every parameter type. Every response must be below
 * 500, every 4xx an OperationOutcome, every 405 carry Allow, and no error may leave a write behind. Then
 * everything that was accepted must be readable in every envelope (history, search, $poll).
 */
class HostileInputIT {

  private static final String JSON = "application/fhir+json";
  static HeraldNode node;
  static int port;
  /** The Authorization header every request of the sweep carries; none when authentication is off. */
  static String authorization;
  private final List<String> failures = new ArrayList<>();
  private int requests;

  @BeforeAll
  static void start() {
    node = HeraldNode.start(TestDatabase.freshDatabase(), new JsonObject().put("http", new JsonObject()
        .put("bodyLimitBytes", 200_000).put("headerTimeoutSeconds", 1).put("keepAliveSeconds", 1)));
    port = node.uri("/").getPort();
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  /** One HTTP response read off a socket: status, headers (lower-case names) and body; status 0 when none came. */
  record Raw(int status, Map<String, String> headers, byte[] body) {
    String text() {
      return new String(body, StandardCharsets.UTF_8);
    }
  }

  static Raw raw(byte[] request) {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(15_000);
      socket.getOutputStream().write(request);
      socket.getOutputStream().flush();
      return read(socket.getInputStream());
    } catch (IOException e) {
      return new Raw(0, Map.of(), new byte[0]);
    }
  }

  private static Raw read(InputStream in) throws IOException {
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    byte[] buffer = new byte[65536];
    try {
      for (int n; (n = in.read(buffer)) > 0; ) {
        all.write(buffer, 0, n);
      }
    } catch (SocketTimeoutException | java.net.SocketException e) {
      // what came is what we have
    }
    byte[] bytes = all.toByteArray();
    String head = new String(bytes, StandardCharsets.ISO_8859_1);
    int end = head.indexOf("\r\n\r\n");
    if (!head.startsWith("HTTP/") || end < 0) {
      return new Raw(0, Map.of(), bytes);
    }
    String[] lines = head.substring(0, end).split("\r\n");
    Map<String, String> headers = new LinkedHashMap<>();
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim());
    }
    byte[] body = java.util.Arrays.copyOfRange(bytes, end + 4, bytes.length);
    if (headers.containsKey("content-length")) {
      body = java.util.Arrays.copyOf(body, Math.min(body.length, Integer.parseInt(headers.get("content-length"))));
    }
    return new Raw(Integer.parseInt(lines[0].split(" ")[1]), headers, body);
  }

  static byte[] request(String method, String target, String host, String contentType, byte[] body, String version) {
    StringBuilder head = new StringBuilder(method).append(' ').append(target).append(' ').append(version).append("\r\n");
    if (host != null) {
      head.append("Host: ").append(host).append("\r\n");
    }
    if (contentType != null) {
      head.append("Content-Type: ").append(contentType).append("\r\n");
    }
    if (authorization != null) {
      head.append("Authorization: ").append(authorization).append("\r\n");
    }
    if (body != null) {
      head.append("Content-Length: ").append(body.length).append("\r\n");
    }
    head.append("Connection: close\r\n\r\n");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(head.toString().getBytes(StandardCharsets.ISO_8859_1));
    if (body != null) {
      out.writeBytes(body);
    }
    return out.toByteArray();
  }

  static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /**
   * Sends one request and holds its answer to the rules; returns it. One exception: a request line naming an HTTP
   * version other than 1.0 and 1.1 gets Vert.x's own 501 (with no body), before any handler of Herald's can see it.
   */
  Raw check(String name, byte[] request) {
    long changes = node.count("change");
    Raw reply = raw(request);
    requests++;
    String method = new String(request, 0, Math.min(request.length, 8), StandardCharsets.ISO_8859_1).split(" ")[0];
    if (reply.status() >= 500 && !(reply.status() == 501 && name.contains("HTTP/9.9"))) {
      failures.add(name + ": " + reply.status() + " " + reply.text());
    }
    if (reply.status() >= 400 && reply.status() < 500 && !method.equals("HEAD")) {
      String type = reply.headers().getOrDefault("content-type", "");
      boolean outcome = false;
      try {
        JsonObject body = new JsonObject(reply.text());
        outcome = body.getString("resourceType").equals("OperationOutcome") && !body.getJsonArray("issue").isEmpty();
      } catch (RuntimeException e) {
        // not JSON
      }
      if (!type.startsWith("application/fhir+json") || !outcome) {
        failures.add(name + ": " + reply.status() + " without an OperationOutcome: " + type + " " + reply.text());
      }
    }
    if (reply.status() == 405 && !reply.headers().containsKey("allow")) {
      failures.add(name + ": 405 without Allow");
    }
    if ((reply.status() >= 400 || reply.status() == 0) && node.count("change") != changes) {
      failures.add(name + ": " + reply.status() + " but a write was committed");
    }
    return reply;
  }

  Raw check(String name, String method, String target, String contentType, byte[] body) {
    return check(name, request(method, target, "localhost", contentType, body, "HTTP/1.1"));
  }

  @Test
  void noHostileRequestGetsA5xxAnErrorWithoutAnOutcomeOrAWriteBehindAnError() {
    // A subscription whose $poll will hold what the sweep writes, and resources to aim at.
    assertEquals(201, check("subscription", "PUT", "/fhir/Subscription/sweep", JSON, utf8("{\"resourceType\":\"Subscription\","
        + "\"id\":\"sweep\",\"status\":\"active\",\"reason\":\"sweep\",\"criteria\":\"Patient\",\"channel\":{\"type\":\"poll\"}}")).status());
    assertEquals(201, check("patient", "PUT", "/fhir/Patient/p1", JSON, utf8("{\"resourceType\":\"Patient\",\"id\":\"p1\"}")).status());

    // 1. Hosts and HTTP/1.0.
    Raw http10 = check("HTTP/1.0 PUT without Host", request("PUT", "/fhir/Patient/h10", null, JSON,
        utf8("{\"resourceType\":\"Patient\",\"id\":\"h10\"}"), "HTTP/1.0"));
    assertEquals(201, http10.status(), http10::text);
    assertTrue(http10.headers().get("location").startsWith("http://127.0.0.1:" + port + "/fhir/Patient/h10/"), http10.headers()::toString);
    check("HTTP/1.0 search without Host", request("GET", "/fhir/Patient?_count=1", null, null, null, "HTTP/1.0"));
    for (String host : new String[] {null, "", "a b", "[::1", "x:abc", "x:99999", "user@x", "x/y", "x\ty", "%41", "a".repeat(300),
        "x:80:80", "[::1]:x"}) {
      for (String[] call : new String[][] {{"PUT", "/fhir/Patient/hostile"}, {"POST", "/fhir/Patient"}, {"GET", "/fhir/Patient"},
          {"GET", "/fhir/Subscription/sweep/$poll?from=0&timeout=0"}}) {
        byte[] body = call[0].equals("GET") ? null : utf8("{\"resourceType\":\"Patient\",\"id\":\"hostile\"}");
        Raw reply = check("Host '" + host + "' " + call[0] + " " + call[1],
            request(call[0], call[1], host, body == null ? null : JSON, body, "HTTP/1.1"));
        if (reply.status() != 400) {
          failures.add("Host '" + host + "' " + call[0] + " " + call[1] + ": " + reply.status() + ", not 400");
        }
      }
    }
    assertEquals(404, check("nothing was written for a bad Host", "GET", "/fhir/Patient/hostile", null, null).status());
    for (String host : new String[] {"localhost", "127.0.0.1:8080", "[::1]:80", "my-host.example.org", "example.org.", "h:"}) {
      Raw reply = check("good Host " + host, request("GET", "/fhir/Patient/p1", host, null, null, "HTTP/1.1"));
      assertEquals(200, reply.status(), reply::text);
    }

    // 2. Malformed request lines and heads.
    for (String head : new String[] {"GET /fhir/Patient HTTP/1.1 extra\r\nHost: x\r\n\r\n", "GET  HTTP/1.1\r\nHost: x\r\n\r\n",
        "BLAH\r\n\r\n", "GET /fhir/Patient HTTP/9.9\r\nHost: x\r\n\r\n", "\u0000\u0001\u0002\r\n\r\n",
        "GET /fhir/Patient HTTP/1.1\r\nHost: x\r\nNo colon here\r\n\r\n", "GET /fhir/Patient HTTP/1.1\r\nHost: x\r\nContent-Length: x\r\n\r\n",
        "POST /fhir/Patient HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\nContent-Type: application/fhir+json\r\n\r\n0\r\n\r\n",
        "GET /fhir/" + "a".repeat(5000) + " HTTP/1.1\r\nHost: x\r\n\r\n",
        "GET /fhir/metadata HTTP/1.1\r\nHost: x\r\nX-Big: " + "b".repeat(9000) + "\r\n\r\n",
        "GET fhir/metadata HTTP/1.1\r\nHost: x\r\n\r\n", "GET http://other/fhir/metadata HTTP/1.1\r\nHost: x\r\n\r\n",
        "GET * HTTP/1.1\r\nHost: x\r\n\r\n"}) {
      check("request head " + head.substring(0, Math.min(40, head.length())).replaceAll("[\\r\\n]", " "),
          head.getBytes(StandardCharsets.ISO_8859_1));
    }
    Raw longLine = raw(("GET /fhir/Patient?name=" + "a".repeat(5000) + " HTTP/1.1\r\nHost: x\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
    assertEquals(414, longLine.status(), longLine::text);
    Raw bigHeaders = raw(("GET /fhir/metadata HTTP/1.1\r\nHost: x\r\nX-Big: " + "b".repeat(9000) + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
    assertEquals(431, bigHeaders.status(), bigHeaders::text);

    // 3. Mis-encoded paths and queries on every route.
    String[] routes = {"/fhir/Patient", "/fhir/Patient/p1", "/fhir/Patient/p1/_history", "/fhir/Patient/p1/_history/1",
        "/fhir/Patient/_history", "/fhir/_history", "/fhir/metadata", "/fhir/Subscription/sweep/$poll"};
    String[] encodings = {"%ZZ", "%", "%0", "%C0%AF", "%00", "%FF", "%ED%A0%80", "%E2%82", "a%2", "\u00e9", "\u0001"};
    for (String route : routes) {
      for (String bad : encodings) {
        check("path " + route + "/" + bad, "GET", route + "/" + bad, null, null);
        check("query " + route + "?x=" + bad, "GET", route + "?name=" + bad, null, null);
        check("query name " + route + "?" + bad, "GET", route + "?" + bad + "=1", null, null);
      }
    }

    // 4. Every method on every route; HEAD answers as GET without a body.
    String[] methods = {"GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "CONNECT", "FOO"};
    String[] everyRoute = {"/fhir/metadata", "/fhir/_history", "/fhir/Patient", "/fhir/Patient/_search", "/fhir/Patient/_history",
        "/fhir/Patient/p1", "/fhir/Patient/p1/_history", "/fhir/Patient/p1/_history/1", "/fhir/Subscription/sweep/$poll", "/fhir",
        "/", "/other"};
    for (String route : everyRoute) {
      for (String method : methods) {
        byte[] body = method.equals("GET") || method.equals("HEAD") ? null : utf8("{\"resourceType\":\"Patient\"}");
        Raw reply = check(method + " " + route, method, route + (route.endsWith("$poll") ? "?timeout=0" : ""), body == null ? null : JSON, body);
        if (method.equals("HEAD")) {
          Raw get = raw(request("GET", route + (route.endsWith("$poll") ? "?timeout=0" : ""), "localhost", null, null, "HTTP/1.1"));
          if (reply.status() != get.status() || reply.body().length != 0) {
            failures.add("HEAD " + route + ": " + reply.status() + " with " + reply.body().length + " body bytes; GET gives " + get.status());
          }
        }
      }
    }
    for (String[] wrong : new String[][] {{"POST", "/fhir/metadata"}, {"POST", "/fhir/_history"}, {"PUT", "/fhir/Patient/_history"},
        {"DELETE", "/fhir/Patient/_history"}, {"PATCH", "/fhir/Patient/p1"}, {"DELETE", "/fhir/Patient"}}) {
      Raw reply = check("wrong method " + wrong[0] + " " + wrong[1], wrong[0], wrong[1], JSON, utf8("{\"resourceType\":\"Patient\"}"));
      if (reply.status() != 405) {
        failures.add(wrong[0] + " " + wrong[1] + ": " + reply.status() + ", not 405");
      }
    }

    // 5. Bodies.
    List<byte[]> bodies = new ArrayList<>(List.of(utf8(""), utf8("{"), utf8("null"), utf8("[]"), utf8("\"x\""), utf8("{}"),
        utf8("{\"resourceType\":\"Patient\"} trailing"), utf8("{\"resourceType\":\"Patient\",\"active\":true,\"active\":false}"),
        utf8("{\"resourceType\":\"Patient\",\"resourceType\":\"Patient\"}"), utf8("{\"resourceType\":\"Patient\",\"a\\u0000\":1}"),
        utf8("{\"resourceType\":\"Patient\",\"x\":\"\\udc00\"}"), utf8("{\"resourceType\":\"Patient\",\"\\udc00\":1}"),
        utf8("{\"resourceType\":\"Patient\",\"x\":1e400}"), utf8("{\"resourceType\":\"Patient\",\"x\":-1e400}"),
        utf8("{\"resourceType\":\"Patient\",\"meta\":[]}"), utf8("{\"resourceType\":\"Patient\",\"id\":7}"),
        utf8("{\"resourceType\":\"Patient\",\"x\":\"" + "a".repeat(300_000) + "\"}"),
        BadRequestIT.nested(101).getBytes(StandardCharsets.UTF_8), BadRequestIT.nested(1001).getBytes(StandardCharsets.UTF_8),
        new byte[] {'{', '"', (byte) 0xc0, (byte) 0xaf, '"', ':', '1', '}'}, new byte[] {'{', '"', 'x', '"', ':', '"', (byte) 0xed,
            (byte) 0xa0, (byte) 0x80, '"', '}'}, new byte[] {(byte) 0xff, (byte) 0xfe}));
    for (byte[] body : bodies) {
      String shown = new String(body, 0, Math.min(body.length, 40), StandardCharsets.ISO_8859_1);
      check("POST body " + shown, "POST", "/fhir/Patient", JSON, body);
      check("PUT body " + shown, "PUT", "/fhir/Patient/p1", JSON, body);
      check("POST Subscription body " + shown, "POST", "/fhir/Subscription", JSON, body);
      check("POST custom type body " + shown, "POST", "/fhir/DataSample", JSON, body);
    }
    for (String type : new String[] {"text/plain", "application/xml", "multipart/form-data; boundary=x", "", "application/fhir+json; charset=latin1"}) {
      check("content type " + type, "POST", "/fhir/Patient", type, utf8("{\"resourceType\":\"Patient\"}"));
    }

    // 6. Bad values of every parameter type, on search, history and $poll.
    String[] queries = {"birthdate=xx", "birthdate=gt", "birthdate=2020-13-45", "birthdate=zz2020", "_count=%2B5", "_count=-1",
        "_count=99999999999999999999", "_count=", "name:unknown=x", "_sort=nothing", "_offset=%2B1", "_snapshot=x",
        "general-practitioner=Device/1", "identifier=%7C%7C%7C", "_lastUpdated=", "_id=", "_id=%00", "name=%00",
        "active=maybe", "_has:Observation:patient:code=1", "organization.name=x", "_summary=nothing", "_total=nothing",
        "address-postalcode:missing=perhaps", "death-date=ap", "_tag=%7C", "_profile=", "a=1&a=2&a=3", "="};
    for (String query : queries) {
      check("search ?" + query, "GET", "/fhir/Patient?" + query, null, null);
      check("search by form " + query, "POST", "/fhir/Patient/_search", "application/x-www-form-urlencoded", utf8(query));
      check("history ?" + query, "GET", "/fhir/Patient/_history?" + query, null, null);
      check("$poll ?" + query, "GET", "/fhir/Subscription/sweep/$poll?timeout=0&" + query, null, null);
    }
    for (String obs : new String[] {"value-quantity=1e9999999999", "value-quantity=12abc", "value-quantity=5%7Cx%7Cy%7Cz",
        "code-value-quantity=x$5", "date=ap", "subject.name=x", "value-quantity=ap%2B5"}) {
      check("observation search ?" + obs, "GET", "/fhir/Observation?" + obs, null, null);
    }
    // SQL metacharacters in every parameter type: searched as the text they are, never run.
    long resources = node.count("resource");
    String[] metacharacters = {"%27", "%27%3B%20DROP%20TABLE%20resource%3B--", "%22%20OR%201%3D1", "%27%20OR%20%271%27%3D%271",
        "%5C", "%5C%27", "%241", "%25", "_", "%2A", "%3B", "--", "%2F*%20*%2F", "%27%7C%7C%27", "%00%27"};
    String[][] typed = {{"Patient", "name"}, {"Patient", "family:exact"}, {"Patient", "name:contains"}, {"Patient", "identifier"},
        {"Patient", "gender"}, {"Patient", "general-practitioner"}, {"Patient", "birthdate"}, {"Patient", "_id"},
        {"Patient", "_lastUpdated"}, {"Patient", "_tag"}, {"Patient", "_profile"}, {"Patient", "address-postalcode"},
        {"Observation", "value-quantity"}, {"Observation", "code"}, {"Observation", "subject"}, {"Observation", "date"},
        {"Patient", "_sort"}, {"Patient", "_count"}};
    for (String[] param : typed) {
      for (String value : metacharacters) {
        check("metacharacters " + param[0] + "?" + param[1] + "=" + value, "GET", "/fhir/" + param[0] + "?" + param[1] + "="
            + value + "&_total=accurate", null, null);
        check("metacharacters by form " + param[0] + " " + param[1] + "=" + value, "POST", "/fhir/" + param[0] + "/_search",
            "application/x-www-form-urlencoded", utf8(param[1] + "=" + value));
      }
    }
    assertEquals(resources, node.count("resource"), "every table as it was");

    for (String from : new String[] {"%ZZ", "-1", "%2B1", "abc", "99999999999999999999", ""}) {
      check("$poll from=" + from, "GET", "/fhir/Subscription/sweep/$poll?timeout=0&from=" + from, null, null);
    }

    // 7. Subscriptions that cannot run.
    for (String channel : new String[] {"{\"type\":\"rest-hook\",\"endpoint\":\"http://x\",\"header\":[\"Transfer-Encoding: chunked\"]}",
        "{\"type\":\"rest-hook\",\"endpoint\":\"http://x\",\"header\":[\"Host: y\"]}", "{\"type\":\"rest-hook\",\"endpoint\":\"ftp://x\"}",
        "{\"type\":\"websocket\"}", "{\"type\":\"poll\",\"_type\":null}", "{\"type\":\"poll\",\"_type\":{\"extension\":null}}",
        "{\"type\":\"poll\",\"_type\":{\"extension\":[{\"url\":\"http://hl7.org/fhir/uv/subscriptions-backport/StructureDefinition/"
            + "backport-channel-type\",\"valueCoding\":null}]}}", "{\"type\":\"rest-hook\",\"endpoint\":\"http://x\",\"header\":\"x\"}", "7"}) {
      check("subscription channel " + channel, "POST", "/fhir/Subscription", JSON, utf8("{\"resourceType\":\"Subscription\","
          + "\"status\":\"active\",\"reason\":\"x\",\"criteria\":\"Patient\",\"channel\":" + channel + "}"));
    }
    check("subscription criteria with a newline", "POST", "/fhir/Subscription", JSON, utf8("{\"resourceType\":\"Subscription\","
        + "\"status\":\"active\",\"reason\":\"x\",\"criteria\":\"Patient?name=a\\nb\",\"channel\":{\"type\":\"poll\"}}"));

    // 8. The edges that are accepted: deepest nesting, long values; then every envelope must serve them.
    assertEquals(201, check("nesting 100 deep", "PUT", "/fhir/Patient/deep", JSON,
        utf8(BadRequestIT.nested(100).replace("{\"resourceType\":\"Patient\",", "{\"resourceType\":\"Patient\",\"id\":\"deep\","))).status());
    String longValue = "v".repeat(4000);
    assertEquals(201, check("long values", "PUT", "/fhir/Patient/long", JSON, utf8(new JsonObject().put("resourceType", "Patient")
        .put("id", "long").put("name", new JsonArray().add(new JsonObject().put("family", longValue)))
        .put("identifier", new JsonArray().add(new JsonObject().put("value", longValue)))
        .put("meta", new JsonObject().put("tag", new JsonArray().add(new JsonObject().put("code", longValue)))
            .put("profile", new JsonArray().add("http://x/" + longValue))).encode())).status());
    assertEquals(400, check("criteria past subscriptions.maxCriteriaLength", "PUT", "/fhir/Subscription/long", JSON,
        utf8(new JsonObject().put("resourceType", "Subscription").put("id", "long").put("status", "active")
            .put("reason", longValue).put("criteria", "Patient?family=" + longValue)
            .put("channel", new JsonObject().put("type", "poll")).encode())).status());
    check("long-valued subscription", "PUT", "/fhir/Subscription/long", JSON, utf8(new JsonObject().put("resourceType", "Subscription")
        .put("id", "long").put("status", "active").put("reason", longValue).put("criteria", "Patient?family=" + "v".repeat(2000))
        .put("channel", new JsonObject().put("type", "poll")).encode()));
    for (String path : new String[] {"/fhir/_history?_count=1000", "/fhir/Patient/_history?_count=1000", "/fhir/Patient/deep/_history",
        "/fhir/Patient?_count=1000", "/fhir/Patient?_id=deep,long", "/fhir/Patient?family=" + longValue,
        "/fhir/Subscription/sweep/$poll?from=0&_count=1000&timeout=0", "/fhir/Subscription/long/$poll?from=0&timeout=0",
        "/fhir/Patient/deep", "/fhir/Patient/long"}) {
      Raw reply = check("read back " + path.substring(0, Math.min(path.length(), 60)), "GET", path, null, null);
      if (reply.status() != 200) {
        failures.add("read back " + path.substring(0, Math.min(path.length(), 60)) + ": " + reply.status() + " " + reply.text());
      } else {
        new JsonObject(reply.text());   // parses
      }
    }
    JsonObject found = new JsonObject(raw(request("GET", "/fhir/Patient?family=" + longValue, "localhost", null, null, "HTTP/1.1")).text());
    assertEquals(List.of("long"), BundleLinks.ids(found));

    passed();
  }

  /** Fails naming every request that broke a rule. */
  void passed() {
    System.out.println(getClass().getSimpleName() + ": " + requests + " requests, " + failures.size() + " failures");
    if (!failures.isEmpty()) {
      fail(failures.size() + " of " + requests + " hostile requests broke a rule:\n" + String.join("\n", failures));
    }
  }

  void failed(String what) {
    failures.add(what);
  }

  @Test
  void connectionsThatSendTheirHeadersTooSlowlyAreClosed() throws Exception {
    List<Socket> slow = new ArrayList<>();
    try {
      for (int i = 0; i < 50; i++) {
        Socket socket = new Socket("127.0.0.1", port);
        socket.getOutputStream().write("GET /fhir/metadata HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.ISO_8859_1));
        slow.add(socket);
      }
      Thread.sleep(500);
      for (Socket socket : slow) {   // a byte now and then, the head never complete
        socket.getOutputStream().write('X');
      }
      long deadline = System.currentTimeMillis() + 10_000;
      for (Socket socket : slow) {
        socket.setSoTimeout((int) Math.max(1, deadline - System.currentTimeMillis()));
        try {
          while (socket.getInputStream().read() >= 0) {
            // drain until closed
          }
        } catch (SocketTimeoutException e) {
          fail("a connection whose head never completed was still open after 10 s");
        } catch (java.net.SocketException e) {
          // reset: closed too
        }
      }
      Raw normal = raw(request("GET", "/fhir/metadata", "localhost", null, null, "HTTP/1.1"));
      assertEquals(200, normal.status(), "a normal request is served meanwhile");
      for (String head : new String[] {"GET /fhir/metadata HTTP/1.1\r\nHost: x\r\n\r\n", "GET * HTTP/1.1\r\nHost: x\r\n\r\n",
          "GET /fhir/Patient/nope HTTP/1.1\r\nHost: x\r\n\r\n"}) {
        try (Socket keptAlive = new Socket("127.0.0.1", port)) {   // answered, then idle: closed after 1 to 2 s
          keptAlive.getOutputStream().write(head.getBytes(StandardCharsets.ISO_8859_1));
          keptAlive.setSoTimeout(10_000);
          long start = System.currentTimeMillis();
          try {
            while (keptAlive.getInputStream().read() >= 0) {
              // the response, then the close
            }
          } catch (SocketTimeoutException e) {
            fail("an idle keep-alive connection after '" + head.trim() + "' was still open after 10 s");
          }
          assertTrue(System.currentTimeMillis() - start >= 900, "not closed before it was idle for the keep-alive time");
        }
      }
    } finally {
      for (Socket socket : slow) {
        socket.close();
      }
    }
  }
}
