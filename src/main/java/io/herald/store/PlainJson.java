package io.herald.store;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Vert.x JSON as plain maps and lists, the form the criteria package reads. */
public final class PlainJson {

  private PlainJson() {
  }

  @SuppressWarnings("unchecked")
  public static Map<String, Object> of(JsonObject json) {
    return (Map<String, Object>) plain(json);
  }

  /** A JSON value (object, array or scalar) as plain maps, lists and scalars. */
  public static Object plain(Object value) {
    if (value instanceof JsonObject o) {
      value = o.getMap();
    } else if (value instanceof JsonArray a) {
      value = a.getList();
    }
    if (value instanceof Map<?, ?> map) {
      Map<String, Object> out = new LinkedHashMap<>(map.size());
      map.forEach((k, v) -> out.put((String) k, plain(v)));
      return out;
    }
    if (value instanceof List<?> list) {
      List<Object> out = new ArrayList<>(list.size());
      list.forEach(v -> out.add(plain(v)));
      return out;
    }
    return value;
  }
}
