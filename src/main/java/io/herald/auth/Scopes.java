package io.herald.auth;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a client may do: SMART App Launch v2 scopes, {@code system/Patient.rs}, {@code system/*.cruds}, and their v1
 * spellings ({@code system/Observation.read}, {@code .write}, {@code .*}), plus {@value #ADMIN}, which lets a client manage
 * the clients. {@code c} create, {@code r} read (and history), {@code u} update, {@code d} delete, {@code s} search.
 * Scopes for {@code system/} and {@code user/} grant the same here (Herald's clients are systems).
 *
 * <p>A scope may be restricted: by a query ({@code system/Observation.rs?category=vital-signs}) or to one patient's
 * compartment ({@code patient/Observation.rs}, with the patient the client or token names). A restriction is a search
 * query ({@link #restriction}) that every search, read and match made for the client is ANDed with. Restricted scopes
 * grant reading and searching only ({@code r}, {@code s}). Pure: no io.vertx.
 */
public final class Scopes {

  /** Lets a client add, list and revoke clients. */
  public static final String ADMIN = "herald/admin";

  private static final Pattern SMART = Pattern.compile("(system|user|patient)/([A-Za-z][A-Za-z0-9]{0,63}|\\*)\\.([a-z*]+)(\\?.*)?");
  private static final Pattern QUERY = Pattern.compile("[A-Za-z_][A-Za-z0-9_.:-]*=[^&=\\s]+(&[A-Za-z_][A-Za-z0-9_.:-]*=[^&=\\s]+)*");
  private static final Pattern PATIENT_ID = Pattern.compile("[A-Za-z0-9\\-.]{1,64}");

  /**
   * One resource scope: the type ({@code *} for every type), the interactions it grants, and its restriction: a query
   * (null: none) and whether it is patient-level.
   */
  record Grant(String type, String interactions, String query, boolean patientLevel) {
    boolean allows(String resourceType, char interaction) {
      return (type.equals("*") || type.equals(resourceType)) && interactions.indexOf(interaction) >= 0;
    }

    boolean restricted() {
      return query != null || patientLevel;
    }
  }

  private final List<String> text;
  private final List<Grant> grants;
  private final boolean admin;
  private final String patient;

  private Scopes(List<String> text, List<Grant> grants, boolean admin, String patient) {
    this.text = text;
    this.grants = grants;
    this.admin = admin;
    this.patient = patient;
  }

  /** Scopes without a patient: patient-level ones grant nothing. */
  public static Scopes parse(String spaceSeparated) {
    return parse(spaceSeparated, null);
  }

  /**
   * Scopes as a client's record or a token holds them, space-separated, with the patient whose compartment
   * patient-level scopes open (null: none; such scopes then grant nothing).
   *
   * @throws IllegalArgumentException naming the first scope Herald cannot enforce
   */
  public static Scopes parse(String spaceSeparated, String patient) {
    if (patient != null && !PATIENT_ID.matcher(patient).matches()) {
      throw new IllegalArgumentException("patient '" + patient + "' is not a resource id (1 to 64 letters, digits, '-', '.')");
    }
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
      String query = m.group(4) == null ? null : m.group(4).substring(1);
      if (query != null && (m.group(2).equals("*") || !QUERY.matcher(query).matches())) {
        throw new IllegalArgumentException("scope '" + scope + "': a scope's query is name=value[&name=value...] (as"
            + " URL-encoded in a search) on one resource type, not *");
      }
      Grant grant = new Grant(m.group(2), interactions(scope, m.group(3)), query, m.group(1).equals("patient"));
      if (grant.restricted() && !"rs".contains(grant.interactions)) {
        throw new IllegalArgumentException("scope '" + scope + "': a scope with a query, or patient-level, grants reading"
            + " and searching only (r, s)");
      }
      grants.add(grant);
    }
    return new Scopes(List.copyOf(seen), List.copyOf(grants), admin, patient);
  }

  /**
   * The scopes of another issuer's token, which may hold scopes of its own ({@code openid}, {@code profile}): those
   * that are not SMART resource scopes nor {@value #ADMIN}, or that Herald cannot enforce, are left out (granting less,
   * never more).
   */
  public static Scopes parseGranted(String spaceSeparated, String patient) {
    StringBuilder kept = new StringBuilder();
    for (String scope : spaceSeparated == null ? new String[0] : spaceSeparated.trim().split("\\s+")) {
      try {
        parse(scope, patient);
        kept.append(kept.length() == 0 ? "" : " ").append(scope);
      } catch (IllegalArgumentException notOurs) {
        // left out
      }
    }
    return parse(kept.toString(), patient);
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

  /** Whether these scopes let a client do {@code interaction} (c, r, u, d, s) on some resources of {@code type}. */
  public boolean allows(String type, char interaction) {
    return restriction(type, interaction) != null;
  }

  /**
   * What these scopes let a client {@code interaction} (r, s) of {@code type}, as a search query to AND with whatever
   * it asks: null for nothing, {@code ""} for every resource of the type, else {@code name=value&...}. A patient-level
   * scope's restriction is the patient's compartment ({@code _id=P} on Patient, {@code patient=Patient/P} on other
   * types). Several restricted scopes of one type: their common parameter's values are ORed (comma-joined) when each
   * restricts one and the same parameter; otherwise they are ANDed, which grants less than their union, never more.
   */
  public String restriction(String type, char interaction) {
    List<String> restrictions = new ArrayList<>();
    for (Grant grant : grants) {
      if (!grant.allows(type, interaction) || grant.patientLevel && patient == null) {
        continue;
      }
      if (!grant.restricted()) {
        return "";
      }
      String compartment = !grant.patientLevel ? null
          : type.equals("Patient") ? "_id=" + patient : "patient=Patient/" + patient;
      String query = compartment == null ? grant.query : grant.query == null ? compartment : compartment + "&" + grant.query;
      if (!restrictions.contains(query)) {
        restrictions.add(query);
      }
    }
    if (restrictions.size() <= 1) {
      return restrictions.isEmpty() ? null : restrictions.get(0);
    }
    String name = null;
    StringBuilder values = new StringBuilder();
    for (String query : restrictions) {
      int eq = query.indexOf('=');
      if (query.indexOf('&') >= 0 || name != null && !name.equals(query.substring(0, eq))) {
        return String.join("&", restrictions);
      }
      name = query.substring(0, eq);
      values.append(values.length() == 0 ? "" : ",").append(query.substring(eq + 1));
    }
    return name + "=" + values;
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

  /** The patient whose compartment patient-level scopes open; null for none. */
  public String patient() {
    return patient;
  }

  /** Whether any scope is patient-level. */
  public boolean patientLevel() {
    return grants.stream().anyMatch(Grant::patientLevel);
  }

  /**
   * The types named by a restricted scope, in order (for checking their restrictions where the search parameters are
   * known).
   */
  public List<String> restrictedTypes() {
    return grants.stream().filter(g -> g.restricted() && !g.type.equals("*")).map(Grant::type).distinct().toList();
  }

  /**
   * Whether these scopes grant all that {@code asked} does: a token may ask for less than its client has
   * ({@code system/Patient.rs} of a client with {@code system/*.cruds}), never more. A restricted scope is covered by an
   * unrestricted one of its type, or by the same restriction.
   */
  public boolean includes(Scopes asked) {
    if (asked.admin && !admin) {
      return false;
    }
    for (Grant wanted : asked.grants) {
      boolean covered = false;
      for (Grant grant : grants) {
        covered |= (grant.type.equals("*") || grant.type.equals(wanted.type))
            && wanted.interactions.chars().allMatch(c -> grant.interactions.indexOf(c) >= 0)
            && (!grant.restricted() || grant.patientLevel == wanted.patientLevel
                && Objects.equals(grant.query, wanted.query));
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
