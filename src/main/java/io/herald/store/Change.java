package io.herald.store;

import io.vertx.core.json.JsonObject;

import java.time.OffsetDateTime;

/**
 * One committed change, as the feed hands it out.
 *
 * @param resource the version written; for a delete, the last version before it
 */
public record Change(long versionId, String type, String id, String interaction, OffsetDateTime changedAt,
                     JsonObject resource) {
}
