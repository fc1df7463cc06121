package io.herald.testing;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** A caller of a node with authentication on: tokens from its /auth/token, clients made by an admin, requests sent with a token. */
public final class Bearer {

  private final HeraldNode node;
  /** The node's base URL without {@code /fhir}. */
  public final String root;

  public Bearer(HeraldNode node) {
    this.node = node;
    this.root = node.base.substring(0, node.base.length() - "/fhir".length());
  }

  /** A token for {@code client} (its scopes, or {@code scope} of them when not null). */
  public String token(String client, String secret, String scope) {
    Reply reply = tokenReply(client, secret, scope);
    assertEquals(200, reply.status, reply.toString());
    assertEquals("bearer", reply.json().getString("token_type"));
    return reply.json().getString("access_token");
  }

  public Reply tokenReply(String client, String secret, String scope) {
    String basic = Base64.getEncoder().encodeToString((client + ":" + secret).getBytes(StandardCharsets.UTF_8));
    return send(HttpRequest.newBuilder(URI.create(root + "/auth/token")).header("Authorization", "Basic " + basic)
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials"
            + (scope == null ? "" : "&scope=" + URLEncoder.encode(scope, StandardCharsets.UTF_8)))), null);
  }

  /** Makes a client ({@code {"id": ..., "scopes": ...}}) with {@code adminToken}, and returns a token of it. */
  public String client(String adminToken, String client) {
    Reply made = send(json("/auth/clients", client), adminToken);
    assertEquals(201, made.status, made.toString());
    return token(made.json().getString("id"), made.json().getString("secret"), null);
  }

  public HttpRequest.Builder fhir(String method, String path, String body) {
    return HttpRequest.newBuilder(node.uri(path)).header("Content-Type", "application/fhir+json")
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
  }

  public HttpRequest.Builder json(String path, String body) {
    return HttpRequest.newBuilder(URI.create(root + path)).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body));
  }

  /** Sends {@code request} with {@code token} as its bearer (none when null). */
  public Reply send(HttpRequest.Builder request, String token) {
    return node.send(token == null ? request : request.header("Authorization", "Bearer " + token));
  }

  /** {@code GET /fhir{path}} with {@code token}. */
  public Reply get(String path, String token) {
    return send(fhir("GET", path, null), token);
  }
}
