package io.herald.http;

import io.herald.auth.Scopes;
import io.vertx.core.http.HttpMethod;

/**
 * What a request asks of the caller's scopes, read from its method and path: an interaction ({@code c} create,
 * {@code r} read, {@code u} update, {@code d} delete, {@code s} search) on a resource type, or managing Herald
 * ({@value Scopes#ADMIN}: the clients, the cluster's views); nothing for the open paths (the CapabilityStatement, the
 * token endpoint, the SMART configuration, health, metrics, the console page).
 *
 * <p>Subscriptions belong to the client that wrote them ({@link Owners}): any client may write one (for the types it may
 * read, {@code ResourceHandler} checks) and use its own; listing them all (search, type history, {@code $status} of
 * many) and the system's history, which shows them, is for {@value Scopes#ADMIN}.
 */
final class Permissions {

  /** One request's need. */
  record Need(String type, char interaction) {

    private static final Need ADMIN = new Need(null, 'a');
    /** A client's own subscriptions: any valid token; {@link Owners} keeps each to its writer. */
    private static final Need OWN = new Need("Subscription", 'o');

    boolean allowedBy(Scopes scopes) {
      return this == ADMIN ? scopes.admin() : this == OWN || scopes.allows(type, interaction);
    }

    @Override
    public String toString() {
      if (this == ADMIN) {
        return "managing Herald or listing every client's subscriptions (scope " + Scopes.ADMIN + ")";
      }
      String what = switch (interaction) {
        case 'c' -> "creating";
        case 'u' -> "updating";
        case 'd' -> "deleting";
        case 's' -> "searching";
        default -> "reading";
      };
      return what + " " + (type.equals("*") ? "every type" : type) + " (scope system/" + type + "." + interaction + ")";
    }
  }

  private Permissions() {
  }

  /** What {@code method} on {@code path} (normalized) needs; null for an open path. */
  static Need of(HttpMethod method, String path) {
    if (path.equals("/auth/clients") || path.startsWith("/auth/clients/") || path.startsWith("/cluster/")) {
      return Need.ADMIN;
    }
    if (!path.startsWith("/fhir/")) {
      return null;
    }
    String[] step = path.substring("/fhir/".length()).split("/");
    String type = step[0];
    if (type.isEmpty() || type.equals("metadata") || type.equals(".well-known")) {
      return null;
    }
    if (type.equals("_history")) {
      return Need.ADMIN;
    }
    if (type.equals("Subscription")) {
      boolean listing = step.length == 1 ? method != HttpMethod.POST
          : step.length == 2 && (step[1].startsWith("_") || step[1].startsWith("$"));
      return listing ? Need.ADMIN : Need.OWN;
    }
    if (step.length == 1) {
      return new Need(type, method == HttpMethod.POST ? 'c' : 's');
    }
    if (step.length == 2) {
      if (step[1].equals("_search") || step[1].startsWith("$")) {
        return new Need(type, 's');   // POST _search; Subscription/$status of many
      }
      if (step[1].equals("_history")) {
        return new Need(type, 'r');
      }
      return new Need(type, method == HttpMethod.PUT ? 'u' : method == HttpMethod.DELETE ? 'd' : 'r');
    }
    return new Need(type, 'r');   // an instance's history, a version, an operation on one ($poll, $status, $events)
  }
}
