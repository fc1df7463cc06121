package io.herald.deliver.poll;

import io.herald.bus.Failures;
import io.herald.bus.Refusal;
import io.herald.database.Outage;
import io.herald.fhir.Instants;
import io.herald.subscription.Notification;
import io.herald.subscription.Notifications;
import io.herald.subscription.Statuses;
import io.herald.subscription.Subscription;
import io.vertx.core.Future;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The poll channel: nothing is pushed; a client asks for the notifications after a versionId ({@code $poll}) and
 * waits for them ({@link PollWaiters}). This answers the reads, on every node, from the notifications the matcher
 * numbered.
 */
public final class PollChannel {

  public static final String TYPE = "poll";

  private static final Logger LOG = Logger.getLogger(PollChannel.class.getName());

  private final Notifications notifications;

  public PollChannel(Notifications notifications) {
    this.notifications = notifications;
  }

  /** A poll subscription needs nothing beyond the common fields. */
  public static void check(Subscription.Channel channel) {
  }

  /** A notification read from the database, as the bus carries it: {eventNumber, versionId, type, id, interaction,
   * lastUpdated, resource}. */
  public static JsonObject entry(Notification n) {
    return new JsonObject().put("eventNumber", n.eventNumber()).put("versionId", n.change().versionId())
        .put("type", n.change().type()).put("id", n.change().id()).put("interaction", n.change().interaction())
        .put("lastUpdated", Instants.format(n.change().changedAt()))
        .put("resource", n.change().resource());
  }

  /**
   * Answers {@code $events} ({@link io.herald.bus.Addresses#SUBSCRIPTION_EVENTS}): the subscription as it stands, and its
   * kept notifications in the range asked for. Like a poll, a read of the notifications the matcher numbered.
   */
  public static void events(Statuses statuses, Notifications notifications, Message<JsonObject> message) {
    JsonObject body = message.body();
    String id = body.getString("id");
    statuses.of(List.of(id), null, 1).compose(found -> found.isEmpty() ? Future.succeededFuture(new JsonObject())
            : notifications.between(id, body.getLong("since"), body.getLong("until"), body.getInteger("limit")).map(read -> {
              JsonArray told = new JsonArray();
              read.stream().filter(n -> n.change() != null).forEach(n -> told.add(entry(n)));
              return new JsonObject().put("status", found.get(0).toJson()).put("notifications", told);
            }))
        .onSuccess(message::reply)
        .onFailure(e -> message.fail(Failures.UNAVAILABLE, "Cannot read the subscription's events: " + e.getMessage()));
  }

  /**
   * Answers a read ({@code herald.deliver.poll}: {subscription, from?, count}) with {entries[{eventNumber, versionId,
   * type, id, interaction, lastUpdated, resource}], more}.
   */
  public void answer(Message<JsonObject> message) {
    JsonObject body = message.body();
    String id = body.getString("subscription");
    Future<Notifications.Page> page;
    try {
      page = notifications.poll(id, body.getLong("from"), body.getInteger("count"));
    } catch (RuntimeException e) {
      page = Future.failedFuture(e);
    }
    page.onComplete(read -> {
      if (read.succeeded()) {
        JsonArray entries = new JsonArray();
        for (Notification n : read.result().notifications()) {
          if (n.change() != null) {
            entries.add(entry(n));
          }
        }
        message.reply(new JsonObject().put("entries", entries).put("more", read.result().more()));
      } else if (read.cause() instanceof Refusal refusal) {
        message.fail(refusal.code, refusal.getMessage());
      } else if (Outage.of(read.cause()) != Outage.NONE) {
        LOG.log(Level.WARNING, "Reading the notifications of Subscription/" + id + " failed: the database is out of reach: "
            + read.cause());
        message.fail(Failures.UNAVAILABLE, "The database is out of reach for now (" + read.cause().getMessage()
            + "); nothing was done, try again");
      } else {
        LOG.log(Level.SEVERE, "Reading the notifications of Subscription/" + id + " failed", read.cause());
        message.fail(Failures.STORE_ERROR, "The notifications could not be read: " + read.cause().getMessage());
      }
    });
  }
}
