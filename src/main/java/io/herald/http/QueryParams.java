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

  /** The same query with the given parameters set (replacing any of theirs), for next links. */
  static String with(MultiMap params, Map<String, String> replacements) {
    StringBuilder query = new StringBuilder();
    for (Map.Entry<String, String> param : params.entries()) {
      if (!replacements.containsKey(param.getKey())) {
        append(query, param.getKey(), param.getValue());
      }
    }
    replacements.forEach((name, value) -> append(query, name, value));
    return query.toString();
  }

  private static void append(StringBuilder query, String name, String value) {
    query.append(query.length() == 0 ? "" : "&")
        .append(URLEncoder.encode(name, StandardCharsets.UTF_8)).append('=')
        .append(URLEncoder.encode(value, StandardCharsets.UTF_8));
  }
}
