package io.herald.store;

import io.herald.database.Migrations;
import io.herald.database.Database;
import io.herald.testing.TestDatabase;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * DESIGN.md invariant 2: with many concurrent writers committing out of versionId order, some of
 * them rolling back, a reader following the feed from 0 sees every committed change exactly once,
 * in strictly increasing versionId order, and nothing that rolled back.
 */
class ChangeFeedIT {

  private static final int WRITERS = 8;
  private static final int OPS_PER_WRITER = 700;   // 5,600 writes in all

  private Vertx vertx;
  private Pool pool;
  private PgConnectOptions options;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    options = Database.connectOptions(TestDatabase.freshDatabase());
    pool = PgBuilder.pool().with(new PoolOptions().setMaxSize(WRITERS + 2)).connectingTo(options).using(vertx).build();
    Migrations.run(pool).await();
  }

  @AfterEach
  void stop() {
    vertx.close().await();
  }

  @Test
  void readerSeesEveryCommittedChangeOnceInOrderWhileWritersCommitOutOfOrder() throws Exception {
    List<Change> seen = Collections.synchronizedList(new ArrayList<>());
    ChangeFeed feed = new ChangeFeed(pool, false);
    FeedFollower follower = new FeedFollower(vertx, feed, 0, 100, batch -> {
      seen.addAll(batch);
      return Future.succeededFuture();
    });
    follower.start(options).await();

    Map<Long, String> committed = new ConcurrentHashMap<>();    // versionId → "type/id interaction"
    List<Long> rolledBack = Collections.synchronizedList(new ArrayList<>());
    List<Long> commitOrder = Collections.synchronizedList(new ArrayList<>());
    AtomicInteger failures = new AtomicInteger();
    List<Thread> writers = new ArrayList<>();
    for (int w = 0; w < WRITERS; w++) {
      int writer = w;
      Thread thread = new Thread(() -> write(writer, committed, rolledBack, commitOrder, failures));
      thread.start();
      writers.add(thread);
    }
    for (Thread writer : writers) {
      writer.join(TimeUnit.MINUTES.toMillis(3));
    }
    assertEquals(0, failures.get(), "every write either committed or rolled back as intended");

    long last = committed.keySet().stream().mapToLong(Long::longValue).max().orElseThrow();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (follower.cursor() < last && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    follower.stop().await();

    List<Long> seenVersions = seen.stream().map(Change::versionId).toList();
    for (int i = 1; i < seenVersions.size(); i++) {
      assertTrue(seenVersions.get(i) > seenVersions.get(i - 1),
          "strictly increasing: " + seenVersions.get(i - 1) + " then " + seenVersions.get(i));
    }
    List<Long> expected = committed.keySet().stream().sorted().toList();
    assertEquals(expected.size(), seenVersions.size(), "every committed change seen exactly once");
    assertEquals(expected, seenVersions);
    for (Change change : seen) {
      assertEquals(committed.get(change.versionId()), change.type() + "/" + change.id() + " " + change.interaction());
      long written = Long.parseLong(change.resource().getJsonObject("meta").getString("versionId"));
      if (change.interaction().equals("delete")) {
        assertTrue(written < change.versionId(), "a delete carries the last version before it");
      } else {
        assertEquals(change.versionId(), written, "a change carries the version it wrote");
      }
    }
    rolledBack.forEach(v -> assertTrue(!seenVersions.contains(v), "rolled back change " + v + " is never seen"));

    assertTrue(expected.size() >= 5000, "enough committed changes: " + expected.size());
    assertTrue(rolledBack.size() > 100, "enough rollbacks: " + rolledBack.size());
    assertTrue(inversions(commitOrder) > 0, "writers really committed out of versionId order");
  }

  @Test
  void aFeedAskedForItCarriesEachChangesPreviousVersion() {
    JsonObject first = new JsonObject().put("resourceType", "Patient").put("id", "p").put("n", 1);
    JsonObject second = first.copy().put("n", 2);
    JsonObject again = first.copy().put("n", 3);
    writeOne("p", "update", first);    // a create
    writeOne("p", "update", second);
    writeOne("p", "delete", null);
    writeOne("p", "update", again);    // created again after its deletion
    List<Change> changes = new ChangeFeed(pool, true).after(0, 10).await().changes();
    assertEquals(List.of("create", "update", "delete", "create"), changes.stream().map(Change::interaction).toList());
    assertNull(changes.get(0).previous(), "a create has no previous version");
    assertEquals(1, changes.get(1).previous().getInteger("n"));
    assertEquals(2, changes.get(2).previous().getInteger("n"), "a delete's previous version is the one it deleted");
    assertNull(changes.get(3).previous(), "before a create after a deletion there is no version");
    assertTrue(new ChangeFeed(pool, false).after(0, 10).await().changes().stream().allMatch(c -> c.previous() == null),
        "not asked, not read");
  }

  @Test
  void theVersionWrittenAtATimeIsFoundAcrossGapsAndOutsideHistory() {
    ChangeFeed feed = new ChangeFeed(pool, false);
    java.time.Instant t0 = java.time.Instant.parse("2026-01-01T00:00:00Z");
    assertEquals(0, feed.versionAt(t0).await(), "no history: nothing");
    long[] versions = {3, 4, 9, 10, 11, 40};   // gaps where writes rolled back
    for (int i = 0; i < versions.length; i++) {
      pool.preparedQuery("INSERT INTO resource_history VALUES ($1, 'Patient', 'p' || $1, 'create', $2, '{}')")
          .execute(Tuple.of(versions[i], java.time.OffsetDateTime.ofInstant(t0.plusSeconds(10L * (i + 1)),
              java.time.ZoneOffset.UTC))).await();
    }
    assertEquals(0, feed.versionAt(t0).await(), "before the first");
    assertEquals(3, feed.versionAt(t0.plusSeconds(10)).await());
    assertEquals(3, feed.versionAt(t0.plusSeconds(15)).await());
    assertEquals(9, feed.versionAt(t0.plusSeconds(30)).await());
    assertEquals(11, feed.versionAt(t0.plusSeconds(59)).await());
    assertEquals(40, feed.versionAt(t0.plusSeconds(60)).await());
    assertEquals(40, feed.versionAt(t0.plusSeconds(100_000)).await(), "after the last");
  }

  private void writeOne(String id, String kind, JsonObject resource) {
    pool.preparedQuery(SqlQueries.WRITE).execute(Tuple.of("Patient", id, kind, resource, null)
        .addOffsetDateTime(java.time.OffsetDateTime.now()).addValue(new io.vertx.core.json.JsonArray())).await();
  }

  /** Mixed creates, updates and deletes on a small set of ids per writer; one in ten rolls back. */
  private void write(int writer, Map<Long, String> committed, List<Long> rolledBack, List<Long> commitOrder,
                     AtomicInteger failures) {
    Random random = new Random(writer);
    List<String> live = new ArrayList<>();
    for (int op = 0; op < OPS_PER_WRITER; op++) {
      String id;
      String kind;
      if (live.isEmpty() || random.nextInt(3) == 0) {
        id = "w" + writer + "-" + op;
        kind = "update";   // update-or-create of a new id: a create
      } else {
        id = live.get(random.nextInt(live.size()));
        kind = random.nextInt(4) == 0 ? "delete" : "update";
      }
      String type = Math.floorMod(id.hashCode(), 2) == 0 ? "Patient" : "Observation";
      boolean rollback = random.nextInt(10) == 0;
      int pauseMicros = random.nextInt(3000);
      JsonObject resource = kind.equals("delete") ? null
          : new JsonObject().put("resourceType", type).put("id", id).put("n", op);
      try {
        Row row = pool.withConnection(c -> c.begin().compose(tx -> c.preparedQuery(SqlQueries.WRITE)
            .execute(Tuple.of(type, id, kind, resource, null)
                .addOffsetDateTime(java.time.OffsetDateTime.now()).addValue(new io.vertx.core.json.JsonArray()))
            // Hold the transaction open for a moment after its versionId is taken, so later
            // numbers commit first.
            .compose(rows -> c.query("SELECT pg_sleep(" + pauseMicros / 1_000_000.0 + ")").execute().map(rows))
            .compose(rows -> (rollback ? tx.rollback() : tx.commit()).map(rows.iterator().next())))).await();
        long version = row.getLong("version_id");
        String interaction = row.getString("outcome");
        if (rollback) {
          rolledBack.add(version);
        } else {
          commitOrder.add(version);
          committed.put(version, type + "/" + id + " " + interaction);
          if (interaction.equals("delete")) {
            live.remove(id);
          } else if (!live.contains(id)) {
            live.add(id);
          }
          pool.query(SqlQueries.NOTIFY).execute().await();
        }
      } catch (RuntimeException e) {
        failures.incrementAndGet();
        throw e;
      }
    }
  }

  private static long inversions(List<Long> commitOrder) {
    AtomicLong count = new AtomicLong();
    long max = 0;
    for (long v : commitOrder) {
      if (v < max) {
        count.incrementAndGet();
      }
      max = Math.max(max, v);
    }
    return count.get();
  }
}
