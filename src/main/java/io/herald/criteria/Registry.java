package io.herald.criteria;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The search parameters of every resource type: the FHIR R4 definitions shipped with Herald,
 * plus those of {@code conf/search-parameters.json} (custom types such as DataSample, or more
 * parameters for R4 types). The parameters under {@code Resource} apply to every type.
 * Adding a type or a parameter is a matter of data, not code.
 */
public final class Registry {

  private final Map<String, SearchParameter> common;
  private final Map<String, Map<String, SearchParameter>> byType;
  private final Map<String, List<SearchParameter>> allByType = new java.util.concurrent.ConcurrentHashMap<>();

  private Registry(Map<String, SearchParameter> common, Map<String, Map<String, SearchParameter>> byType) {
    this.common = common;
    this.byType = byType;
  }

  /**
   * @param sources each {type: [{name, type, paths, targets?, system?, code?}]}, as parsed from
   *                JSON into plain maps and lists; later sources add to and override earlier ones
   */
  @SafeVarargs
  public static Registry of(Map<String, Object>... sources) {
    Map<String, Map<String, SearchParameter>> byType = new LinkedHashMap<>();
    for (Map<String, Object> source : sources) {
      for (Map.Entry<String, Object> type : source.entrySet()) {
        Map<String, SearchParameter> params = byType.computeIfAbsent(type.getKey(), k -> new LinkedHashMap<>());
        if (!(type.getValue() instanceof List<?> list)) {
          throw new IllegalArgumentException("Search parameters of " + type.getKey() + " must be a list");
        }
        for (Object entry : list) {
          SearchParameter p = parameter(type.getKey(), entry);
          params.put(p.name(), p);
        }
      }
    }
    Map<String, SearchParameter> common = byType.getOrDefault("Resource", Map.of());
    return new Registry(common, byType);
  }

  private static SearchParameter parameter(String type, Object entry) {
    if (!(entry instanceof Map<?, ?> m) || !(m.get("name") instanceof String name) || !(m.get("type") instanceof String kind)) {
      throw new IllegalArgumentException("A search parameter of " + type + " needs a name and a type: " + entry);
    }
    ParamType paramType;
    try {
      paramType = ParamType.valueOf(kind.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(type + "." + name + ": unknown search parameter type '" + kind + "'");
    }
    List<String> paths = strings(m.get("paths"));
    if (paramType.evaluable() && paths.isEmpty()) {
      throw new IllegalArgumentException(type + "." + name + ": needs at least one path");
    }
    return new SearchParameter(name, paramType, paths, strings(m.get("targets")),
        (String) m.get("system"), (String) m.get("code"));
  }

  private static List<String> strings(Object value) {
    List<String> out = new ArrayList<>();
    if (value instanceof List<?> list) {
      list.forEach(v -> out.add(String.valueOf(v)));
    }
    return out;
  }

  /** The parameter {@code name} of {@code type}, or null. */
  public SearchParameter find(String type, String name) {
    Map<String, SearchParameter> params = byType.get(type);
    SearchParameter p = params == null ? null : params.get(name);
    return p != null ? p : common.get(name);
  }

  /** Every parameter of {@code type}, the common ones included. */
  public Collection<SearchParameter> forType(String type) {
    return allByType.computeIfAbsent(type, t -> {
      Map<String, SearchParameter> all = new LinkedHashMap<>(common);
      all.putAll(byType.getOrDefault(t, Map.of()));
      return List.copyOf(all.values());
    });
  }

  /** The types with parameters of their own. */
  public Collection<String> types() {
    return byType.keySet().stream().filter(t -> !t.equals("Resource")).toList();
  }
}
