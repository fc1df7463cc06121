package io.herald.store;

import io.herald.testing.TestDatabase;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The schema is created once and recorded; nodes starting together do not race; scripts rewrite old data. */
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

  @Test
  void pollSubscriptionsWrittenBeforeAreRewrittenAsR4ClientsCanReadThem() {
    Vertx vertx = Vertx.vertx();
    try {
      Pool pool = PgBuilder.pool().connectingTo(PgConnectOptions.fromUri(TestDatabase.freshDatabase())).using(vertx).build();
      Migrations.run(pool, 4).await();
      String poll = "{\"resourceType\":\"Subscription\",\"id\":\"p\",\"status\":\"active\",\"criteria\":\"Patient\","
          + "\"channel\":{\"type\":\"poll\"}}";
      String hook = "{\"resourceType\":\"Subscription\",\"id\":\"h\",\"status\":\"active\",\"criteria\":\"Patient\","
          + "\"channel\":{\"type\":\"rest-hook\",\"endpoint\":\"http://localhost/x\"}}";
      for (String[] row : new String[][] {{"p", "1", poll}, {"h", "2", hook}}) {
        pool.query("INSERT INTO resource VALUES ('Subscription', '" + row[0] + "', " + row[1] + ", now(), false, '" + row[2] + "');"
            + "INSERT INTO resource_history VALUES (" + row[1] + ", 'Subscription', '" + row[0] + "', 'create', now(), '" + row[2] + "');"
            + "INSERT INTO change VALUES (" + row[1] + ", pg_current_xact_id(), 'Subscription', '" + row[0] + "', 'create', now(), '"
            + row[2] + "')").execute().await();
      }
      Migrations.run(pool).await();
      for (String table : List.of("resource", "resource_history", "change")) {
        JsonObject channel = pool.query("SELECT content FROM " + table + " WHERE id = 'p'").execute().await()
            .iterator().next().getJsonObject(0).getJsonObject("channel");
        assertEquals("rest-hook", channel.getString("type"), table + ": " + channel);
        JsonObject extension = channel.getJsonObject("_type").getJsonArray("extension").getJsonObject(0);
        assertEquals("http://hl7.org/fhir/uv/subscriptions-backport/StructureDefinition/backport-channel-type", extension.getString("url"));
        assertEquals("poll", extension.getJsonObject("valueCoding").getString("code"));
        JsonObject untouched = pool.query("SELECT content FROM " + table + " WHERE id = 'h'").execute().await()
            .iterator().next().getJsonObject(0);
        assertEquals(new JsonObject(hook), untouched, table);
      }
    } finally {
      vertx.close().await();
    }
  }
}
