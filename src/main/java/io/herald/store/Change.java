package io.herald.store;

import io.vertx.core.json.JsonObject;

import java.time.OffsetDateTime;

/**
 * One committed change.
 *
 * @param changedAt when it was committed ({@code meta.lastUpdated}); null on a change taken from the matcher's
 *                  announcement, which delivery reads without it
 * @param resource the version written; for a delete, the last version before it
 * @param previous the version before this change, where there is one (null for a create), from a change feed asked
 *                 for it (matchers that compare the two); null otherwise, and on a change read back for delivery
 */
public record Change(long versionId, String type, String id, String interaction, OffsetDateTime changedAt,
                     JsonObject resource, JsonObject previous) {
}
