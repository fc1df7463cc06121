package io.herald.http;

import io.herald.Herald;
import io.herald.bus.Addresses;
import io.herald.criteria.CriteriaParser;
import io.herald.criteria.Registry;
import io.herald.fhir.CapabilityStatements;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.concurrent.TimeUnit;

/** FHIR REST over HTTP: wiring only; the work is in one handler class per route family. */
public final class HttpVerticle extends VerticleBase {

  private static final String[] FHIR_JSON = {"application/fhir+json", "application/json", "application/json+fhir"};

  private final HttpConfig config;
  private final Registry registry;
  private HttpServer server;
  private PollHandler poll;

  public HttpVerticle(HttpConfig config, Registry registry) {
    this.config = config;
    this.registry = registry;
  }

  @Override
  public Future<?> start() {
    StoreClient store = new StoreClient(vertx.eventBus());
    ResourceHandler resources = new ResourceHandler(store, new CriteriaParser(registry));
    HistoryHandler history = new HistoryHandler(store);
    SearchHandler search = new SearchHandler(store);
    poll = new PollHandler(store, vertx, config.maxPollSeconds(), 1000);
    MessageConsumer<JsonObject> notified = vertx.eventBus().consumer(Addresses.SUBSCRIPTION_NOTIFIED,
        message -> message.body().getJsonArray("notifications").forEach(n -> poll.notified(((JsonArray) n).getString(0))));
    JsonObject capabilities = CapabilityStatements.of(Herald.VERSION,
        OffsetDateTime.now(ZoneOffset.UTC).toString(), registry);
    BodyHandler body = BodyHandler.create(false).setBodyLimit(config.bodyLimitBytes());

    Router router = Router.router(vertx);
    router.get("/fhir/metadata").handler(ctx -> Responses.json(ctx, 200, capabilities));
    router.get("/fhir/_history").handler(history::system);
    router.get("/fhir/:type/_history").handler(history::type);
    router.get("/fhir/:type/:id/_history").handler(history::instance);
    router.get("/fhir/:type/:id/_history/:vid").handler(resources::readVersion);
    router.get("/fhir/:type").handler(search::search);
    withBody(router.post("/fhir/:type"), body).handler(resources::create);
    router.get("/fhir/:type/:id").handler(resources::read);
    withBody(router.put("/fhir/:type/:id"), body).handler(resources::update);
    router.delete("/fhir/:type/:id").handler(resources::delete);
    router.get("/fhir/:type/:id/:operation").handler(ctx -> {
      if (ctx.pathParam("type").equals("Subscription") && ctx.pathParam("operation").equals("$poll")) {
        poll.poll(ctx);
      } else {
        Errors.send(ctx, Errors.notFound("No operation " + ctx.pathParam("operation") + " on " + ctx.pathParam("type")));
      }
    });
    for (int status : new int[] {400, 404, 405, 413, 415, 500}) {
      router.errorHandler(status, ctx -> Errors.routerFailure(ctx, config.bodyLimitBytes()));
    }

    server = vertx.createHttpServer(new HttpServerOptions().setHost(config.host()).setPort(config.port()))
        .requestHandler(router);
    return Future.join(notified.completion(), server.listen());
  }

  /** Finishes the requests in flight (up to the configured time), then closes. */
  @Override
  public Future<?> stop() {
    poll.close();
    return server.shutdown(config.shutdownTimeoutSeconds(), TimeUnit.SECONDS);
  }


  private static Route withBody(Route route, BodyHandler body) {
    for (String type : FHIR_JSON) {
      route.consumes(type);
    }
    return route.handler(body);
  }
}
