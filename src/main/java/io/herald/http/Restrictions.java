package io.herald.http;

import io.herald.auth.Scopes;
import io.herald.criteria.Criteria;
import io.herald.criteria.CriteriaException;
import io.herald.criteria.CriteriaParser;
import io.herald.store.PlainJson;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * The caller's scopes as criteria: what a restricted scope ({@code system/Observation.rs?category=vital-signs},
 * {@code patient/Observation.rs}) lets it see, ANDed into its searches and held against what it reads, by the same
 * engine that matches subscriptions ({@link Scopes#restriction}).
 */
final class Restrictions {

  private final CriteriaParser parser;

  Restrictions(CriteriaParser parser) {
    this.parser = parser;
  }

  /**
   * The query the caller's searches of {@code type} are ANDed with: null when it may search them all (or
   * authentication is off). The scopes were checked to allow searching the type ({@link Access}).
   */
  String searchQuery(RoutingContext ctx, String type) {
    Scopes scopes = Access.scopes(ctx);
    String restriction = scopes == null ? null : scopes.restriction(type, 's');
    if (restriction == null || restriction.isEmpty()) {
      return null;
    }
    criteria(type, restriction);   // one that is no search of the type lets nothing through: 403, not the store's 400
    return restriction;
  }

  /**
   * What the caller may read of {@code type}: null for every resource of it (or authentication off, or a Subscription,
   * which its owner reads whatever its scopes).
   */
  Criteria readable(RoutingContext ctx, String type) {
    Scopes scopes = Access.scopes(ctx);
    if (type.equals("Subscription")) {
      return null;   // whose they are decides (Owners), not the scopes
    }
    String restriction = scopes == null ? "" : scopes.restriction(type, 'r');
    if (restriction == null) {
      throw Errors.forbidden("The token's scopes (" + scopes + ") do not allow reading " + type);
    }
    return restriction.isEmpty() ? null : criteria(type, restriction);
  }

  /** Whether {@code resource} is within {@code readable} (null: everything is). */
  static boolean within(Criteria readable, JsonObject resource) {
    return readable == null || resource != null && readable.matches(PlainJson.of(resource));
  }

  /**
   * {@code type}'s restriction as criteria. A restriction that is not a search of the type (a patient-level scope on a
   * type without a {@code patient} parameter) lets nothing through: 403.
   */
  Criteria criteria(String type, String restriction) {
    try {
      return parser.parse(type + "?" + restriction);
    } catch (CriteriaException e) {
      throw Errors.forbidden("The token's scopes restrict " + type + " to '" + restriction + "', which is not a search"
          + " Herald can make of it (" + e.getMessage() + ")");
    }
  }

  /** Why {@code scopes} cannot be enforced (a query that is not a search of its type); null when they can. */
  String problem(Scopes scopes) {
    for (String type : scopes.restrictedTypes()) {
      for (char interaction : new char[] {'r', 's'}) {
        String restriction = scopes.restriction(type, interaction);
        if (restriction != null && !restriction.isEmpty()) {
          try {
            parser.parse(type + "?" + restriction);
          } catch (CriteriaException e) {
            return "The scopes restrict " + type + " to '" + restriction + "', which is not a search of it: " + e.getMessage();
          }
        }
      }
    }
    return null;
  }
}
