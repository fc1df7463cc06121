package io.herald.deliver;

import io.herald.deliver.poll.PollChannel;
import io.herald.deliver.resthook.RestHookChannel;
import io.herald.deliver.resthook.WebhookSecrets;
import io.herald.deliver.websocket.WebSocketChannel;
import io.herald.subscription.Subscriptions;
import io.vertx.core.Vertx;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The registry of channel types: each one's code, its rule for a Subscription's {@code channel}, and, for those that
 * push, the {@link Channel} a worker sends through. Channels that wait to be asked ({@code poll}) have a rule and no
 * pusher. Adding a channel is a line here and its own package.
 */
public final class Channels {

  private Channels() {
  }

  /** Every channel type Herald runs, by code, with its rule, in the order error messages name them. */
  public static Map<String, Subscriptions.ChannelRule> rules() {
    Map<String, Subscriptions.ChannelRule> rules = new LinkedHashMap<>();
    rules.put(RestHookChannel.TYPE, RestHookChannel::check);
    rules.put(PollChannel.TYPE, PollChannel::check);
    rules.put(WebSocketChannel.TYPE, WebSocketChannel::check);
    return rules;
  }

  /** The channel types that push: their receivers acknowledge each notification, and what is unacknowledged is kept. */
  public static Set<String> acknowledging() {
    return Set.of(RestHookChannel.TYPE, WebSocketChannel.TYPE);
  }

  /** The channels that push, by code (those of {@link #acknowledging}). */
  static Map<String, Channel> pushing(Vertx vertx, RetryPolicy policy, TopicNotifications topics, Endpoints endpoints,
                                      WebhookSecrets secrets) {
    return Map.of(RestHookChannel.TYPE, RestHookChannel.create(vertx, policy.timeoutMillis(), topics, endpoints, secrets),
        WebSocketChannel.TYPE, new WebSocketChannel(vertx.eventBus(), topics));
  }
}
