package io.herald.store;

import io.herald.criteria.Criteria;
import io.herald.criteria.Criteria.Clause;
import io.herald.criteria.Criteria.Modifier;
import io.herald.criteria.Criteria.NumberValue;
import io.herald.criteria.Criteria.Value;
import io.herald.criteria.DateRange;
import io.herald.criteria.ParamType;
import io.herald.criteria.SearchRequest;
import io.herald.criteria.SearchRequest.Sort;
import io.vertx.sqlclient.Tuple;

import java.util.ArrayList;
import java.util.List;

/**
 * Criteria as SQL over {@code resource} and {@code search_index}: each clause is an
 * {@code id IN (index rows that match)} on the index, so a search reads the index entries of its
 * values, never every row of the type. The conditions mirror {@link Criteria.Value#test} one for
 * one; {@code SearchDifferentialIT} holds the two to the same answers.
 */
final class SearchSql {

  private final StringBuilder where = new StringBuilder("r.type = $1 AND NOT r.deleted AND r.version_id <= $2");
  private final List<Object> args = new ArrayList<>();

  private SearchSql(String type, long snapshot) {
    args.add(type);
    args.add(snapshot);
  }

  record Query(String sql, Tuple args) {
  }

  /** Matching resources as of {@code snapshot}, sorted, from {@code offset}, at most {@code limit}; columns id, content, k. */
  static Query page(SearchRequest request, long snapshot, int offset, int limit) {
    Sort sort = request.sort();
    String direction = sort.descending() ? " DESC" : "";
    Clause driver = request.criteria().clauses().stream()
        .filter(c -> c.modifier() != Modifier.NOT && c.modifier() != Modifier.MISSING)
        .min(java.util.Comparator.comparingInt(SearchSql::breadth)).orElse(null);
    if (driver != null && sort.param() == null && sort.name().equals("_id")) {
      // Sorted by id with a clause that needs index rows: find the page's ids in the index alone
      // (its rows exist only for live resources and carry their versionId), then read just those.
      SearchSql sql = new SearchSql(request.criteria().type(), snapshot);
      StringBuilder ids = new StringBuilder("SELECT DISTINCT i.id FROM search_index i WHERE i.type = $1 AND i.param = ")
          .append(sql.arg(driver.param().name())).append(" AND (").append(sql.anyOf(driver, "i")).append(") AND i.v <= $2");
      for (Clause clause : request.criteria().clauses()) {
        if (clause != driver) {
          ids.append(" AND ").append(sql.clause(clause, "i.id"));
        }
      }
      ids.append(" ORDER BY i.id").append(direction).append(" OFFSET ").append(sql.arg(offset))
          .append(" LIMIT ").append(sql.arg(limit));
      return new Query("SELECT r.id, r.content, r.id AS k FROM resource r JOIN (" + ids + ") p"
          + " ON r.type = $1 AND r.id = p.id AND NOT r.deleted AND r.version_id <= $2 ORDER BY r.id" + direction,
          Tuple.from(sql.args));
    }
    SearchSql sql = where(request.criteria(), snapshot);
    String key = sql.sortKey(sort);
    String order = sort.param() == null && sort.name().equals("_id")
        ? "r.id" + direction
        : "k" + direction + " NULLS LAST, r.id";
    return new Query("SELECT r.id, r.content, " + key + " AS k FROM resource r WHERE " + sql.where
        + " ORDER BY " + order + " OFFSET " + sql.arg(offset) + " LIMIT " + sql.arg(limit), Tuple.from(sql.args));
  }

  /** How many index rows a clause is likely to touch, roughly: exact values first, ranges last. */
  private static int breadth(Clause clause) {
    return switch (clause.param().type()) {
      case TOKEN, REFERENCE, URI -> clause.modifier() == Modifier.TEXT ? 2 : 0;
      case STRING -> clause.modifier() == Modifier.EXACT ? 0 : clause.modifier() == Modifier.CONTAINS ? 3 : 1;
      default -> 3;
    };
  }

  static Query count(SearchRequest request, long snapshot) {
    SearchSql sql = where(request.criteria(), snapshot);
    return new Query("SELECT count(*) FROM resource r WHERE " + sql.where, Tuple.from(sql.args));
  }

  private static SearchSql where(Criteria criteria, long snapshot) {
    SearchSql sql = new SearchSql(criteria.type(), snapshot);
    for (Clause clause : criteria.clauses()) {
      sql.where.append(" AND ").append(sql.clause(clause, "r.id"));
    }
    return sql;
  }

  /** A clause as a condition on the resource id in {@code id}. */
  private String clause(Clause clause, String id) {
    String param = arg(clause.param().name());
    if (clause.modifier() == Modifier.MISSING) {
      return (clause.missing() ? "NOT " : "") + "EXISTS (SELECT 1 FROM search_index j WHERE j.type = $1"
          + " AND j.id = " + id + " AND j.param = " + param + ")";
    }
    return id + " " + (clause.modifier() == Modifier.NOT ? "NOT " : "") + "IN (SELECT j.id FROM search_index j"
        + " WHERE j.type = $1 AND j.param = " + param + " AND (" + anyOf(clause, "j") + "))";
  }

  /** The clause's comma-separated values as one condition on the index row {@code alias}. */
  private String anyOf(Clause clause, String alias) {
    List<String> any = new ArrayList<>();
    for (Value value : clause.anyOf()) {
      any.add(value(value, clause.modifier(), alias));
    }
    return String.join(" OR ", any);
  }

  private String value(Value value, Modifier modifier, String a) {
    if (value instanceof Criteria.StringValue s) {
      return switch (modifier) {
        case EXACT -> a + ".s2 = " + arg(s.exact());
        case CONTAINS -> s1Contains(a, s.normalized());
        default -> s1StartsWith(a, s.normalized());
      };
    }
    if (value instanceof Criteria.TokenValue t) {
      if (modifier == Modifier.TEXT) {
        return a + ".s3 LIKE " + arg(escapeLike(t.text()) + "%");
      }
      String code = t.code() == null ? a + ".s1 IS NOT NULL" : s1Equals(a, t.code());
      if (!t.systemGiven()) {
        return code;
      }
      return "(" + code + " AND " + (t.system() == null ? a + ".s2 IS NULL" : a + ".s2 = " + arg(t.system())) + ")";
    }
    if (value instanceof Criteria.DateValue d) {
      DateRange r = d.range();
      return switch (d.prefix()) {
        case EQ -> "(" + a + ".lo >= " + arg(r.lo()) + " AND " + a + ".hi <= " + arg(r.hi()) + ")";
        case NE -> "NOT (" + a + ".lo >= " + arg(r.lo()) + " AND " + a + ".hi <= " + arg(r.hi()) + ")";
        case GT -> a + ".hi > " + arg(r.hi());
        case LT -> a + ".lo < " + arg(r.lo());
        case GE -> "(" + a + ".hi > " + arg(r.hi()) + " OR " + a + ".lo >= " + arg(r.lo()) + ")";
        case LE -> "(" + a + ".lo < " + arg(r.lo()) + " OR " + a + ".hi <= " + arg(r.hi()) + ")";
        case SA -> a + ".lo >= " + arg(r.hi());
        case EB -> a + ".hi <= " + arg(r.lo());
        case AP -> "(" + a + ".lo < " + arg(r.hi()) + " AND " + a + ".hi > " + arg(r.lo()) + ")";
      };
    }
    if (value instanceof NumberValue n) {
      return number(n, a);
    }
    if (value instanceof Criteria.QuantityValue q) {
      StringBuilder sql = new StringBuilder("(").append(number(q.number(), a));
      if (q.system() != null) {
        sql.append(" AND " + a + ".s2 = ").append(arg(q.system()));
      }
      if (q.code() != null) {
        String code = s1Equals(a, q.code());
        sql.append(q.system() != null ? " AND " + code : " AND (" + code + " OR " + a + ".s3 = " + arg(q.code()) + ")");
      }
      return sql.append(")").toString();
    }
    if (value instanceof Criteria.ReferenceValue ref) {
      if (ref.id() == null) {
        return a + ".s3 = " + arg(ref.url());
      }
      return ref.type() == null ? s1Equals(a, ref.id()) : "(" + s1Equals(a, ref.id()) + " AND " + a + ".s2 = " + arg(ref.type()) + ")";
    }
    if (value instanceof Criteria.UriValue u) {
      return s1Equals(a, u.uri());
    }
    throw new IllegalArgumentException("No SQL for " + value);
  }

  private String number(NumberValue n, String a) {
    return switch (n.prefix()) {
      case EQ -> "(" + a + ".n >= " + arg(n.lo()) + " AND " + a + ".n < " + arg(n.hi()) + ")";
      case NE -> "NOT (" + a + ".n >= " + arg(n.lo()) + " AND " + a + ".n < " + arg(n.hi()) + ")";
      case GT, SA -> a + ".n > " + arg(n.value());
      case LT, EB -> a + ".n < " + arg(n.value());
      case GE -> a + ".n >= " + arg(n.value());
      case LE -> a + ".n <= " + arg(n.value());
      case AP -> {
        String v = arg(n.value());
        yield "abs(" + a + ".n - " + v + ") <= abs(" + v + ") * 0.1";
      }
    };
  }

  /** The sort key of a resource, as {@link SortKeys} computes it in memory. */
  private String sortKey(Sort sort) {
    if (sort.param() == null) {
      return sort.name().equals("_lastUpdated") ? "r.last_updated" : "r.id";
    }
    String agg = sort.descending() ? "max" : "min";
    String column = sort.param().type() == ParamType.DATE ? (sort.descending() ? "i.hi" : "i.lo") : "coalesce(i.s1_full, i.s1)";
    return "(SELECT " + agg + "(" + column + ") FROM search_index i WHERE i.type = r.type AND i.id = r.id"
        + " AND i.param = " + arg(sort.param().name()) + ")";
  }

  /*
   * s1, the indexed column, holds at most the first S1_CHARS characters (code points) of a value; s1_full the whole
   * value when it is longer (db/V6__long_index_values.sql). A query value shorter than that is decided on s1 alone,
   * in the index; a longer one is narrowed by its prefix in the index, then checked against the whole value.
   */

  /** Characters of a value kept in s1: the same number as in db/V6__long_index_values.sql. */
  static final int S1_CHARS = 512;

  private String s1Equals(String a, String value) {
    if (value.length() < S1_CHARS || value.codePointCount(0, value.length()) < S1_CHARS) {
      return a + ".s1 = " + arg(value);
    }
    return "(" + a + ".s1 = " + arg(prefix(value)) + " AND coalesce(" + a + ".s1_full, " + a + ".s1) = " + arg(value) + ")";
  }

  private String s1StartsWith(String a, String start) {
    if (start.length() <= S1_CHARS || start.codePointCount(0, start.length()) <= S1_CHARS) {
      return a + ".s1 LIKE " + arg(escapeLike(start) + "%");
    }
    return "(" + a + ".s1 = " + arg(prefix(start)) + " AND coalesce(" + a + ".s1_full, " + a + ".s1) LIKE "
        + arg(escapeLike(start) + "%") + ")";
  }

  private String s1Contains(String a, String part) {
    String pattern = arg("%" + escapeLike(part) + "%");
    return "(" + a + ".s1 LIKE " + pattern + " OR " + a + ".s1_full LIKE " + pattern + ")";
  }

  private static String prefix(String value) {
    return value.substring(0, value.offsetByCodePoints(0, S1_CHARS));
  }

  private String arg(Object value) {
    args.add(value);
    return "$" + args.size();
  }

  private static String escapeLike(String s) {
    return s.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
  }
}
