package io.herald.store;

import io.herald.bus.Refusal;
import io.herald.database.Outage;
import io.herald.Registries;
import io.herald.bus.Addresses;
import io.herald.database.Database;
import io.herald.bus.Failures;
import io.herald.criteria.CriteriaException;
import io.herald.criteria.CriteriaParser;
import io.herald.criteria.SearchRequest;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgBuilder;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The store: owns the PostgreSQL pool, migrates the schema, and answers the node-local
 * {@code herald.store.*} commands.
 */
public final class StoreVerticle extends VerticleBase {

  private static final Logger LOG = Logger.getLogger(StoreVerticle.class.getName());
  private static final Set<String> WRITES = Set.of(Addresses.STORE_CREATE, Addresses.STORE_UPDATE, Addresses.STORE_DELETE);

  private final StoreConfig config;
  private final Registries.Loaded registry;
  private final List<MessageConsumer<JsonObject>> consumers = new ArrayList<>();
  private Pool pool;
  private ResourceStore store;

  public StoreVerticle(StoreConfig config, Registries.Loaded registry) {
    this.config = config;
    this.registry = registry;
  }

  @Override
  public Future<?> start() {
    pool = PgBuilder.pool()
        .with(new PoolOptions().setMaxSize(config.poolSize())
            .setConnectionTimeout(10))   // a connection not free by then is a 503, well before the bus gives up (30 s)
        .connectingTo(Database.connectOptions(config.pgUri()))
        .using(vertx)
        .build();
    CommitSignal signal = new CommitSignal(pool);
    store = new ResourceStore(pool, registry.registry(), signal::committed);
    CriteriaParser parser = new CriteriaParser(registry.registry());
    return Database.prepare(pool).compose(version -> {
      new Reindexer(pool, registry).runIfNeeded();
      EventBus bus = vertx.eventBus();
      consume(bus, Addresses.STORE_CREATE, body -> store.create(body.getString("type"), body.getJsonObject("resource")));
      consume(bus, Addresses.STORE_UPDATE, body -> store.update(body.getString("type"), body.getString("id"),
          body.getJsonObject("resource"), body.getLong("ifMatch")));
      consume(bus, Addresses.STORE_DELETE, body -> store.delete(body.getString("type"), body.getString("id"), body.getLong("ifMatch")));
      consume(bus, Addresses.STORE_READ, body -> store.read(body.getString("type"), body.getString("id"),
          body.getLong("versionId")));
      consume(bus, Addresses.STORE_HISTORY, body -> store.history(body.getString("type"), body.getString("id"),
          HistoryQuery.parse(params(body.getJsonObject("params")), config.defaultPageSize(), config.maxPageSize())));
      consume(bus, Addresses.STORE_SEARCH, body -> store.search(SearchRequest.parse(parser, registry.registry(),
          body.getString("type"), params(body.getJsonObject("params")), config.defaultPageSize(), config.maxPageSize())));
      consume(bus, Addresses.STORE_PING, body -> pool.query(SqlQueries.PING).execute().map(rows -> new JsonObject()));
      return Future.all(consumers.stream().map(MessageConsumer::completion).toList());
    });
  }

  @Override
  public Future<?> stop() {
    return Future.all(consumers.stream().map(MessageConsumer::unregister).toList())
        .eventually(() -> pool.close());
  }

  private void consume(EventBus bus, String address, Function<JsonObject, Future<JsonObject>> operation) {
    consumers.add(bus.<JsonObject>localConsumer(address, message -> run(message, operation)));
  }

  private static void run(Message<JsonObject> message, Function<JsonObject, Future<JsonObject>> operation) {
    Future<JsonObject> result;
    try {
      result = operation.apply(message.body());
    } catch (RuntimeException e) {
      result = Future.failedFuture(e);
    }
    result.onComplete(done -> {
      if (done.succeeded()) {
        message.reply(done.result());
      } else {
        fail(message, done.cause());
      }
    });
  }

  /** A failure as the bus carries it: the request's fault, the database out of reach, or the store's own fault. */
  private static void fail(Message<JsonObject> message, Throwable cause) {
    Outage outage = Outage.of(cause);
    if (cause instanceof Refusal failure) {
      message.fail(failure.code, failure.getMessage());
    } else if (cause instanceof CriteriaException invalid) {
      message.fail(Failures.INVALID, invalid.getMessage());
    } else if (outage == Outage.LOST && WRITES.contains(message.address())) {
      LOG.log(Level.WARNING, "Write on " + message.address() + " lost its database connection: " + cause);
      message.fail(Failures.OUTCOME_UNKNOWN, "The connection to the database broke while the write was under way ("
          + cause.getMessage() + "): it may or may not have been made; read the resource before writing again");
    } else if (outage != Outage.NONE) {
      LOG.log(Level.WARNING, "Store operation on " + message.address() + " failed: the database is out of reach: " + cause);
      message.fail(Failures.UNAVAILABLE, "The database is out of reach for now (" + cause.getMessage()
          + "); nothing was done, try again");
    } else {
      LOG.log(Level.SEVERE, "Store operation on " + message.address() + " failed", cause);
      message.fail(Failures.STORE_ERROR, "The store could not complete the request: " + cause.getMessage());
    }
  }

  private static Map<String, List<String>> params(JsonObject params) {
    Map<String, List<String>> map = new LinkedHashMap<>();
    params.forEach(e -> map.put(e.getKey(), ((JsonArray) e.getValue()).stream().map(String::valueOf).toList()));
    return map;
  }
}
