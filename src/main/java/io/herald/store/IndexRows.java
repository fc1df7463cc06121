package io.herald.store;

import io.herald.criteria.Extractor;
import io.herald.criteria.IndexValue;
import io.herald.criteria.Registry;
import io.herald.criteria.SearchParameter;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.List;
import java.util.Map;

/** A resource's search index rows ({@code search_index}, see db/V2__search_index.sql), as herald_write takes them. */
final class IndexRows {

  private IndexRows() {
  }

  static JsonArray of(JsonObject resource, Registry registry) {
    JsonArray rows = new JsonArray();
    for (Map.Entry<SearchParameter, List<IndexValue>> e : Extractor.index(PlainJson.of(resource), registry).entrySet()) {
      String param = e.getKey().name();
      for (IndexValue v : e.getValue()) {
        rows.add(row(param, v));
      }
    }
    return rows;
  }

  private static JsonObject row(String param, IndexValue value) {
    JsonObject row = new JsonObject().put("p", param);
    if (value instanceof IndexValue.Str s) {
      row.put("s1", s.normalized()).put("s2", s.exact());
    } else if (value instanceof IndexValue.Token t) {
      row.put("s1", t.code()).put("s2", t.system()).put("s3", t.text());
    } else if (value instanceof IndexValue.Date d) {
      row.put("lo", d.lo()).put("hi", d.hi());
    } else if (value instanceof IndexValue.Num n) {
      row.put("n", n.value());
    } else if (value instanceof IndexValue.Quantity q) {
      row.put("n", q.value()).put("s1", q.code()).put("s2", q.system()).put("s3", q.unit());
    } else if (value instanceof IndexValue.Reference r) {
      row.put("s1", r.id()).put("s2", r.type()).put("s3", r.url());
    } else if (value instanceof IndexValue.Uri u) {
      row.put("s1", u.uri());
    }
    return row;
  }
}
