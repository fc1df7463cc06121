package io.herald.deliver;

import io.vertx.core.json.JsonObject;

/** One notification to deliver: the change, and the resource as it wrote it (for a delete, the last version). */
record Notification(long eventNumber, long versionId, String type, String id, String interaction, JsonObject resource) {
}
