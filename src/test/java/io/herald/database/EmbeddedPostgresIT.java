package io.herald.database;

import io.herald.testing.HeraldNode;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.PgConnection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The one-command PostgreSQL: data survives a restart, fsync is on, a leftover server is taken over. */
class EmbeddedPostgresIT {

  @TempDir
  Path dataDir;

  @Test
  void dataSurvivesARestartWithDurableSettings() {
    String id;
    String version;
    try (EmbeddedPostgres pg = EmbeddedPostgres.start(dataDir)) {
      assertEquals("on", setting(pg, "fsync"));
      assertEquals("on", setting(pg, "synchronous_commit"));
      try (HeraldNode node = HeraldNode.start(pg.uri(), new JsonObject())) {
        JsonObject patient = node.post("/Patient", "{\"resourceType\":\"Patient\",\"gender\":\"female\"}").json();
        id = patient.getString("id");
        version = patient.getJsonObject("meta").getString("versionId");
      }
    }
    assertFalse(Files.exists(dataDir.resolve("pg/postmaster.pid")), "the server stopped cleanly");
    try (EmbeddedPostgres pg = EmbeddedPostgres.start(dataDir);
         HeraldNode node = HeraldNode.start(pg.uri(), new JsonObject())) {
      JsonObject patient = node.get("/Patient/" + id).json();
      assertEquals("female", patient.getString("gender"));
      assertEquals(version, patient.getJsonObject("meta").getString("versionId"));
      JsonObject next = node.post("/Patient", "{\"resourceType\":\"Patient\"}").json();
      assertEquals(Long.parseLong(version) + 1, Long.parseLong(next.getJsonObject("meta").getString("versionId")),
          "versionId goes on from where it was");
    }
  }

  @Test
  void takesOverAServerLeftRunningByAKilledProcess() {
    EmbeddedPostgres orphan = EmbeddedPostgres.start(dataDir);   // never closed, as after kill -9
    try (EmbeddedPostgres pg = EmbeddedPostgres.start(dataDir)) {
      assertEquals("on", setting(pg, "fsync"));
    }
    assertFalse(Files.exists(dataDir.resolve("pg/postmaster.pid")));
    assertThrows(Exception.class, () -> setting(orphan, "fsync"), "the leftover server was stopped");
  }

  private static String setting(EmbeddedPostgres pg, String name) {
    Vertx vertx = Vertx.vertx();
    try {
      return PgConnection.connect(vertx, PgConnectOptions.fromUri(pg.uri()))
          .compose(c -> c.query("SHOW " + name).execute().eventually(c::close))
          .await().iterator().next().getString(0);
    } finally {
      vertx.close().await();
    }
  }
}
