package io.herald.auth;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a client may do: SMART App Launch v2 scopes, {@code system/Patient.rs}, {@code system/*.cruds}, and their v1
 * spellings ({@code system/Observation.read}, {@code .write}, {@code .*}), plus {@value #ADMIN}, which lets a client manage
 * the clients. {@code c} create, {@code r} read (and history), {@code u} update, {@code d} delete, {@code s} search.
 * Scopes for {@code system/} and {@code user/} grant the same here (Herald's clients are systems). Pure: no io.vertx.
 */
public final class Scopes {

  /** Lets a client add, list and revoke clients. */
  public static final String ADMIN = "herald/admin";

  private static final Pattern SMART = Pattern.compile("(system|user|patient)/([A-Za-z][A-Za-z0-9]{0,63}|\\*)\\.([a-z*]+)(\\?.*)?");

  /** One resource scope: the type ({@code *} for every type) and the interactions it grants. */
  record Grant(String type, String interactions) {
    boolean allows(String resourceType, char interaction) {
      return (type.equals("*") || type.equals(resourceType)) && interactions.indexOf(interaction) >= 0;
    }
  }

  private final List<String> text;
  private final List<Grant> grants;
  private final boolean admin;

  private Scopes(List<String> text, List<Grant> grants, boolean admin) {
    this.text = text;
    this.grants = grants;
    this.admin = admin;
  }

  /**
   * Scopes as a client's record or a token holds them, space-separated.
   *
   * @throws IllegalArgumentException naming the first scope Herald cannot enforce
   */
  public static Scopes parse(String spaceSeparated) {
    Set<String> seen = new LinkedHashSet<>();
    List<Grant> grants = new ArrayList<>();
    boolean admin = false;
    for (String scope : spaceSeparated == null ? new String[0] : spaceSeparated.trim().split("\\s+")) {
      if (scope.isEmpty() || !seen.add(scope)) {
        continue;
      }
      if (scope.equals(ADMIN)) {
        admin = true;
        continue;
      }
      Matcher m = SMART.matcher(scope);
      if (!m.matches()) {
        throw new IllegalArgumentException("scope '" + scope + "' is not a SMART resource scope (such as system/Patient.rs"
            + " or system/*.cruds) nor " + ADMIN);
      }
      if (m.group(1).equals("patient")) {
        throw new IllegalArgumentException("scope '" + scope + "': patient-level scopes are not granted yet; use system/");
      }
      if (m.group(4) != null) {
        throw new IllegalArgumentException("scope '" + scope + "': scopes with a query are not granted yet");
      }
      grants.add(new Grant(m.group(2), interactions(scope, m.group(3))));
    }
    return new Scopes(List.copyOf(seen), List.copyOf(grants), admin);
  }

  /** v2's letters (in the order c, r, u, d, s) or v1's read/write/*, as v2 letters. */
  private static String interactions(String scope, String given) {
    switch (given) {
      case "read":
        return "rs";
      case "write":
        return "cud";
      case "*":
        return "cruds";
      default:
        String order = "cruds";
        int at = -1;
        for (char c : given.toCharArray()) {
          int next = order.indexOf(c);
          if (next <= at) {
            throw new IllegalArgumentException("scope '" + scope + "': '" + given + "' is not read, write, * or some of"
                + " c, r, u, d, s in that order");
          }
          at = next;
        }
        return given;
    }
  }

  /** Whether these scopes let a client do {@code interaction} (c, r, u, d, s) on resources of {@code type}. */
  public boolean allows(String type, char interaction) {
    for (Grant grant : grants) {
      if (grant.allows(type, interaction)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Whether a subscription of these scopes' client (criteria, topic-based or live) may hear of changes to {@code type}:
   * it may read that type; Subscriptions themselves, every client's endpoints and headers, only with {@value #ADMIN}.
   */
  public boolean mayHear(String type) {
    return "Subscription".equals(type) ? admin : allows(type, 'r');
  }

  /** Whether these scopes let a client manage the clients. */
  public boolean admin() {
    return admin;
  }

  /**
   * Whether these scopes grant all that {@code asked} does: a token may ask for less than its client has
   * ({@code system/Patient.rs} of a client with {@code system/*.cruds}), never more.
   */
  public boolean includes(Scopes asked) {
    if (asked.admin && !admin) {
      return false;
    }
    for (Grant wanted : asked.grants) {
      boolean covered = false;
      for (Grant grant : grants) {
        covered |= (grant.type.equals("*") || grant.type.equals(wanted.type))
            && wanted.interactions.chars().allMatch(c -> grant.interactions.indexOf(c) >= 0);
      }
      if (!covered) {
        return false;
      }
    }
    return true;
  }

  public boolean isEmpty() {
    return text.isEmpty();
  }

  /** The scopes, space-separated, as they were given (without repeats). */
  @Override
  public String toString() {
    return String.join(" ", text);
  }
}
