package io.herald.database;

import io.herald.criteria.CriteriaParser;
import io.herald.Registries;
import io.herald.deliver.Channels;
import io.herald.store.Change;
import io.herald.store.ChangeFeed;
import io.herald.subscription.ChannelTypes;
import io.herald.subscription.Subscriptions;
import io.herald.testing.TestDatabase;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
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
      String poll = subscription("p", "{\"type\":\"poll\"}");
      String oddType = subscription("q", "{\"type\":\"poll\",\"_type\":null}");
      String ownExtensions = subscription("r", "{\"type\":\"poll\",\"_type\":{\"id\":\"t\",\"extension\":["
          + "{\"url\":\"http://example.org/keep\",\"valueString\":\"kept\"},"
          + "{\"url\":\"" + ChannelTypes.EXTENSION + "\",\"valueCoding\":{\"code\":\"zulip\"}}]}}");
      String hook = subscription("h", "{\"type\":\"rest-hook\",\"endpoint\":\"http://localhost/x\"}");
      String[][] rows = {{"p", "1", poll}, {"q", "2", oddType}, {"r", "3", ownExtensions}, {"h", "4", hook}};
      for (String[] row : rows) {
        pool.query("INSERT INTO resource VALUES ('Subscription', '" + row[0] + "', " + row[1] + ", now(), false, '" + row[2] + "');"
            + "INSERT INTO resource_history VALUES (" + row[1] + ", 'Subscription', '" + row[0] + "', 'create', now(), '" + row[2] + "');"
            + "INSERT INTO change VALUES (" + row[1] + ", pg_current_xact_id(), 'Subscription', '" + row[0] + "', 'create', now(), '"
            + row[2] + "')").execute().await();
      }
      Migrations.run(pool, 8).await();   // V9 takes the content out of change rows
      Subscriptions subscriptions = new Subscriptions(
          new CriteriaParser(Registries.load(Path.of("conf/search-parameters.json")).registry()), Channels.rules(), false);
      for (String table : List.of("resource", "resource_history", "change")) {
        for (String id : List.of("p", "q", "r")) {
          JsonObject content = content(pool, table, id);
          JsonObject channel = content.getJsonObject("channel");
          assertEquals("rest-hook", channel.getString("type"), table + ": " + channel);
          List<Object> channelTypes = channel.getJsonObject("_type").getJsonArray("extension").stream()
              .filter(e -> ((JsonObject) e).getString("url").equals(ChannelTypes.EXTENSION)).toList();
          assertEquals(1, channelTypes.size(), channel::encode);
          assertEquals("poll", ((JsonObject) channelTypes.get(0)).getJsonObject("valueCoding").getString("code"));
          assertEquals("poll", subscriptions.parse(content).channel().type(),
              table + " " + id + " still parses as a poll subscription");
        }
        JsonObject kept = content(pool, table, "r").getJsonObject("channel").getJsonObject("_type");
        assertEquals("t", kept.getString("id"));
        assertEquals("kept", kept.getJsonArray("extension").getJsonObject(0).getString("valueString"));
        assertEquals(new JsonObject(hook), content(pool, table, "h"), table);
      }
    } finally {
      vertx.close().await();
    }
  }

  @Test
  void changesWrittenBeforeTheFeedLostItsContentAreReadFromHistory() {
    Vertx vertx = Vertx.vertx();
    try {
      Pool pool = PgBuilder.pool().connectingTo(PgConnectOptions.fromUri(TestDatabase.freshDatabase())).using(vertx).build();
      Migrations.run(pool, 8).await();
      String v1 = "{\"resourceType\":\"Patient\",\"id\":\"a\",\"meta\":{\"versionId\":\"1\"}}";
      pool.query("INSERT INTO resource VALUES ('Patient', 'a', 2, now(), true, '" + v1 + "');"
          + "INSERT INTO resource_history VALUES (1, 'Patient', 'a', 'create', '2026-01-01T00:00:00Z', '" + v1 + "');"
          + "INSERT INTO resource_history VALUES (2, 'Patient', 'a', 'delete', '2026-01-02T00:00:00Z', NULL);"
          + "INSERT INTO change VALUES (1, pg_current_xact_id(), 'Patient', 'a', 'create', '2026-01-01T00:00:00Z', '" + v1 + "');"
          + "INSERT INTO change VALUES (2, pg_current_xact_id(), 'Patient', 'a', 'delete', '2026-01-02T00:00:00Z', '" + v1 + "')")
          .execute().await();
      Migrations.run(pool).await();
      List<Change> changes = new ChangeFeed(pool, false).after(0, 10).await().changes();
      assertEquals(2, changes.size());
      assertEquals("create", changes.get(0).interaction());
      assertEquals(new JsonObject(v1), changes.get(0).resource());
      assertEquals("delete", changes.get(1).interaction());
      assertEquals(new JsonObject(v1), changes.get(1).resource(), "a delete carries the version it deleted");
      assertEquals("2026-01-02T00:00Z", changes.get(1).changedAt().toString());
    } finally {
      vertx.close().await();
    }
  }

  private static String subscription(String id, String channel) {
    return "{\"resourceType\":\"Subscription\",\"id\":\"" + id + "\",\"status\":\"active\",\"criteria\":\"Patient\","
        + "\"channel\":" + channel + "}";
  }

  private static JsonObject content(Pool pool, String table, String id) {
    return pool.query("SELECT content FROM " + table + " WHERE id = '" + id + "'").execute().await()
        .iterator().next().getJsonObject(0);
  }
}
