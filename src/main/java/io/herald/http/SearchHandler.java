package io.herald.http;

import io.herald.bus.Addresses;
import io.herald.fhir.Bundles;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * {@code GET /fhir/{type}?criteria}, and {@code POST /fhir/{type}/_search} with the criteria as a form body (for
 * searches longer than a URL may be): a searchset Bundle, its pages all as of the first one's snapshot.
 */
final class SearchHandler {

  /** The most values (parameters, and comma-separated values within them) a form search may have. */
  static final int MAX_VALUES = 1000;

  private final StoreClient store;
  private final Restrictions restrictions;

  SearchHandler(StoreClient store, Restrictions restrictions) {
    this.store = store;
    this.restrictions = restrictions;
  }

  void search(RoutingContext ctx) {
    StoreClient.handle(ctx, () -> search(ctx, ctx.queryParams()));
  }

  /**
   * The form body's parameters and the query's, as one search; its links are GET links of the same search. The
   * body is read here, not by Vert.x's form decoder (which fails on a parameter without a name): at most
   * {@code limit} bytes of printable ASCII, its percent-encoding that of UTF-8.
   */
  void searchPost(RoutingContext ctx, long limit) {
    HttpServerRequest request = ctx.request();
    Buffer body = Buffer.buffer();
    request.exceptionHandler(e -> { });   // the client went away mid-body: nothing to answer
    request.handler(chunk -> {
      if (body.length() + chunk.length() > limit) {
        request.handler(null);
        ctx.response().endHandler(ended -> request.connection().close());   // the rest of the body is not read
        ctx.fail(413);
      } else {
        body.appendBuffer(chunk);
      }
    });
    if ("100-continue".equalsIgnoreCase(request.getHeader("Expect"))) {
      request.response().writeContinue();
    }
    request.endHandler(end -> {
      if (!ctx.failed()) {
        StoreClient.handle(ctx, () -> search(ctx, formParameters(ctx, body)));
      }
    });
    request.resume();
  }

  private static MultiMap formParameters(RoutingContext ctx, Buffer body) {
    String form = body.toString(StandardCharsets.ISO_8859_1).stripTrailing();   // a file's last newline, as curl sends it
    String problem = RequestGuard.unencoded("form body", form);
    if (problem == null) {
      problem = RequestGuard.decodes("form body", form, true);
    }
    if (problem != null) {
      throw Errors.invalid(problem);
    }
    MultiMap params = MultiMap.caseInsensitiveMultiMap().addAll(ctx.queryParams());
    int values = 0;
    for (var param : new QueryStringDecoder(form, StandardCharsets.UTF_8, false, MAX_VALUES + 1, true).parameters().entrySet()) {
      if (!param.getKey().isEmpty()) {   // as a query string's nameless parameter is passed over
        params.add(param.getKey(), param.getValue());
        for (String value : param.getValue()) {
          values += 1 + (int) value.chars().filter(c -> c == ',').count();
        }
      }
    }
    if (values > MAX_VALUES) {
      throw Errors.invalid("The search has " + values + " values; a search may have at most " + MAX_VALUES);
    }
    return params;
  }

  private Future<?> search(RoutingContext ctx, MultiMap params) {
    String type = FhirRequests.type(ctx);
    JsonObject asked = QueryParams.toJson(params);
    String restriction = restrictions.searchQuery(ctx, type);
    if (restriction != null) {   // ANDed with what the caller asks; its links keep only what it asked
      new QueryStringDecoder(restriction, StandardCharsets.UTF_8, false).parameters().forEach((name, values) -> {
        JsonArray all = asked.getJsonArray(name, new JsonArray()).copy();
        values.forEach(all::add);
        asked.put(name, all);
      });
    }
    JsonObject command = new JsonObject().put("type", type).put("params", asked);
    return store.request(Addresses.STORE_SEARCH, command).map(reply -> {
      String base = Responses.base(ctx);
      JsonArray entries = new JsonArray();
      JsonArray resources = reply.getJsonArray("resources");
      for (int i = 0; i < resources.size(); i++) {
        JsonObject resource = resources.getJsonObject(i);
        entries.add(Bundles.searchEntry(base + "/fhir/" + type + "/" + resource.getString("id"), resource));
      }
      String path = base + "/fhir/" + type;
      String next = reply.getInteger("nextOffset") == null ? null : path + "?" + QueryParams.with(params, Map.of(
          "_snapshot", reply.getLong("snapshot").toString(), "_offset", reply.getLong("nextOffset").toString()));
      String query = QueryParams.with(params, Map.of());
      JsonObject bundle = Bundles.bundle("searchset", query.isEmpty() ? path : path + "?" + query, next, entries);
      if (reply.containsKey("total")) {
        bundle.put("total", reply.getLong("total"));
      }
      Responses.json(ctx, 200, bundle);
      return reply;
    });
  }
}
