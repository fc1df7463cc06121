package io.herald.criteria;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A REST search: the criteria, plus how to return the results ({@code _count}, {@code _sort},
 * {@code _total}, {@code _summary=count}) and where the page starts ({@code _snapshot} and
 * {@code _offset}, set by the server in {@code link[next]}).
 *
 * @param sort     the sort key: {@code _id} (default), {@code _lastUpdated}, or a string, token or date parameter
 * @param snapshot the versionId the pages of this search are as of; 0 on the first page
 */
public record SearchRequest(Criteria criteria, int count, Sort sort, boolean total, boolean summaryCount,
                            long snapshot, int offset) {

  /** How deep paging goes: a search with more results than this is narrowed, not paged through. */
  public static final int MAX_OFFSET = 100_000;

  /** Parameters that shape the result rather than select resources. */
  public static final List<String> RESULT_PARAMETERS =
      List.of("_count", "_sort", "_total", "_summary", "_snapshot", "_offset", "_format", "_pretty");

  /**
   * @param param null for {@code _id} and {@code _lastUpdated}, which sort on the resource itself
   */
  public record Sort(String name, SearchParameter param, boolean descending) {
    public static final Sort BY_ID = new Sort("_id", null, false);
  }

  public static SearchRequest parse(CriteriaParser parser, Registry registry, String type,
                                    Map<String, List<String>> params, int defaultCount, int maxCount) {
    Map<String, List<String>> criteria = new LinkedHashMap<>();
    int count = defaultCount;
    Sort sort = Sort.BY_ID;
    boolean total = false;
    boolean summaryCount = false;
    long snapshot = 0;
    int offset = 0;
    for (Map.Entry<String, List<String>> param : params.entrySet()) {
      String name = param.getKey();
      if (!RESULT_PARAMETERS.contains(name)) {
        criteria.put(name, param.getValue());
        continue;
      }
      String value = param.getValue().get(param.getValue().size() - 1);
      switch (name) {
        case "_count" -> count = (int) WholeNumber.parse(name, value, 0, maxCount);
        case "_sort" -> sort = sort(registry, type, value);
        case "_total" -> total = switch (value) {
          case "accurate" -> true;
          case "none", "estimate" -> false;
          default -> throw new CriteriaException(name, "must be none, estimate or accurate, not '" + value + "'");
        };
        case "_summary" -> {
          if (value.equals("count")) {
            summaryCount = true;
          } else if (!value.equals("false")) {
            throw new CriteriaException(name, "only _summary=count (or false) is supported, not '" + value + "'");
          }
        }
        case "_snapshot" -> snapshot = WholeNumber.parse(name, value, 1, Long.MAX_VALUE);
        case "_offset" -> offset = (int) WholeNumber.parse(name, value, 0, MAX_OFFSET);
        default -> {
          // _format and _pretty: JSON is the only format, and it is always the same
        }
      }
    }
    return new SearchRequest(parser.parse(type, criteria), count, sort, total || summaryCount || count == 0,
        summaryCount, snapshot, offset);
  }

  private static Sort sort(Registry registry, String type, String value) {
    if (value.contains(",")) {
      throw new CriteriaException("_sort", "sorting on more than one key is not supported: '" + value + "'");
    }
    boolean descending = value.startsWith("-");
    String name = descending ? value.substring(1) : value;
    if (name.equals("_id") || name.equals("_lastUpdated")) {
      return new Sort(name, null, descending);
    }
    SearchParameter p = registry.find(type, name);
    if (p == null) {
      throw new CriteriaException("_sort", "'" + name + "' is not a search parameter of " + type);
    }
    if (p.type() != ParamType.STRING && p.type() != ParamType.TOKEN && p.type() != ParamType.DATE) {
      throw new CriteriaException("_sort", "cannot sort on " + p.type().name().toLowerCase() + " parameter '" + name
          + "'; sort on _id, _lastUpdated or a string, token or date parameter");
    }
    return new Sort(name, p, descending);
  }

}
