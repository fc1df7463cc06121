package io.herald.http;

import io.herald.bus.Addresses;
import io.herald.subscription.Writer;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * How many Subscriptions one client may have ({@code auth.subscriptionsPerClient}): counted in the store, so the limit
 * holds across the cluster. A write that would make one more than that is refused (403); an update of one it has is
 * not. Two writes at once may each see room for one: the limit may be passed by the writes under way.
 */
final class SubscriptionQuota {

  private final StoreClient store;
  private final int limit;

  SubscriptionQuota(StoreClient store, int limit) {
    this.store = store;
    this.limit = limit;
  }

  /** Lets {@code writer} (null: authentication off) write Subscription {@code id} (null: a create). */
  Future<Void> check(Writer writer, String id) {
    if (writer == null) {
      return Future.succeededFuture();
    }
    return count(writer.client(), null).compose(owned -> owned < limit ? Future.succeededFuture()
        : (id == null ? Future.succeededFuture(0L) : count(writer.client(), id)).compose(same -> same > 0
            ? Future.<Void>succeededFuture()
            : Future.failedFuture(Errors.forbidden("Client " + writer.client() + " has " + owned + " Subscriptions, the"
                + " most it may (auth.subscriptionsPerClient); delete one first"))));
  }

  private Future<Long> count(String client, String id) {
    JsonObject params = new JsonObject().put("_tag", new JsonArray().add(Writer.OWNER + "|" + client))
        .put("_summary", new JsonArray().add("count"));
    if (id != null) {
      params.put("_id", new JsonArray().add(id));
    }
    return store.request(Addresses.STORE_SEARCH, new JsonObject().put("type", "Subscription").put("params", params))
        .map(reply -> reply.getLong("total", 0L));
  }
}
