package io.herald.store;

import io.herald.criteria.Extractor;
import io.herald.criteria.IndexValue;
import io.herald.criteria.SearchRequest.Sort;

import java.time.OffsetDateTime;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * Sort keys computed in memory exactly as {@link SearchSql} computes them in SQL (min of the
 * values ascending, max descending; dates by their range; text in code-point order), so
 * resources found by the two can be merged into one order.
 */
final class SortKeys {

  private SortKeys() {
  }

  /** A resource with its sort key: a String, a Long (epoch ms) or null (no value; sorts last). */
  record Keyed(String id, Object key, io.vertx.core.json.JsonObject content) {
  }

  static Object of(Sort sort, String id, Map<String, Object> resource) {
    if (sort.param() == null) {
      if (sort.name().equals("_id")) {
        return id;
      }
      Object meta = resource.get("meta");
      Object lastUpdated = meta instanceof Map<?, ?> m ? m.get("lastUpdated") : null;
      return lastUpdated == null ? null : OffsetDateTime.parse((String) lastUpdated).toInstant().toEpochMilli();
    }
    List<IndexValue> values = Extractor.extract(resource, sort.param());
    Object best = null;
    for (IndexValue v : values) {
      Object k = null;
      if (v instanceof IndexValue.Date d) {
        k = sort.descending() ? d.hi() : d.lo();
      } else if (v instanceof IndexValue.Str s) {
        k = s.normalized();
      } else if (v instanceof IndexValue.Token t) {
        k = t.code();
      }
      if (k != null && (best == null || (sort.descending() ? compare(k, best) > 0 : compare(k, best) < 0))) {
        best = k;
      }
    }
    return best;
  }

  /** The key SQL returned in column k, in the form {@link #of} gives. */
  static Object fromSql(Object k) {
    return k instanceof OffsetDateTime t ? t.toInstant().toEpochMilli() : k;
  }

  static Comparator<Keyed> order(Sort sort) {
    Comparator<Keyed> byKey = (a, b) -> {
      if (a.key() == null || b.key() == null) {
        return a.key() == null ? (b.key() == null ? 0 : 1) : -1;   // no value: last either way
      }
      int c = compare(a.key(), b.key());
      return sort.descending() ? -c : c;
    };
    return byKey.thenComparing(Keyed::id, SortKeys::codePoints);
  }

  /** Strings by code point, as PostgreSQL's "C" collation orders them; numbers numerically. */
  @SuppressWarnings("unchecked")
  private static int compare(Object a, Object b) {
    if (a instanceof String x && b instanceof String y) {
      return codePoints(x, y);
    }
    return ((Comparable<Object>) a).compareTo(b);
  }

  static int codePoints(String x, String y) {
    int i = 0;
    int j = 0;
    while (i < x.length() && j < y.length()) {
      int a = x.codePointAt(i);
      int b = y.codePointAt(j);
      if (a != b) {
        return Integer.compare(a, b);
      }
      i += Character.charCount(a);
      j += Character.charCount(b);
    }
    return Integer.compare(x.length() - i, y.length() - j);
  }
}
