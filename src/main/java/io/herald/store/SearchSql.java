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
    SearchSql sql = where(request.criteria(), snapshot);
    String key = sql.sortKey(request.sort());
    String order = request.sort().param() == null && request.sort().name().equals("_id")
        ? "r.id COLLATE \"C\"" + (request.sort().descending() ? " DESC" : "")
        : "k" + (request.sort().descending() ? " DESC" : "") + " NULLS LAST, r.id COLLATE \"C\"";
    return new Query("SELECT r.id, r.content, " + key + " AS k FROM resource r WHERE " + sql.where
        + " ORDER BY " + order + " OFFSET " + sql.arg(offset) + " LIMIT " + sql.arg(limit), Tuple.from(sql.args));
  }

  static Query count(SearchRequest request, long snapshot) {
    SearchSql sql = where(request.criteria(), snapshot);
    return new Query("SELECT count(*) FROM resource r WHERE " + sql.where, Tuple.from(sql.args));
  }

  private static SearchSql where(Criteria criteria, long snapshot) {
    SearchSql sql = new SearchSql(criteria.type(), snapshot);
    for (Clause clause : criteria.clauses()) {
      sql.where.append(" AND ").append(sql.clause(clause));
    }
    return sql;
  }

  private String clause(Clause clause) {
    String param = arg(clause.param().name());
    if (clause.modifier() == Modifier.MISSING) {
      return (clause.missing() ? "NOT " : "") + "EXISTS (SELECT 1 FROM search_index i WHERE i.type = r.type"
          + " AND i.id = r.id AND i.param = " + param + ")";
    }
    List<String> any = new ArrayList<>();
    for (Value value : clause.anyOf()) {
      any.add(value(value, clause.modifier()));
    }
    return "r.id " + (clause.modifier() == Modifier.NOT ? "NOT " : "") + "IN (SELECT i.id FROM search_index i"
        + " WHERE i.type = $1 AND i.param = " + param + " AND (" + String.join(" OR ", any) + "))";
  }

  private String value(Value value, Modifier modifier) {
    if (value instanceof Criteria.StringValue s) {
      return switch (modifier) {
        case EXACT -> "i.s2 = " + arg(s.exact());
        case CONTAINS -> "i.s1 LIKE " + arg("%" + escapeLike(s.normalized()) + "%");
        default -> "i.s1 LIKE " + arg(escapeLike(s.normalized()) + "%");
      };
    }
    if (value instanceof Criteria.TokenValue t) {
      if (modifier == Modifier.TEXT) {
        return "i.s3 LIKE " + arg(escapeLike(t.text()) + "%");
      }
      String code = t.code() == null ? "i.s1 IS NOT NULL" : "i.s1 = " + arg(t.code());
      if (!t.systemGiven()) {
        return code;
      }
      return "(" + code + " AND " + (t.system() == null ? "i.s2 IS NULL" : "i.s2 = " + arg(t.system())) + ")";
    }
    if (value instanceof Criteria.DateValue d) {
      DateRange r = d.range();
      return switch (d.prefix()) {
        case EQ -> "(i.lo >= " + arg(r.lo()) + " AND i.hi <= " + arg(r.hi()) + ")";
        case NE -> "NOT (i.lo >= " + arg(r.lo()) + " AND i.hi <= " + arg(r.hi()) + ")";
        case GT -> "i.hi > " + arg(r.hi());
        case LT -> "i.lo < " + arg(r.lo());
        case GE -> "(i.hi > " + arg(r.hi()) + " OR i.lo >= " + arg(r.lo()) + ")";
        case LE -> "(i.lo < " + arg(r.lo()) + " OR i.hi <= " + arg(r.hi()) + ")";
        case SA -> "i.lo >= " + arg(r.hi());
        case EB -> "i.hi <= " + arg(r.lo());
        case AP -> "(i.lo < " + arg(r.hi()) + " AND i.hi > " + arg(r.lo()) + ")";
      };
    }
    if (value instanceof NumberValue n) {
      return number(n);
    }
    if (value instanceof Criteria.QuantityValue q) {
      StringBuilder sql = new StringBuilder("(").append(number(q.number()));
      if (q.system() != null) {
        sql.append(" AND i.s2 = ").append(arg(q.system()));
      }
      if (q.code() != null) {
        String code = arg(q.code());
        sql.append(q.system() != null ? " AND i.s1 = " + code : " AND (i.s1 = " + code + " OR i.s3 = " + code + ")");
      }
      return sql.append(")").toString();
    }
    if (value instanceof Criteria.ReferenceValue ref) {
      if (ref.id() == null) {
        return "i.s3 = " + arg(ref.url());
      }
      return ref.type() == null ? "i.s1 = " + arg(ref.id()) : "(i.s1 = " + arg(ref.id()) + " AND i.s2 = " + arg(ref.type()) + ")";
    }
    if (value instanceof Criteria.UriValue u) {
      return "i.s1 = " + arg(u.uri());
    }
    throw new IllegalArgumentException("No SQL for " + value);
  }

  private String number(NumberValue n) {
    return switch (n.prefix()) {
      case EQ -> "(i.n >= " + arg(n.lo()) + " AND i.n < " + arg(n.hi()) + ")";
      case NE -> "NOT (i.n >= " + arg(n.lo()) + " AND i.n < " + arg(n.hi()) + ")";
      case GT, SA -> "i.n > " + arg(n.value());
      case LT, EB -> "i.n < " + arg(n.value());
      case GE -> "i.n >= " + arg(n.value());
      case LE -> "i.n <= " + arg(n.value());
      case AP -> {
        String v = arg(n.value());
        yield "abs(i.n - " + v + ") <= abs(" + v + ") * 0.1";
      }
    };
  }

  /** The sort key of a resource, as {@link SortKeys} computes it in memory. */
  private String sortKey(Sort sort) {
    if (sort.param() == null) {
      return sort.name().equals("_lastUpdated") ? "r.last_updated" : "r.id";
    }
    String agg = sort.descending() ? "max" : "min";
    String column = sort.param().type() == ParamType.DATE ? (sort.descending() ? "i.hi" : "i.lo") : "i.s1 COLLATE \"C\"";
    return "(SELECT " + agg + "(" + column + ") FROM search_index i WHERE i.type = r.type AND i.id = r.id"
        + " AND i.param = " + arg(sort.param().name()) + ")";
  }

  private String arg(Object value) {
    args.add(value);
    return "$" + args.size();
  }

  private static String escapeLike(String s) {
    return s.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
  }
}
