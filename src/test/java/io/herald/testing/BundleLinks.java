package io.herald.testing;

import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;

/** What tests read off a Bundle: its links and the ids of its entries. */
public final class BundleLinks {

  private BundleLinks() {
  }

  public static String link(JsonObject bundle, String relation) {
    return bundle.getJsonArray("link").stream().map(JsonObject.class::cast)
        .filter(l -> l.getString("relation").equals(relation)).map(l -> l.getString("url")).findFirst().orElse(null);
  }

  public static List<String> ids(JsonObject bundle) {
    List<String> ids = new ArrayList<>();
    bundle.getJsonArray("entry").forEach(e -> ids.add(((JsonObject) e).getJsonObject("resource").getString("id")));
    return ids;
  }
}
