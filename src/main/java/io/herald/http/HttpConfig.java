package io.herald.http;

import io.herald.Config;
import io.vertx.core.json.JsonObject;

/**
 * The HTTP layer's slice of the configuration.
 *
 * @param bodyLimitBytes          larger request bodies get 413
 * @param shutdownTimeoutSeconds  how long in-flight requests may take to finish on shutdown
 * @param maxPollSeconds          the longest {@code $poll} timeout a client may ask for
 * @param headerTimeoutSeconds    a connection whose first request head is not complete this long after it opened is closed
 * @param keepAliveSeconds        a connection idle this long between requests is closed
 * @param socketQueueBytes        how much a SockJS socket's outgoing queue may hold before it overflows
 * @param subscriptionsPerSocket  how many live subscriptions one SockJS socket may make
 */
public record HttpConfig(String host, int port, int instances, long bodyLimitBytes, int shutdownTimeoutSeconds,
                         int maxPollSeconds, int headerTimeoutSeconds, int keepAliveSeconds, int socketQueueBytes,
                         int subscriptionsPerSocket) {

  public static HttpConfig from(JsonObject http) {
    return new HttpConfig(http.getString("host", "0.0.0.0"),
        Config.integer(http, "port", 0, 65535),
        Config.integer(http, "instances", 1, 64),
        Config.integer(http, "bodyLimitBytes", 1, Integer.MAX_VALUE),
        Config.integer(http, "shutdownTimeoutSeconds", 0, 3600),
        Config.integer(http, "maxPollSeconds", 1, 3600),
        Config.integer(http, "headerTimeoutSeconds", 1, 3600),
        Config.integer(http, "keepAliveSeconds", 1, 3600),
        Config.integer(http, "socketQueueBytes", 1024, Integer.MAX_VALUE),
        Config.integer(http, "subscriptionsPerSocket", 1, 100_000));
  }

  public HttpConfig withPort(int newPort) {
    return new HttpConfig(host, newPort, instances, bodyLimitBytes, shutdownTimeoutSeconds, maxPollSeconds,
        headerTimeoutSeconds, keepAliveSeconds, socketQueueBytes, subscriptionsPerSocket);
  }
}
