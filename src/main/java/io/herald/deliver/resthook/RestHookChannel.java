package io.herald.deliver.resthook;

import io.herald.deliver.Channel;
import io.herald.deliver.Endpoints;
import io.herald.deliver.TopicNotifications;
import io.herald.store.Change;
import io.herald.subscription.Notification;
import io.herald.subscription.Subscription;
import io.herald.subscription.SubscriptionException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;

import java.net.URI;

/**
 * The rest-hook channel. For a criteria subscription, as FHIR R4 defines it and HAPI FHIR sends it: without a payload
 * type, {@code POST {endpoint}} with no body; with one, {@code PUT {endpoint}/{type}/{id}} with the resource as
 * written (a delete: {@code DELETE {endpoint}/{type}/{id}}), with X-Herald-* headers to order and de-duplicate by. For
 * a topic-based one, as the Backport IG has it: {@code POST {endpoint}} with the notification Bundle, its
 * {@code Content-Type} the payload mime type, each attempt timed out after the subscription's timeout when it has
 * one. Every request carries the subscription's headers. A 2xx acknowledges.
 */
public final class RestHookChannel implements Channel {

  public static final String TYPE = "rest-hook";

  private final Vertx vertx;
  private final HttpClientAgent client;
  private final long timeoutMillis;
  private final TopicNotifications topics;
  private final Endpoints endpoints;
  private final WebhookSecrets secrets;

  private RestHookChannel(Vertx vertx, HttpClientAgent client, long timeoutMillis, TopicNotifications topics,
                          Endpoints endpoints, WebhookSecrets secrets) {
    this.secrets = secrets;
    this.vertx = vertx;
    this.client = client;
    this.timeoutMillis = timeoutMillis;
    this.topics = topics;
    this.endpoints = endpoints;
  }

  /**
   * One client for every endpoint: kept-alive connections, up to 200 per endpoint, each request sent to the address
   * {@code endpoints} checked, no redirect followed, signed with the subscription's secret.
   */
  public static RestHookChannel create(Vertx vertx, long timeoutMillis, TopicNotifications topics, Endpoints endpoints,
                                       WebhookSecrets secrets) {
    return new RestHookChannel(vertx, vertx.httpClientBuilder()
        .with(new HttpClientOptions().setKeepAlive(true))
        .with(new PoolOptions().setHttp1MaxSize(200))
        .build(), timeoutMillis, topics, endpoints, secrets);
  }

  /** A rest-hook needs an endpoint. */
  public static void check(Subscription.Channel channel) {
    if (channel.endpoint() == null) {
      throw new SubscriptionException("channel.endpoint is required for rest-hook: an absolute http or https URL");
    }
  }

  @Override
  public Future<Void> send(Subscription subscription, Push push) {
    try {
      return subscription.topic() != null ? notify(subscription, push) : request(subscription, push.events().get(0));
    } catch (RuntimeException e) {   // a request the client would not even build is a failed attempt, never a stuck worker
      return Future.failedFuture(e);
    }
  }

  private Future<Void> notify(Subscription subscription, Push push) {
    Subscription.Channel channel = subscription.channel();
    Subscription.TopicKind kind = subscription.topic();
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setAbsoluteURI(channel.endpoint())
        .setTimeout(kind.timeoutSeconds() > 0 ? kind.timeoutSeconds() * 1000L : timeoutMillis)
        .putHeader(HttpHeaders.USER_AGENT, "Herald")
        .putHeader(HttpHeaders.CONTENT_TYPE, channel.payload() == null ? "application/fhir+json" : channel.payload());
    for (Subscription.Header header : channel.headers()) {
      options.putHeader(header.name(), header.value());
    }
    return exchange(subscription.id(), options, channel.endpoint(), topics.bundle(subscription, push).toBuffer(),
        "POST " + channel.endpoint());
  }

  /**
   * Sends one request to {@code url}'s checked address ({@link Endpoints}), signed ({@link Signatures}); a 2xx
   * acknowledges, anything else fails naming {@code what} was sent. Never sent unsigned.
   */
  private Future<Void> exchange(String subscription, RequestOptions options, String url, Buffer body, String what) {
    return secrets.of(subscription).compose(secret -> endpoints.address(vertx, URI.create(url))
            .map(server -> options.setServer(server).setFollowRedirects(false)
                .putHeader(Signatures.HEADER, Signatures.sign(secret, System.currentTimeMillis() / 1000,
                    options.getMethod().name(), options.getURI(), body))))
        .compose(client::request)
        .compose(request -> body == null ? request.send() : request.send(body))
        .compose(response -> response.body().compose(ignored -> response.statusCode() / 100 == 2
            ? Future.<Void>succeededFuture()
            : Future.failedFuture(what + " answered " + response.statusCode())));
  }

  private Future<Void> request(Subscription subscription, Notification n) {
    Subscription.Channel channel = subscription.channel();
    Change change = n.change();
    HttpMethod method;
    String url;
    if (channel.payload() == null) {
      method = HttpMethod.POST;
      url = channel.endpoint();
    } else {
      method = change.interaction().equals("delete") ? HttpMethod.DELETE : HttpMethod.PUT;
      url = resourceUrl(channel.endpoint(), change.type() + "/" + change.id());
    }
    RequestOptions options = new RequestOptions().setMethod(method).setAbsoluteURI(url).setTimeout(timeoutMillis)
        .putHeader(HttpHeaders.USER_AGENT, "Herald");
    for (Subscription.Header header : channel.headers()) {
      options.putHeader(header.name(), header.value());
    }
    options.putHeader("X-Herald-Subscription", subscription.id())
        .putHeader("X-Herald-Event-Number", Long.toString(n.eventNumber()))
        .putHeader("X-Herald-Version-Id", Long.toString(change.versionId()))
        .putHeader("X-Herald-Interaction", change.interaction());
    Buffer body = null;
    if (method == HttpMethod.PUT) {
      options.putHeader(HttpHeaders.CONTENT_TYPE, channel.payload());
      body = change.resource().toBuffer();
    }
    return exchange(subscription.id(), options, url, body, method + " " + url);
  }

  /** {@code {endpoint}/{reference}}, the reference appended to the endpoint's path and its query kept after it. */
  static String resourceUrl(String endpoint, String reference) {
    int query = endpoint.indexOf('?');
    String path = query < 0 ? endpoint : endpoint.substring(0, query);
    String rest = query < 0 ? "" : endpoint.substring(query);
    return (path.endsWith("/") ? path : path + "/") + reference + rest;
  }
}
