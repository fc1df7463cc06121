package io.herald.store;

import io.herald.criteria.DateRange;
import io.herald.criteria.SearchRequest;
import io.herald.criteria.SearchRequest.Comparison;
import io.herald.criteria.SearchRequest.Condition;
import io.herald.criteria.SearchRequest.IdIn;
import io.herald.criteria.SearchRequest.LastUpdated;
import io.vertx.sqlclient.Tuple;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/** Turns a {@link SearchRequest} into SQL over the {@code resource} table, with parameters. */
final class SearchSql {

  private final StringBuilder where = new StringBuilder("type = $1 AND NOT deleted");
  private final List<Object> args = new ArrayList<>();

  private SearchSql(String type) {
    args.add(type);
  }

  /** The page query: ordered by id, one row more than the page to tell whether another follows. */
  static Query page(SearchRequest request) {
    SearchSql sql = conditions(request);
    if (request.afterId() != null) {
      sql.where.append(" AND id > ").append(sql.arg(request.afterId()));
    }
    String limit = sql.arg(request.count() + 1);
    return new Query("SELECT content FROM resource WHERE " + sql.where + " ORDER BY id LIMIT " + limit, sql.tuple());
  }

  static Query count(SearchRequest request) {
    SearchSql sql = conditions(request);
    return new Query("SELECT count(*) FROM resource WHERE " + sql.where, sql.tuple());
  }

  private static SearchSql conditions(SearchRequest request) {
    SearchSql sql = new SearchSql(request.type());
    for (Condition condition : request.conditions()) {
      sql.where.append(" AND ");
      if (condition instanceof IdIn in) {
        sql.where.append("id = ANY(").append(sql.arg(in.ids().toArray(String[]::new))).append(")");
      } else if (condition instanceof LastUpdated lastUpdated) {
        List<String> any = new ArrayList<>();
        for (Comparison c : lastUpdated.anyOf()) {
          any.add(sql.compare("last_updated", c));
        }
        sql.where.append("(").append(String.join(" OR ", any)).append(")");
      }
    }
    return sql;
  }

  private String compare(String column, Comparison c) {
    DateRange r = c.range();
    return switch (c.prefix()) {
      case EQ -> "(" + column + " >= " + arg(time(r.start())) + " AND " + column + " < " + arg(time(r.end())) + ")";
      case NE -> "(" + column + " < " + arg(time(r.start())) + " OR " + column + " >= " + arg(time(r.end())) + ")";
      case GT, SA -> column + " >= " + arg(time(r.end()));
      case LT, EB -> column + " < " + arg(time(r.start()));
      case GE -> column + " >= " + arg(time(r.start()));
      case LE -> column + " < " + arg(time(r.end()));
    };
  }

  private static OffsetDateTime time(java.time.Instant instant) {
    return instant.atOffset(ZoneOffset.UTC);
  }

  private String arg(Object value) {
    args.add(value);
    return "$" + args.size();
  }

  private Tuple tuple() {
    return Tuple.from(args);
  }

  record Query(String sql, Tuple args) {
  }
}
