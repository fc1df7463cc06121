package io.herald.store;

import io.herald.testing.TestDatabase;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The schema is created once and recorded; nodes starting together do not race. */
class MigrationsIT {

  @Test
  void appliesEachScriptOnceEvenWhenNodesStartTogether() {
    Vertx vertx = Vertx.vertx();
    try {
      Pool pool = PgBuilder.pool().connectingTo(PgConnectOptions.fromUri(TestDatabase.freshDatabase())).using(vertx).build();
      List<Future<Integer>> starts = List.of(Migrations.run(pool), Migrations.run(pool), Migrations.run(pool));
      Future.all(starts).await();
      starts.forEach(f -> assertEquals(Migrations.SCRIPTS.size(), f.result()));
      assertEquals(Migrations.run(pool).await(), Migrations.SCRIPTS.size());
      long recorded = pool.query("SELECT count(*) FROM herald_schema_version").execute().await().iterator().next().getLong(0);
      assertEquals(Migrations.SCRIPTS.size(), recorded);
    } finally {
      vertx.close().await();
    }
  }
}
