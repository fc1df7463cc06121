package io.herald;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Handler;
import io.vertx.core.VertxBuilder;
import io.vertx.core.VertxOptions;
import io.vertx.ext.web.RoutingContext;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.micrometer.PrometheusScrapingHandler;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * One node's metrics, scraped by Prometheus at {@code /metrics}: Vert.x's own (HTTP requests, event bus, pools: the
 * Vert.x instance built with {@link #instrument}) and Herald's, named {@code herald_*}: changes matched, notifications
 * numbered, delivered, failed and retried per channel, delivery lag (commit to acknowledgement) per subscription
 * family, live subscriptions and sockets, cluster members.
 */
public final class Metrics {

  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

  /** The Vert.x instance {@code builder} builds reports its own metrics here too. */
  public VertxBuilder instrument(VertxBuilder builder) {
    return builder.with(new VertxOptions().setMetricsOptions(new MicrometerMetricsOptions().setEnabled(true)))
        .withMetrics(new MicrometerMetricsFactory(registry));
  }

  /** The {@code /metrics} route: the Prometheus text format. */
  public Handler<RoutingContext> scrape() {
    return PrometheusScrapingHandler.create(registry);
  }

  private final Counter matched = Counter.builder("herald.changes.matched")
      .description("Changes the matcher has read and matched").register(registry);
  private final Counter numbered = Counter.builder("herald.notifications.numbered")
      .description("Notifications numbered (matched changes)").register(registry);
  private final Map<String, Counter> delivered = new ConcurrentHashMap<>();
  private final Map<String, Counter> failures = new ConcurrentHashMap<>();
  private final Map<String, Counter> retries = new ConcurrentHashMap<>();
  private final Map<String, Timer> lag = new ConcurrentHashMap<>();

  /** The matcher committed a batch: {@code changes} read, {@code notifications} numbered. */
  public void matched(int changes, int notifications) {
    matched.increment(changes);
    numbered.increment(notifications);
  }

  /**
   * A channel's receiver acknowledged {@code count} notifications of a subscription of {@code family}
   * ({@code criteria} or {@code topic}), the oldest committed {@code lagMillis} ago (-1: not known).
   */
  public void delivered(String channel, String family, int count, long lagMillis) {
    delivered.computeIfAbsent(channel, c -> Counter.builder("herald.notifications.delivered")
        .description("Notifications acknowledged by their receivers").tag("channel", c).register(registry)).increment(count);
    if (lagMillis >= 0) {
      lag.computeIfAbsent(family, f -> Timer.builder("herald.delivery.lag")
              .description("From a change's commit to its notification's acknowledgement").tag("family", f)
              .publishPercentileHistogram().register(registry))
          .record(Duration.ofMillis(lagMillis));
    }
  }

  /** An attempt on {@code channel} failed; {@code retried}: it is tried again (else delivery gave up). */
  public void failed(String channel, boolean retried) {
    failures.computeIfAbsent(channel, c -> Counter.builder("herald.delivery.failures")
        .description("Failed delivery attempts").tag("channel", c).register(registry)).increment();
    if (retried) {
      retries.computeIfAbsent(channel, c -> Counter.builder("herald.delivery.retries")
          .description("Delivery attempts scheduled again after a failure").tag("channel", c).register(registry)).increment();
    }
  }

  /** A value read when scraped, e.g. {@code herald.live.sockets}. */
  public void gauge(String name, String description, Supplier<Number> value) {
    Gauge.builder(name, value).description(description).register(registry);
  }
}
