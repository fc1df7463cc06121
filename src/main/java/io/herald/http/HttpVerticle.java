package io.herald.http;

import io.herald.bridge.EventBusBridge;
import io.herald.Herald;
import io.herald.Metrics;
import io.herald.bus.Addresses;
import io.herald.auth.AuthConfig;
import io.herald.auth.ClientSockets;
import io.herald.criteria.CriteriaParser;
import io.herald.deliver.Endpoints;
import io.herald.criteria.Registry;
import io.herald.deliver.poll.PollWaiters;
import io.herald.deliver.TopicNotifications;
import io.herald.subscription.Subscriptions;
import io.herald.subscription.SubscriptionsConfig;
import io.herald.fhir.CapabilityStatements;
import io.herald.topic.Filters;
import io.herald.topic.TopicParser;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.StaticHandler;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** FHIR REST over HTTP: wiring only; the work is in one handler class per route family. */
public final class HttpVerticle extends VerticleBase {

  private static final String[] FHIR_JSON = {"application/fhir+json", "application/json", "application/json+fhir"};
  private static final String FORM = "application/x-www-form-urlencoded";

  private final HttpConfig config;
  private final Registry registry;
  private final Subscriptions subscriptions;
  private final TopicParser topics;
  private final Filters filters;
  private final SubscriptionsConfig topicConfig;
  private final Endpoints endpoints;
  private final Metrics metrics;
  private final AuthConfig auth;
  private final ClientSockets clientSockets;
  private HttpServer server;
  private PollWaiters waiters;
  private EventBusBridge bridge;

  public HttpVerticle(HttpConfig config, Registry registry, Subscriptions subscriptions, TopicParser topics,
                      Filters filters, SubscriptionsConfig topicConfig, Endpoints endpoints, Metrics metrics,
                      AuthConfig auth, ClientSockets clientSockets) {
    this.auth = auth;
    this.clientSockets = clientSockets;
    this.endpoints = endpoints;
    this.metrics = metrics;
    this.config = config;
    this.registry = registry;
    this.subscriptions = subscriptions;
    this.topics = topics;
    this.filters = filters;
    this.topicConfig = topicConfig;
  }

  @Override
  public Future<?> start() {
    StoreClient store = new StoreClient(vertx.eventBus());
    Restrictions restrictions = new Restrictions(new CriteriaParser(registry));
    SigningSecrets secrets = new SigningSecrets(store, subscriptions);
    ResourceHandler resources = new ResourceHandler(vertx, store, subscriptions, topics, filters, restrictions,
        endpoints, secrets, new SubscriptionQuota(store, auth.subscriptionsPerClient()));
    HistoryHandler history = new HistoryHandler(store, restrictions);
    SearchHandler search = new SearchHandler(store, restrictions);
    waiters = new PollWaiters(vertx, read -> store.request(Addresses.DELIVER_POLL, read));
    PollHandler poll = new PollHandler(waiters, config.maxPollSeconds(), 1000);
    StatusHandler statuses = new StatusHandler(store);
    EventsHandler events = new EventsHandler(store);
    WebSocketBindings websockets = new WebSocketBindings(vertx, store, subscriptions,
        new TopicNotifications(topicConfig.baseUrl()), topicConfig.bindingTokenSeconds());
    MessageConsumer<JsonObject> notified = vertx.eventBus().consumer(Addresses.SUBSCRIPTION_NUMBERED,
        message -> message.body().getJsonArray("subscriptions").forEach(id -> waiters.notified((String) id)));
    MetadataHandler metadata = new MetadataHandler(store, CapabilityStatements.of(Herald.VERSION,
        OffsetDateTime.now(ZoneOffset.UTC).toString(), registry), auth.enabled());
    BodyHandler body = BodyHandler.create(false).setBodyLimit(config.bodyLimitBytes());
    HeaderTimeout headerTimeout = new HeaderTimeout(vertx, config.headerTimeoutSeconds() * 1000L,
        config.keepAliveSeconds() * 1000L);

    Router router = Router.router(vertx);
    Access access = new Access(vertx, auth);
    if (auth.enabled()) {   // off, nothing here: no tokens, and no one may make clients that would count once it is on
      router.route().handler(access);   // first: every request's token and scopes (Permissions says which are open)
      Owners owners = new Owners(store);   // then: a client's subscriptions are its own
      router.route("/fhir/Subscription/:id").handler(owners::check);
      router.route("/fhir/Subscription/:id/*").handler(owners::check);
      AuthHandler tokens = new AuthHandler(vertx.eventBus(), store, restrictions, auth.tokenUrl());
      router.post("/auth/token").handler(BodyHandler.create(false).setBodyLimit(16 * 1024)).handler(tokens::token);
      router.post("/auth/token").failureHandler(tokens::tokenFailure);
      only(router, "/auth/token", "POST");
      withBody(router.post("/auth/clients"), body, "application/json").handler(tokens::addClient);
      get(router, "/auth/clients").handler(tokens::clients);
      only(router, "/auth/clients", "GET, HEAD, POST");
      router.delete("/auth/clients/:id").handler(tokens::revoke);
      only(router, "/auth/clients/:id", "DELETE");
    }
    bridge = new EventBusBridge(vertx, config.socketQueueBytes(), config.subscriptionsPerSocket(),
        auth.enabled() ? access::verify : null, auth.enabled() ? clientSockets : null);
    router.route("/eventbus/*").handler(BodyHandler.create(false).setBodyLimit(config.bodyLimitBytes()))   // xhr transports
        .subRouter(bridge.router());
    get(router, "/metrics").handler(metrics.scrape());
    ClusterHandler cluster = new ClusterHandler(vertx);
    get(router, "/cluster/live").handler(cluster::live);
    get(router, "/cluster/delivery").handler(cluster::delivery);
    get(router, "/health/live").handler(Health.live(vertx));
    get(router, "/health/ready").handler(Health.ready(vertx));
    get(router, "/fhir/metadata").handler(metadata::capabilities);
    get(router, "/fhir/.well-known/smart-configuration").handler(metadata::smartConfiguration);
    only(router, "/fhir/metadata", "GET, HEAD");
    get(router, "/fhir/_history").handler(history::system);
    only(router, "/fhir/_history", "GET, HEAD");
    router.post("/fhir/:type/_search").consumes(FORM).handler(ctx -> search.searchPost(ctx, config.bodyLimitBytes()));
    only(router, "/fhir/:type/_search", "POST");
    get(router, "/fhir/:type/_history").handler(history::type);
    only(router, "/fhir/:type/_history", "GET, HEAD");
    get(router, "/fhir/Subscription/$status").handler(statuses::type);
    only(router, "/fhir/Subscription/$status", "GET, HEAD");
    get(router, "/fhir/:type/:id/_history").handler(history::instance);
    only(router, "/fhir/:type/:id/_history", "GET, HEAD");
    get(router, "/fhir/:type/:id/_history/:vid").handler(resources::read);
    only(router, "/fhir/:type/:id/_history/:vid", "GET, HEAD");
    get(router, "/fhir/:type").handler(search::search);
    withBody(router.post("/fhir/:type"), body, FHIR_JSON).handler(resources::create);
    only(router, "/fhir/:type", "GET, HEAD, POST");
    router.post("/fhir/Subscription/:id/$rotate-secret").handler(secrets::rotate);
    get(router, "/fhir/:type/:id/:operation").handler(ctx -> {
      boolean subscription = ctx.pathParam("type").equals("Subscription");
      if (subscription && ctx.pathParam("operation").equals("$poll")) {
        poll.poll(ctx);
      } else if (subscription && ctx.pathParam("operation").equals("$status")) {
        statuses.instance(ctx);
      } else if (subscription && ctx.pathParam("operation").equals("$events")) {
        events.events(ctx);
      } else if (subscription && ctx.pathParam("operation").equals("$get-ws-binding-token")) {
        websockets.token(ctx);
      } else {
        Errors.send(ctx, Errors.notFound("No operation " + ctx.pathParam("operation") + " on " + ctx.pathParam("type")));
      }
    });
    only(router, "/fhir/:type/:id/:operation", "GET, HEAD");
    get(router, "/fhir/:type/:id").handler(resources::read);
    withBody(router.put("/fhir/:type/:id"), body, FHIR_JSON).handler(resources::update);
    router.delete("/fhir/:type/:id").handler(resources::delete);
    only(router, "/fhir/:type/:id", "GET, HEAD, PUT, DELETE");
    // The console page and what it loads (the JavaScript client and its two libraries), from the jar.
    // Any other method on them goes on to 404, as on any path Herald does not serve (not a 405: the page is not a resource).
    StaticHandler page = StaticHandler.create("webroot").setMaxAgeSeconds(60);
    router.route("/*").handler(ctx -> {
      if (ctx.request().method() == HttpMethod.GET || ctx.request().method() == HttpMethod.HEAD) {
        page.handle(ctx);
      } else {
        ctx.next();
      }
    });
    for (int status : new int[] {400, 404, 405, 413, 415, 500}) {
      router.errorHandler(status, ctx -> Errors.routerFailure(ctx, config.bodyLimitBytes()));
    }

    server = vertx.createHttpServer(new HttpServerOptions().setHost(config.host()).setPort(config.port())
            // No HTTP/2 over cleartext: detecting its preface defers a connection's start until bytes arrive, which would
            // hide a connection that sends nothing (or a head a byte at a time) from the header timeout.
            .setHttp2ClearTextEnabled(false))
        .invalidRequestHandler(Errors::invalidRequest)
        .connectionHandler(headerTimeout::opened)
        .requestHandler(new RequestGuard(request -> {
          if (request.path().startsWith("/eventbus/") && request.canUpgradeToWebSocket()) {
            headerTimeout.upgrading(request);
          } else if (request.path().equals(WebSocketBindings.PATH) && request.canUpgradeToWebSocket()) {
            headerTimeout.upgrading(request);
            websockets.accept(request);
            return;
          } else {
            headerTimeout.requestArrived(request);
          }
          router.handle(request);
        }));
    return Future.join(notified.completion(), auth.enabled() ? access.start() : Future.succeededFuture(), bridge.start())
        .compose(ready -> server.listen());
  }

  /** Finishes the requests in flight (up to the configured time), then closes. */
  @Override
  public Future<?> stop() {
    waiters.close();
    return server.shutdown(config.shutdownTimeoutSeconds(), TimeUnit.SECONDS);
  }


  private static Route withBody(Route route, BodyHandler body, String... contentTypes) {
    for (String type : contentTypes) {
      route.consumes(type);
    }
    return route.handler(body);
  }

  /** A GET route that answers HEAD alike (the server sends no body for HEAD). */
  private static Route get(Router router, String path) {
    return router.get(path).method(HttpMethod.HEAD);
  }

  /**
   * After a path's routes: any other method is 405 with {@code Allow}. A method the path takes that reaches
   * here was not routed for its content type (415).
   */
  private static void only(Router router, String path, String allow) {
    router.route(path).handler(ctx -> {
      if (List.of(allow.split(", ")).contains(ctx.request().method().name())) {
        ctx.fail(415);
      } else {
        Errors.methodNotAllowed(ctx, allow);
      }
    });
  }
}
