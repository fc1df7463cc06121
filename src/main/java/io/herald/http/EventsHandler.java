package io.herald.http;

import io.herald.bus.Addresses;
import io.herald.fhir.NotificationBundles;
import io.herald.fhir.SubscriptionStatuses;
import io.herald.subscription.Statuses;
import io.herald.subscription.Subscription;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * {@code GET /fhir/Subscription/{id}/$events[?eventsSinceNumber=][&eventsUntilNumber=][&content=]}, as the Backport
 * IG has it: a {@code history} Bundle, the status first ({@code query-event}, in the subscription's shape), then the
 * events numbered in that range (inclusive) that are still kept, each entry as {@code content} says (default: the
 * subscription's payload content). At most {@value #MAX_EVENTS} events; a {@code next} link reads on.
 */
final class EventsHandler {

  static final int MAX_EVENTS = 1000;
  private static final Set<String> PARAMETERS = Set.of("eventsSinceNumber", "eventsUntilNumber", "content", "_format",
      "_pretty");

  private final StoreClient client;

  EventsHandler(StoreClient client) {
    this.client = client;
  }

  void events(RoutingContext ctx) {
    StoreClient.handle(ctx, () -> {
      String id = FhirRequests.id(ctx);
      for (String name : ctx.queryParams().names()) {
        if (!PARAMETERS.contains(name)) {
          throw Errors.invalid("$events does not take '" + name + "': it takes eventsSinceNumber, eventsUntilNumber, content");
        }
      }
      long since = number(ctx, "eventsSinceNumber", 1);
      long until = number(ctx, "eventsUntilNumber", Long.MAX_VALUE);
      String content = ctx.queryParams().get("content");
      if (content != null && !Subscription.TopicKind.CONTENTS.contains(content)) {
        throw Errors.invalid("$events parameter 'content': '" + content + "' is not one of empty, id-only, full-resource");
      }
      JsonObject request = new JsonObject().put("id", id).put("since", since).put("until", until).put("limit", MAX_EVENTS);
      return client.request(Addresses.SUBSCRIPTION_EVENTS, request).map(reply -> {
        if (reply.getJsonObject("status") == null) {
          throw Errors.notFound("No Subscription/" + id);
        }
        Statuses.Status status = Statuses.Status.fromJson(reply.getJsonObject("status"));
        if (status.deleted()) {
          throw Errors.gone("Subscription/" + id + " is deleted");
        }
        List<NotificationBundles.Event> events = new ArrayList<>();
        for (Object o : reply.getJsonArray("notifications")) {
          JsonObject n = (JsonObject) o;
          events.add(new NotificationBundles.Event(n.getLong("eventNumber"), n.getLong("versionId"), n.getString("type"),
              n.getString("id"), n.getString("interaction"), n.getString("lastUpdated"), n.getJsonObject("resource")));
        }
        String base = Responses.base(ctx);
        String told = content != null ? content : status.content() != null ? status.content() : "full-resource";
        SubscriptionStatuses.Status about = new SubscriptionStatuses.Status(base + "/fhir/Subscription/" + id,
            status.topic(), status.status(), "query-event", status.events(), List.of(), status.error());
        JsonObject bundle = NotificationBundles.of(base, id, about, told, events, status.r4b());
        String self = base + ctx.request().path() + (ctx.request().query() == null ? "" : "?" + ctx.request().query());
        JsonArray links = new JsonArray().add(new JsonObject().put("relation", "self").put("url", self));
        if (events.size() == MAX_EVENTS) {
          long next = events.get(events.size() - 1).eventNumber() + 1;
          links.add(new JsonObject().put("relation", "next").put("url", base + ctx.request().path()
              + "?eventsSinceNumber=" + next + (until == Long.MAX_VALUE ? "" : "&eventsUntilNumber=" + until)
              + (content == null ? "" : "&content=" + content)));
        }
        bundle.put("link", links);
        Responses.json(ctx, 200, bundle);
        return reply;
      });
    });
  }

  private static long number(RoutingContext ctx, String name, long absent) {
    String value = ctx.queryParams().get(name);
    if (value == null) {
      return absent;
    }
    try {
      long n = Long.parseLong(value.trim());
      if (n < 1) {
        throw new NumberFormatException();
      }
      return n;
    } catch (NumberFormatException e) {
      throw Errors.invalid("$events parameter '" + name + "': '" + value + "' is not an event number (1, 2, 3...)");
    }
  }
}
