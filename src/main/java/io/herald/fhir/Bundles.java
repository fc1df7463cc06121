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
    return new JsonObject()
        .put("resourceType", "Bundle")
        .put("type", type)
        .put("link", links)
        .put("entry", entries);
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

  public static JsonObject searchEntry(String fullUrl, JsonObject resource) {
    return new JsonObject().put("fullUrl", fullUrl).put("resource", resource)
        .put("search", new JsonObject().put("mode", "match"));
  }

  private static JsonObject link(String relation, String url) {
    return new JsonObject().put("relation", relation).put("url", url);
  }
}
