package io.herald.testing;

import io.vertx.core.json.JsonArray;
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

  /** A Bundle's entries; none when it has no {@code entry} (FHIR JSON writes no empty array). */
  public static JsonArray entries(JsonObject bundle) {
    JsonArray entries = bundle.getJsonArray("entry");
    if (entries != null && entries.isEmpty()) {
      throw new AssertionError("A Bundle with an empty entry array: " + bundle.encode());
    }
    return entries == null ? new JsonArray() : entries;
  }

  public static List<String> ids(JsonObject bundle) {
    List<String> ids = new ArrayList<>();
    entries(bundle).forEach(e -> ids.add(((JsonObject) e).getJsonObject("resource").getString("id")));
    return ids;
  }
}
