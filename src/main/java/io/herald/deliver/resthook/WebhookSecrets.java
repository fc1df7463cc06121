package io.herald.deliver.resthook;

import io.herald.auth.Secrets;
import io.herald.bus.Addresses;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The secrets rest-hook requests are signed with, one per subscription, in PostgreSQL: made when a subscription is
 * written (shown that once), replaced on request, read by the deliverer and kept until one is replaced on any node
 * ({@link Addresses#WEBHOOK_SECRET_CHANGED}). A subscription that has none (written into the database directly, or
 * before its requests were signed) is given one at its first delivery, which {@code $rotate-secret} replaces with one
 * its owner is shown: its deliveries go on meanwhile. Confined to the deliverer's event loop.
 */
public final class WebhookSecrets {

  static final String MAKE = "INSERT INTO webhook_secret (subscription_id, secret) VALUES ($1, $2)"
      + " ON CONFLICT (subscription_id) DO NOTHING RETURNING secret";
  static final String ROTATE = "INSERT INTO webhook_secret (subscription_id, secret) VALUES ($1, $2)"
      + " ON CONFLICT (subscription_id) DO UPDATE SET secret = excluded.secret, created_at = now() RETURNING secret";
  /** The secret of $1, made ($2) when it has none: one statement, whoever makes it first. */
  static final String READ_OR_MAKE = "INSERT INTO webhook_secret (subscription_id, secret) VALUES ($1, $2)"
      + " ON CONFLICT (subscription_id) DO UPDATE SET secret = webhook_secret.secret RETURNING secret";

  private final Vertx vertx;
  private final Pool pool;
  private final Map<String, String> known = new HashMap<>();
  private long changes;   // secrets replaced so far: a read that began before one is not kept

  public WebhookSecrets(Vertx vertx, Pool pool) {
    this.vertx = vertx;
    this.pool = pool;
  }

  /** Answers the HTTP verticles ({@link Addresses#WEBHOOK_SECRET_MAKE}, {@code ROTATE}) and follows changes. */
  public Future<Void> start() {
    return Future.all(List.of(
        vertx.eventBus().<JsonObject>localConsumer(Addresses.WEBHOOK_SECRET_MAKE, m -> write(MAKE, m.body().getString("subscription"))
            .onComplete(made -> reply(m, made))).completion(),
        vertx.eventBus().<JsonObject>localConsumer(Addresses.WEBHOOK_SECRET_ROTATE, m -> write(ROTATE, m.body().getString("subscription"))
            .onComplete(made -> reply(m, made))).completion(),
        vertx.eventBus().<JsonObject>consumer(Addresses.WEBHOOK_SECRET_CHANGED, m -> forget(m.body().getString("subscription")))
            .completion())).mapEmpty();
  }

  private void forget(String subscription) {
    known.remove(subscription);
    changes++;
  }

  private static void reply(Message<JsonObject> message, AsyncResult<String> made) {
    if (made.succeeded()) {
      message.reply(made.result() == null ? new JsonObject() : new JsonObject().put("secret", made.result()));
    } else {
      message.fail(500, made.cause().getMessage());
    }
  }

  /** A new secret for {@code subscription} ({@code MAKE}: only when it has none); the secret written, or null. */
  private Future<String> write(String sql, String subscription) {
    return pool.preparedQuery(sql).execute(Tuple.of(subscription, Secrets.make())).map(rows -> {
      String secret = rows.size() == 0 ? null : rows.iterator().next().getString("secret");
      if (secret != null) {
        forget(subscription);
        vertx.eventBus().publish(Addresses.WEBHOOK_SECRET_CHANGED, new JsonObject().put("subscription", subscription));
      }
      return secret;
    });
  }

  /** The secret of {@code subscription} (made now when it has none). */
  public Future<String> of(String subscription) {
    String secret = known.get(subscription);
    if (secret != null) {
      return Future.succeededFuture(secret);
    }
    long before = changes;
    return pool.preparedQuery(READ_OR_MAKE).execute(Tuple.of(subscription, Secrets.make())).map(rows -> {
      String read = rows.size() == 0 ? null : rows.iterator().next().getString("secret");
      if (read != null && changes == before) {
        known.put(subscription, read);
      }
      return read;
    });
  }
}
