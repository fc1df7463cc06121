package io.herald.http;

import io.herald.testing.Bearer;
import io.herald.testing.HeraldNode;
import io.herald.testing.TestDatabase;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The hostile sweep again with authentication on (every request with an admin's token), then what is hostile to
 * authentication itself: malformed, forged and oversized bearer headers on every kind of route, broken token requests,
 * client records with SQL metacharacters and path tricks. No 5xx, every FHIR 4xx an OperationOutcome, nothing written
 * by an error, and the token endpoint's errors OAuth's.
 */
class HostileInputAuthIT extends HostileInputIT {

  private static final String ADMIN_SECRET = "admin-secret-for-the-tests";
  private static Bearer bearer;

  @BeforeAll
  static void start() {
    node = HeraldNode.start(TestDatabase.freshDatabase(), new JsonObject()
        .put("http", new JsonObject().put("bodyLimitBytes", 200_000).put("headerTimeoutSeconds", 1).put("keepAliveSeconds", 1))
        .put("auth", new JsonObject().put("enabled", true).put("adminSecret", ADMIN_SECRET).put("requestsPerSecond", 0)));
    port = node.uri("/").getPort();
    bearer = new Bearer(node);
    authorization = "Bearer " + bearer.token("admin", ADMIN_SECRET, null);
  }

  @AfterAll
  static void stop() {
    authorization = null;
    node.close();
  }

  @Override
  void connectionsThatSendTheirHeadersTooSlowlyAreClosed() {
    // the same with or without tokens: HostileInputIT shows it
  }

  @Test
  void hostileCredentialsAndClientRecordsGet4xxAndChangeNothing() {
    String valid = authorization.substring("Bearer ".length());
    String[] parts = valid.split("\\.");
    String none = Base64.getUrlEncoder().withoutPadding().encodeToString("{\"alg\":\"none\"}".getBytes(StandardCharsets.UTF_8))
        + "." + parts[1] + ".";
    String[] headers = {"Bearer", "Bearer ", "Bearer  ", "Bearer a.b.c", "Bearer " + valid + "x", "Bearer " + none,
        "Bearer " + parts[0] + ".." + parts[2], "Bearer \u00e9\u00e9", "Basic Zm9vOmJhcg==", "Token " + valid, "bearer",
        "Bearer " + "x".repeat(7000), "Bearer " + valid + " " + valid, "Bearer %00", "Bearer " + parts[0] + ".%ZZ." + parts[2]};
    String[][] calls = {{"GET", "/fhir/Patient"}, {"POST", "/fhir/Patient"}, {"PUT", "/fhir/Patient/hostile"},
        {"DELETE", "/fhir/Patient/p1"}, {"GET", "/fhir/Subscription/sweep/$poll?timeout=0"}, {"GET", "/fhir/_history"},
        {"POST", "/auth/clients"}, {"DELETE", "/auth/clients/admin"}, {"GET", "/cluster/live"}};
    String kept = authorization;
    try {
      for (String header : headers) {
        authorization = header;
        for (String[] call : calls) {
          byte[] body = call[0].equals("GET") || call[0].equals("DELETE") ? null
              : utf8(call[1].startsWith("/auth") ? "{\"id\":\"evil\",\"scopes\":\"system/*.cruds herald/admin\"}"
                  : "{\"resourceType\":\"Patient\",\"id\":\"hostile\"}");
          HostileInputIT.Raw reply = check("Authorization '" + header.substring(0, Math.min(40, header.length())) + "' "
              + call[0] + " " + call[1], call[0], call[1], body == null ? null : "application/json", body);
          if (reply.status() != 401 && reply.status() != 431) {
            failed("Authorization '" + header.substring(0, Math.min(40, header.length())) + "' " + call[0] + " " + call[1]
                + ": " + reply.status() + ", not 401");
          }
        }
      }
    } finally {
      authorization = kept;
    }

    // The token endpoint: OAuth's JSON errors, never a 5xx, never a token.
    String basic = "Basic " + Base64.getEncoder().encodeToString(("admin:" + ADMIN_SECRET).getBytes(StandardCharsets.UTF_8));
    String[][] tokenRequests = {{null, "grant_type=client_credentials"}, {"Basic", "grant_type=client_credentials"},
        {"Basic !!!", "grant_type=client_credentials"}, {"Basic " + Base64.getEncoder().encodeToString("no-colon".getBytes(
            StandardCharsets.UTF_8)), "grant_type=client_credentials"}, {basic, ""}, {basic, "grant_type="},
        {basic, "grant_type=client_credentials&scope=openid"}, {basic, "grant_type=client_credentials&scope=%ZZ"},
        {basic, "grant_type=client_credentials&scope=system/*.cruds?x=%27%3B%20DROP%20TABLE%20resource%3B--"},
        {basic, "grant_type=client_credentials&client_id=other&client_secret=x"}, {null, "grant_type=client_credentials&"
            + "client_id=admin%00&client_secret=" + ADMIN_SECRET}, {null, "client_id=admin&client_secret=" + "s".repeat(20_000)}};
    kept = authorization;
    try {
      for (String[] request : tokenRequests) {
        authorization = request[0];
        long changes = node.count("change");
        HostileInputIT.Raw reply = raw(request("POST", "/auth/token", "localhost", "application/x-www-form-urlencoded",
            utf8(request[1]), "HTTP/1.1"));
        String name = "token " + request[0] + " " + request[1].substring(0, Math.min(60, request[1].length()));
        if (reply.status() < 400 || reply.status() >= 500) {
          failed(name + ": " + reply.status() + " " + reply.text());
        } else if (reply.status() != 413 && !new JsonObject(reply.text()).containsKey("error")) {
          failed(name + ": " + reply.status() + " without an OAuth error: " + reply.text());
        } else if (reply.text().contains("access_token") || node.count("change") != changes) {
          failed(name + ": a token or a write");
        }
      }
    } finally {
      authorization = kept;
    }

    // Client records: bad ids, scopes with SQL metacharacters, path tricks.
    for (String client : new String[] {"{\"id\":\"a'b\",\"scopes\":\"system/Patient.rs\"}",
        "{\"id\":\"ok1\",\"scopes\":\"system/Patient.rs?name=x' OR '1'='1\"}", "{\"id\":\"ok2\",\"scopes\":\"system/*.rs?_id=1\"}",
        "{\"id\":\"../admin\",\"scopes\":\"system/Patient.rs\"}", "{\"id\":\"ok3\",\"scopes\":\"system/Patient.rs\",\"patient\":\"x/../y\"}",
        "{\"id\":\"ok4\",\"scopes\":[\"system/Patient.rs\"]}", "{\"id\":\"ok5\",\"scopes\":\"system/Patient.rs\",\"secret\":\"mine\"}",
        "{\"id\":\"" + "i".repeat(100) + "\",\"scopes\":\"system/Patient.rs\"}", "[]", "{", "{\"id\":null}"}) {
      HostileInputIT.Raw reply = check("client " + client.substring(0, Math.min(60, client.length())), "POST", "/auth/clients",
          "application/json", utf8(client));
      if (reply.status() != 400) {
        failed("client " + client + ": " + reply.status() + ", not 400");
      }
    }
    HostileInputIT.Raw metacharacters = check("a query with SQL metacharacters, URL-encoded", "POST", "/auth/clients",
        "application/json", utf8("{\"id\":\"quoted\",\"scopes\":\"system/Patient.rs?name=x%27%20OR%20%271%27%3D%271\"}"));
    assertEquals(201, metacharacters.status(), metacharacters::text);
    String quoted = bearer.token("quoted", new JsonObject(metacharacters.text()).getString("secret"), null);
    assertEquals(0, bearer.get("/Patient?_count=1000", quoted).json().getJsonArray("entry", new io.vertx.core.json.JsonArray())
        .size(), "a name that is the quoted text, not an injection");
    for (String path : new String[] {"/auth/clients/..%2Fadmin", "/auth/clients/%2e%2e", "/auth/clients/admin%00",
        "/auth/clients/" + "x".repeat(300), "/auth/clients/nobody"}) {
      HostileInputIT.Raw reply = check("revoke " + path.substring(0, Math.min(60, path.length())), "DELETE", path, null, null);
      assertTrue(reply.status() == 400 || reply.status() == 404, path + " → " + reply.status());
    }
    assertEquals(200, bearer.get("/Patient?_count=1", bearer.token("admin", ADMIN_SECRET, null)).status,
        "the admin is not revoked");
    passed();
  }
}
