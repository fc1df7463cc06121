package io.herald.deliver;

import io.herald.subscription.Notification;
import io.herald.subscription.SubscriptionSpec;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.WebClient;

/**
 * One rest-hook request, as FHIR R4 defines it and HAPI FHIR sends it: without a payload type,
 * {@code POST {endpoint}} with no body; with one, {@code PUT {endpoint}/{type}/{id}} with the
 * resource as written (a delete: {@code DELETE {endpoint}/{type}/{id}}). Every request carries the
 * subscription's headers and X-Herald-* headers to order and de-duplicate by. A 2xx acknowledges.
 */
final class RestHook {

  private final WebClient client;
  private final long timeoutMillis;

  RestHook(WebClient client, long timeoutMillis) {
    this.client = client;
    this.timeoutMillis = timeoutMillis;
  }

  /** Succeeds when the endpoint acknowledged with a 2xx; fails with why not. */
  Future<Void> send(String subscription, SubscriptionSpec spec, Notification n) {
    try {
      return request(subscription, spec, n);
    } catch (RuntimeException e) {   // a request the client would not even build is a failed attempt, never a stuck worker
      return Future.failedFuture(e);
    }
  }

  private Future<Void> request(String subscription, SubscriptionSpec spec, Notification n) {
    String endpoint = spec.endpoint().endsWith("/") ? spec.endpoint().substring(0, spec.endpoint().length() - 1) : spec.endpoint();
    HttpMethod method;
    String url;
    if (spec.payload() == null) {
      method = HttpMethod.POST;
      url = spec.endpoint();
    } else {
      method = n.interaction().equals("delete") ? HttpMethod.DELETE : HttpMethod.PUT;
      url = endpoint + "/" + n.type() + "/" + n.id();
    }
    HttpRequest<Buffer> request = client.requestAbs(method, url).timeout(timeoutMillis);
    for (String[] header : spec.headers()) {
      request.putHeader(header[0], header[1]);
    }
    request.putHeader("X-Herald-Subscription", subscription)
        .putHeader("X-Herald-Event-Number", Long.toString(n.eventNumber()))
        .putHeader("X-Herald-Version-Id", Long.toString(n.versionId()))
        .putHeader("X-Herald-Interaction", n.interaction());
    Future<io.vertx.ext.web.client.HttpResponse<Buffer>> sent;
    if (method == HttpMethod.PUT) {
      sent = request.putHeader("Content-Type", spec.payload()).sendBuffer(n.resource().toBuffer());
    } else {
      sent = request.send();
    }
    return sent.compose(response -> response.statusCode() / 100 == 2 ? Future.<Void>succeededFuture()
        : Future.failedFuture(method + " " + url + " answered " + response.statusCode()));
  }
}
