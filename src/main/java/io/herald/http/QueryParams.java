package io.herald.http;

import io.vertx.core.MultiMap;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** Query parameters as the store's bus bodies carry them, and back into URLs for paging links. */
final class QueryParams {

  private QueryParams() {
  }

  /** {name: [values in order]}. */
  static JsonObject toJson(MultiMap params) {
    JsonObject json = new JsonObject();
    for (String name : params.names()) {
      json.put(name, new JsonArray(params.getAll(name)));
    }
    return json;
  }

  /** The same query with {@code _cursor} set to {@code cursor}. */
  static String withCursor(MultiMap params, String cursor) {
    StringBuilder query = new StringBuilder();
    for (Map.Entry<String, String> param : params.entries()) {
      if (!param.getKey().equals("_cursor")) {
        append(query, param.getKey(), param.getValue());
      }
    }
    append(query, "_cursor", cursor);
    return query.toString();
  }

  /** The same query at another page of the same snapshot ({@code _snapshot}, {@code _offset}). */
  static String withPage(MultiMap params, long snapshot, int offset) {
    StringBuilder query = new StringBuilder();
    for (Map.Entry<String, String> param : params.entries()) {
      if (!param.getKey().equals("_snapshot") && !param.getKey().equals("_offset")) {
        append(query, param.getKey(), param.getValue());
      }
    }
    append(query, "_snapshot", Long.toString(snapshot));
    append(query, "_offset", Integer.toString(offset));
    return query.toString();
  }

  private static void append(StringBuilder query, String name, String value) {
    query.append(query.length() == 0 ? "" : "&")
        .append(URLEncoder.encode(name, StandardCharsets.UTF_8)).append('=')
        .append(URLEncoder.encode(value, StandardCharsets.UTF_8));
  }
}
