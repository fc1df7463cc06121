package io.herald.criteria;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A parsed {@code Type?params} search: the conditions every result meets (AND), plus paging.
 * Parsing rejects what cannot be evaluated, naming the parameter, so nothing is silently ignored.
 *
 * @param conditions  all must hold
 * @param count       page size ({@code _count}); 0 asks only for the total
 * @param afterId     paging cursor: results have ids after this one ({@code _cursor}), or null
 * @param total       whether the Bundle should carry {@code total} ({@code _total=accurate}, or {@code _count=0})
 */
public record SearchRequest(String type, List<Condition> conditions, int count, String afterId, boolean total) {

  /** The parameters this engine understands, with what they do. */
  public static final Map<String, String> PARAMETERS = Map.of(
      "_id", "token: the logical id (comma-separated ids match any)",
      "_lastUpdated", "date: meta.lastUpdated, with eq, ne, gt, lt, ge, le, sa, eb prefixes",
      "_count", "number of results per page",
      "_total", "'accurate' adds Bundle.total; 'none' and 'estimate' are accepted");

  private static final Pattern ID = Pattern.compile("[A-Za-z0-9\\-.]{1,64}");

  /** One condition on a resource. */
  public sealed interface Condition permits IdIn, LastUpdated {
  }

  /** {@code _id=a,b}: the id is one of these. */
  public record IdIn(List<String> ids) implements Condition {
  }

  /** {@code _lastUpdated=ge2020}: meta.lastUpdated compared to a date range; several values are OR-ed. */
  public record LastUpdated(List<Comparison> anyOf) implements Condition {
  }

  /** A prefix applied to a date range. */
  public record Comparison(Prefix prefix, DateRange range) {
  }

  /**
   * @param params       query parameters, each name with all its values in order
   * @param defaultCount page size without {@code _count}
   * @param maxCount     the largest {@code _count} accepted
   */
  public static SearchRequest parse(String type, Map<String, List<String>> params, int defaultCount, int maxCount) {
    List<Condition> conditions = new ArrayList<>();
    int count = defaultCount;
    String afterId = null;
    boolean total = false;
    for (Map.Entry<String, List<String>> param : params.entrySet()) {
      String name = param.getKey();
      for (String value : param.getValue()) {
        switch (name) {
          case "_id" -> conditions.add(new IdIn(ids(name, value)));
          case "_lastUpdated" -> conditions.add(new LastUpdated(comparisons(name, value)));
          case "_count" -> count = number(name, value, 0, maxCount);
          case "_total" -> total = total(name, value);
          case "_cursor" -> afterId = ids(name, value).get(0);
          case "_format", "_pretty" -> {
          }
          default -> throw unknown(type, name);
        }
      }
    }
    return new SearchRequest(type, List.copyOf(conditions), count, afterId, total || count == 0);
  }

  private static CriteriaException unknown(String type, String name) {
    String base = name.contains(":") ? name.substring(0, name.indexOf(':')) : name;
    if (PARAMETERS.containsKey(base)) {
      return new CriteriaException(name, "modifier '" + name.substring(base.length() + 1) + "' is not supported on " + base);
    }
    if (name.contains(".")) {
      return new CriteriaException(name, "chained parameters are not supported");
    }
    return new CriteriaException(name, "unknown for " + type + "; supported: " + String.join(", ", PARAMETERS.keySet().stream().sorted().toList()));
  }

  private static List<String> ids(String name, String value) {
    List<String> ids = new ArrayList<>();
    for (String id : value.split(",", -1)) {
      if (!ID.matcher(id).matches()) {
        throw new CriteriaException(name, "'" + id + "' is not a valid id ([A-Za-z0-9-.], 1 to 64 characters)");
      }
      ids.add(id);
    }
    return ids;
  }

  private static List<Comparison> comparisons(String name, String value) {
    List<Comparison> comparisons = new ArrayList<>();
    for (String part : value.split(",", -1)) {
      Prefix prefix = Prefix.of(part);
      if (prefix == Prefix.EQ && part.length() > 2 && Character.isLetter(part.charAt(0))
          && !part.regionMatches(true, 0, "eq", 0, 2)) {
        throw new CriteriaException(name, "prefix '" + part.substring(0, 2) + "' is not supported; use eq, ne, gt, lt, ge, le, sa or eb");
      }
      String date = prefix == Prefix.EQ && !part.regionMatches(true, 0, "eq", 0, 2) ? part : part.substring(2);
      try {
        comparisons.add(new Comparison(prefix, DateRange.parse(date)));
      } catch (IllegalArgumentException e) {
        throw new CriteriaException(name, e.getMessage());
      }
    }
    return comparisons;
  }

  private static int number(String name, String value, int min, int max) {
    try {
      int n = Integer.parseInt(value);
      if (n >= min && n <= max) {
        return n;
      }
    } catch (NumberFormatException ignored) {
      // reported below
    }
    throw new CriteriaException(name, "must be a whole number from " + min + " to " + max + ", not '" + value + "'");
  }

  private static boolean total(String name, String value) {
    return switch (value) {
      case "accurate" -> true;
      case "none", "estimate" -> false;
      default -> throw new CriteriaException(name, "must be none, estimate or accurate, not '" + value + "'");
    };
  }
}
