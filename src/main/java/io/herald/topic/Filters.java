package io.herald.topic;

import io.herald.criteria.Criteria;
import io.herald.criteria.CriteriaException;
import io.herald.criteria.CriteriaParser;
import io.herald.criteria.ParamType;
import io.herald.criteria.Registry;
import io.herald.criteria.SearchParameter;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A topic-based subscription's filters ({@code backport-filter-criteria}) read against its topic: each parameter
 * checked against what the topic's {@code canFilterBy} allows (the parameter, and its modifier or prefix as R4B codes
 * them), then parsed as criteria, ANDed per resource type. A filter is written {@code Encounter?patient=Patient/123},
 * {@code Encounter.patient=Patient/123} or, for every type the topic triggers on, {@code patient=Patient/123}.
 */
public final class Filters {

  private static final Pattern TYPED = Pattern.compile("([A-Z][A-Za-z0-9]{0,63})[?.](.+)");
  /** Search modifiers as R4B's canFilterBy.modifier codes them; others cannot be allowed by a topic. */
  private static final Set<String> MODIFIERS = Set.of("above", "below", "in", "not-in", "of-type");
  private static final Set<ParamType> PREFIXED = Set.of(ParamType.DATE, ParamType.NUMBER, ParamType.QUANTITY);

  private final CriteriaParser parser;
  private final Registry registry;

  public Filters(CriteriaParser parser, Registry registry) {
    this.parser = parser;
    this.registry = registry;
  }

  /**
   * The filters as criteria, by the resource type they apply to (a type the topic triggers on without any is not in
   * the map: every change the topic fires on it is heard).
   *
   * @throws TopicException naming the filter that cannot be read or that the topic does not allow
   */
  public Map<String, Criteria> criteria(Topic topic, List<String> filters) {
    Set<String> types = topic.types();
    Map<String, Map<String, List<String>>> byType = new LinkedHashMap<>();
    for (String filter : filters) {
      var typed = TYPED.matcher(filter);
      String query = typed.matches() ? typed.group(2) : filter;
      List<String> on = typed.matches() ? List.of(typed.group(1)) : List.copyOf(types);
      if (typed.matches() && !types.contains(typed.group(1))) {
        throw new TopicException("filter criteria '" + filter + "' is on " + typed.group(1) + "; topic " + topic.url()
            + " triggers on " + String.join(", ", types));
      }
      for (String pair : query.split("&")) {
        int eq = pair.indexOf('=');
        if (eq <= 0 || eq == pair.length() - 1) {
          throw new TopicException("filter criteria '" + filter + "' is not [Type?]parameter=value (e.g. "
              + "Encounter?patient=Patient/123)");
        }
        String key = decode(pair.substring(0, eq), filter);
        String value = decode(pair.substring(eq + 1), filter);
        for (String type : on) {
          allow(topic, filter, type, key, value);
          byType.computeIfAbsent(type, t -> new LinkedHashMap<>()).computeIfAbsent(key, k -> new ArrayList<>()).add(value);
        }
      }
    }
    Map<String, Criteria> criteria = new LinkedHashMap<>();
    byType.forEach((type, params) -> {
      try {
        criteria.put(type, parser.parse(type, params));
      } catch (CriteriaException e) {
        throw new TopicException("filter criteria on " + type + ": " + e.getMessage());
      }
    });
    return criteria;
  }

  private void allow(Topic topic, String filter, String type, String key, String value) {
    String name = key.contains(":") ? key.substring(0, key.indexOf(':')) : key;
    String code = code(type, key, name, value);
    for (Topic.FilterRule rule : topic.canFilterBy()) {
      if ((rule.type() == null || rule.type().equals(type)) && rule.parameter().equals(name)
          && (rule.modifiers().contains(code) || code.equals("=") && rule.modifiers().contains("eq")
          || code.equals("eq") && rule.modifiers().contains("="))) {
        return;
      }
    }
    List<String> allowed = topic.canFilterBy().stream().filter(r -> r.type() == null || r.type().equals(type))
        .map(r -> r.parameter() + " " + r.modifiers()).toList();
    throw new TopicException("filter criteria '" + filter + "': topic " + topic.url() + " does not allow filtering "
        + type + " by '" + name + "'" + (code.equals("=") ? "" : " with '" + code + "'")
        + (allowed.isEmpty() ? " (it allows no filters)" : " (it allows " + String.join(", ", allowed) + ")"));
  }

  /** The R4B modifier code of one parameter as written: a modifier, a prefix, or {@code =}. */
  private String code(String type, String key, String name, String value) {
    if (key.contains(":")) {
      String modifier = key.substring(key.indexOf(':') + 1);
      return MODIFIERS.contains(modifier) ? modifier : ":" + modifier;
    }
    SearchParameter p = registry.find(type, name);
    if (p != null && PREFIXED.contains(p.type()) && value.length() >= 2 && Character.isLetter(value.charAt(0))
        && Character.isLetter(value.charAt(1))) {
      return value.substring(0, 2).toLowerCase(Locale.ROOT);
    }
    return "=";
  }

  private static String decode(String text, String filter) {
    try {
      return URLDecoder.decode(text, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw new TopicException("filter criteria '" + filter + "' is not URL-encoded properly");
    }
  }
}
