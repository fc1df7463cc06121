package io.herald.fhir;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** FHIR {@code Bundle} shapes: history and searchset. */
public final class Bundles {

  private Bundles() {
  }

  public static JsonObject bundle(String type, String selfUrl, String nextUrl, JsonArray entries) {
    JsonArray links = new JsonArray().add(link("self", selfUrl));
    if (nextUrl != null) {
      links.add(link("next", nextUrl));
    }
    JsonObject bundle = new JsonObject()
        .put("resourceType", "Bundle")
        .put("type", type)
        .put("link", links);
    if (!entries.isEmpty()) {   // FHIR JSON never writes an empty array
      bundle.put("entry", entries);
    }
    return bundle;
  }

  /**
   * One history entry. {@code resource} is null for a delete.
   *
   * @param fullUrl  the resource's absolute URL
   * @param method   POST (create), PUT (update) or DELETE
   */
  public static JsonObject historyEntry(String fullUrl, JsonObject resource, String method, String requestUrl,
                                        String status, long versionId, String lastUpdated) {
    JsonObject entry = new JsonObject().put("fullUrl", fullUrl);
    if (resource != null) {
      entry.put("resource", resource);
    }
    return entry
        .put("request", new JsonObject().put("method", method).put("url", requestUrl))
        .put("response", new JsonObject().put("status", status)
            .put("etag", "W/\"" + versionId + "\"").put("lastModified", lastUpdated));
  }

  /**
   * The history entry of one change: a create as POST, an update as PUT, a delete as DELETE (without
   * the resource).
   *
   * @param base     the server's base URL, e.g. {@code http://localhost:8080}
   * @param resource the version the change wrote (ignored for a delete)
   */
  public static JsonObject changeEntry(String base, String type, String id, String interaction, JsonObject resource,
                                       long versionId, String lastUpdated) {
    String ref = type + "/" + id;
    return switch (interaction) {
      case "create" -> historyEntry(base + "/fhir/" + ref, resource, "POST", type, "201 Created", versionId, lastUpdated);
      case "update" -> historyEntry(base + "/fhir/" + ref, resource, "PUT", ref, "200 OK", versionId, lastUpdated);
      default -> historyEntry(base + "/fhir/" + ref, null, "DELETE", ref, "204 No Content", versionId, lastUpdated);
    };
  }

  /**
   * The history entries of the store's change rows ({type, id, interaction, resource, versionId, lastUpdated?};
   * without lastUpdated, the resource's meta.lastUpdated), in their order.
   */
  public static JsonArray changeEntries(String base, JsonArray rows) {
    JsonArray entries = new JsonArray();
    for (int i = 0; i < rows.size(); i++) {
      JsonObject row = rows.getJsonObject(i);
      JsonObject resource = row.getJsonObject("resource");
      String lastUpdated = row.getString("lastUpdated");
      if (lastUpdated == null && resource != null) {
        lastUpdated = resource.getJsonObject("meta", new JsonObject()).getString("lastUpdated");
      }
      entries.add(changeEntry(base, row.getString("type"), row.getString("id"), row.getString("interaction"), resource,
          row.getLong("versionId"), lastUpdated));
    }
    return entries;
  }

  public static JsonObject searchEntry(String fullUrl, JsonObject resource) {
    return new JsonObject().put("fullUrl", fullUrl).put("resource", resource)
        .put("search", new JsonObject().put("mode", "match"));
  }

  private static JsonObject link(String relation, String url) {
    return new JsonObject().put("relation", relation).put("url", url);
  }
}
