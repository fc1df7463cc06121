package io.herald.store;

import io.herald.criteria.Registry;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;

import java.util.Iterator;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Writes many resources fast through the same herald_write as the REST API (history, change
 * feed and search index included), pipelining on a few connections with synchronous commit off
 * for those connections only. For loading benchmark and test data; resources get the ids they carry.
 */
public final class BulkLoad {

  private BulkLoad() {
  }

  /** Loads every resource of {@code resources}; completes with how many were written. */
  public static Future<Long> load(Pool pool, Registry registry, Iterator<JsonObject> resources, int connections, int window) {
    AtomicLong written = new AtomicLong();
    Future<?>[] lanes = new Future<?>[connections];
    for (int i = 0; i < connections; i++) {
      lanes[i] = pool.withConnection(c -> c.query(SqlQueries.BULK_LOAD_SESSION).execute()
          .compose(v -> lane(c, registry, resources, window, written)));
    }
    return Future.all(java.util.List.of(lanes)).map(done -> written.get());
  }

  private static Future<Void> lane(SqlConnection c, Registry registry, Iterator<JsonObject> resources, int window,
                                   AtomicLong written) {
    Promise<Void> done = Promise.promise();
    int[] inFlight = {0};
    Runnable[] next = new Runnable[1];
    next[0] = () -> {
      while (inFlight[0] < window) {
        JsonObject resource;
        synchronized (resources) {
          resource = resources.hasNext() ? resources.next() : null;
        }
        if (resource == null) {
          if (inFlight[0] == 0) {
            done.tryComplete();
          }
          return;
        }
        Tuple args = WriteStatement.args(resource.getString("resourceType"), resource.getString("id"), "update",
            resource, null, registry);
        inFlight[0]++;
        c.preparedQuery(SqlQueries.WRITE).execute(args).onComplete(result -> {
          inFlight[0]--;
          if (result.failed()) {
            done.tryFail(result.cause());
            return;
          }
          written.incrementAndGet();
          next[0].run();
        });
      }
    };
    next[0].run();
    return done.future();
  }
}
