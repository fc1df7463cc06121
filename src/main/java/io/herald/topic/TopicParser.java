package io.herald.topic;

import io.herald.criteria.Criteria;
import io.herald.criteria.CriteriaException;
import io.herald.criteria.CriteriaParser;
import io.herald.criteria.Registry;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads a {@code SubscriptionTopic} resource (R4B shape) into a {@link Topic}, checking every field Herald acts on.
 * What it cannot evaluate is refused by name: {@code eventTrigger}, {@code resourceTrigger.fhirPathCriteria},
 * {@code notificationShape.include} / {@code revInclude}.
 */
public final class TopicParser {

  /** The prefix of a core resource type's canonical URL, which {@code resource} may be written as. */
  public static final String TYPE_URL = "http://hl7.org/fhir/StructureDefinition/";
  /** R4B's subscription-search-modifier codes, which {@code canFilterBy.modifier} takes. */
  public static final Set<String> MODIFIERS = Set.of("=", "eq", "ne", "gt", "lt", "ge", "le", "sa", "eb", "ap",
      "above", "below", "in", "not-in", "of-type");
  private static final Set<String> STATUSES = Set.of("draft", "active", "retired", "unknown");
  private static final Pattern TYPE = Pattern.compile("[A-Z][A-Za-z0-9]{0,63}");
  /** As a topic-based subscription's criteria is recognised: an http, https or urn URL. */
  private static final Pattern CANONICAL = Pattern.compile("(https?|urn):\\S+");
  private static final Set<String> RESULTS = Set.of("test-passes", "test-fails");

  private final CriteriaParser criteria;
  private final Registry registry;

  public TopicParser(CriteriaParser criteria, Registry registry) {
    this.criteria = criteria;
    this.registry = registry;
  }

  /** @throws TopicException naming the field that is wrong or that Herald cannot evaluate */
  public Topic parse(JsonObject resource) {
    Object url = resource.getValue("url");
    if (!(url instanceof String u) || !CANONICAL.matcher(u).matches() || u.contains("|")) {
      throw new TopicException("url is required: the topic's canonical URL (an http, https or urn URI without a version), not "
          + describe(url));
    }
    Object status = resource.getValue("status");
    if (!(status instanceof String s) || !STATUSES.contains(s)) {
      throw new TopicException("status must be one of draft, active, retired, unknown; not " + describe(status));
    }
    if (resource.getValue("eventTrigger") != null) {
      throw new TopicException("eventTrigger is not supported: Herald triggers on resource changes only (resourceTrigger)");
    }
    List<Topic.Trigger> triggers = new ArrayList<>();
    JsonArray written = list(resource, "resourceTrigger");
    if (written.isEmpty()) {
      throw new TopicException("resourceTrigger is required: at least one, naming a resource type");
    }
    for (int i = 0; i < written.size(); i++) {
      triggers.add(trigger("resourceTrigger[" + i + "]", object(written.getValue(i), "resourceTrigger[" + i + "]")));
    }
    Set<String> types = new LinkedHashSet<>();
    triggers.forEach(t -> types.add(t.type()));
    List<Topic.FilterRule> filters = new ArrayList<>();
    JsonArray canFilterBy = list(resource, "canFilterBy");
    for (int i = 0; i < canFilterBy.size(); i++) {
      filters.add(filterRule("canFilterBy[" + i + "]", object(canFilterBy.getValue(i), "canFilterBy[" + i + "]"), types));
    }
    JsonArray shapes = list(resource, "notificationShape");
    for (int i = 0; i < shapes.size(); i++) {
      JsonObject shape = object(shapes.getValue(i), "notificationShape[" + i + "]");
      for (String field : List.of("include", "revInclude")) {
        if (shape.getValue(field) != null) {
          throw new TopicException("notificationShape[" + i + "]." + field + " is not supported: notifications carry "
              + "the focus resource only");
        }
      }
    }
    return new Topic(u, s, List.copyOf(triggers), List.copyOf(filters));
  }

  private Topic.Trigger trigger(String at, JsonObject trigger) {
    if (trigger.getValue("fhirPathCriteria") != null) {
      throw new TopicException(at + ".fhirPathCriteria is not supported: Herald evaluates queryCriteria (search "
          + "expressions) only");
    }
    String type = type(trigger.getValue("resource"), at + ".resource");
    Set<String> interactions = new LinkedHashSet<>();
    Object supported = trigger.getValue("supportedInteraction");
    if (supported == null) {
      interactions.addAll(Topic.INTERACTIONS);
    } else {
      if (!(supported instanceof JsonArray codes) || codes.isEmpty()) {
        throw new TopicException(at + ".supportedInteraction must be a list of create, update, delete");
      }
      for (Object code : codes) {
        if (!(code instanceof String c) || !Topic.INTERACTIONS.contains(c)) {
          throw new TopicException(at + ".supportedInteraction " + describe(code) + " is not one of create, update, delete");
        }
        interactions.add(c);
      }
    }
    Object queryCriteria = trigger.getValue("queryCriteria");
    if (queryCriteria == null) {
      return new Topic.Trigger(type, Set.copyOf(interactions), null, null, false, false, false);
    }
    JsonObject query = object(queryCriteria, at + ".queryCriteria");
    Criteria previous = query(type, query.getValue("previous"), at + ".queryCriteria.previous");
    Criteria current = query(type, query.getValue("current"), at + ".queryCriteria.current");
    boolean createPasses = result(query.getValue("resultForCreate"), at + ".queryCriteria.resultForCreate");
    boolean deletePasses = result(query.getValue("resultForDelete"), at + ".queryCriteria.resultForDelete");
    Object requireBoth = query.getValue("requireBoth");
    if (requireBoth != null && !(requireBoth instanceof Boolean)) {
      throw new TopicException(at + ".queryCriteria.requireBoth must be true or false, not " + describe(requireBoth));
    }
    return new Topic.Trigger(type, Set.copyOf(interactions), previous, current, createPasses, deletePasses,
        Boolean.TRUE.equals(requireBoth));
  }

  /** A query criteria: {@code param=value&...} on the trigger's type, or {@code Type?param=value} of that type. */
  private Criteria query(String type, Object written, String at) {
    if (written == null) {
      return null;
    }
    if (!(written instanceof String text) || text.isBlank()) {
      throw new TopicException(at + " must be a search expression such as status=finished, not " + describe(written));
    }
    String expression = text.startsWith("?") ? type + text : TYPE.matcher(text.split("\\?", 2)[0]).matches()
        && (text.contains("?") || text.equals(type)) ? text : type + "?" + text;
    try {
      Criteria parsed = criteria.parse(expression);
      if (!parsed.type().equals(type)) {
        throw new TopicException(at + " '" + text + "' is on " + parsed.type() + ", not on the trigger's " + type);
      }
      return parsed;
    } catch (CriteriaException e) {
      throw new TopicException(at + ": " + e.getMessage());
    }
  }

  private static boolean result(Object written, String at) {
    if (written == null) {
      return false;
    }
    if (!(written instanceof String code) || !RESULTS.contains(code)) {
      throw new TopicException(at + " must be test-passes or test-fails, not " + describe(written));
    }
    return code.equals("test-passes");
  }

  private Topic.FilterRule filterRule(String at, JsonObject rule, Set<String> types) {
    String type = rule.getValue("resource") == null ? null : type(rule.getValue("resource"), at + ".resource");
    if (type != null && !types.contains(type)) {
      throw new TopicException(at + ".resource " + type + " is not a type this topic triggers on (" + types + ")");
    }
    Object parameter = rule.getValue("filterParameter");
    if (!(parameter instanceof String name) || name.isBlank()) {
      throw new TopicException(at + ".filterParameter is required: a search parameter's name");
    }
    for (String t : type == null ? types : Set.of(type)) {
      if (registry.find(t, name) == null || !registry.find(t, name).type().evaluable()) {
        throw new TopicException(at + ".filterParameter '" + name + "' is not a search parameter Herald evaluates on " + t);
      }
    }
    Set<String> modifiers = new LinkedHashSet<>();
    Object written = rule.getValue("modifier");
    if (written != null) {
      if (!(written instanceof JsonArray codes)) {
        throw new TopicException(at + ".modifier must be a list of codes");
      }
      for (Object code : codes) {
        if (!(code instanceof String c) || !MODIFIERS.contains(c)) {
          throw new TopicException(at + ".modifier " + describe(code) + " is not one of " + MODIFIERS);
        }
        modifiers.add(c);
      }
    }
    if (modifiers.isEmpty()) {
      modifiers.add("=");
    }
    return new Topic.FilterRule(type, name, Set.copyOf(modifiers));
  }

  /** A resource type, written as its name or as its core StructureDefinition URL. */
  private static String type(Object written, String at) {
    String text = written instanceof String s ? s.startsWith(TYPE_URL) ? s.substring(TYPE_URL.length()) : s : null;
    if (text == null || !TYPE.matcher(text).matches()) {
      throw new TopicException(at + " must be a resource type (Encounter, or " + TYPE_URL + "Encounter), not "
          + describe(written));
    }
    return text;
  }

  private static JsonArray list(JsonObject resource, String field) {
    Object value = resource.getValue(field);
    if (value == null) {
      return new JsonArray();
    }
    if (!(value instanceof JsonArray list)) {
      throw new TopicException(field + " must be a list");
    }
    return list;
  }

  private static JsonObject object(Object value, String at) {
    if (!(value instanceof JsonObject object)) {
      throw new TopicException(at + " must be an object");
    }
    return object;
  }

  static String describe(Object value) {
    return value == null ? "nothing" : "'" + value + "'";
  }
}
