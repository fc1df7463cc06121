package io.herald.subscription;

import io.vertx.core.json.JsonObject;

/**
 * One change matched to one subscription, numbered {@code eventNumber} in that subscription's sequence, with the
 * resource as the change wrote it (for a delete, the last version; null only where it was not carried).
 */
public record Notification(String subscription, long eventNumber, long versionId, String type, String id,
                           String interaction, JsonObject resource) {

  /** The same notification with the resource the change wrote. */
  public Notification withResource(JsonObject content) {
    return new Notification(subscription, eventNumber, versionId, type, id, interaction, content);
  }
}
