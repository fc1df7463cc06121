package io.herald.subscription;

import io.herald.database.Database;
import io.herald.database.Migrations;
import io.herald.store.Change;
import io.herald.testing.TestDatabase;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The matcher's commit is its fence: a batch commits only from where the cursor stands, and a matcher whose cursor
 * was moved under it (another took over) writes nothing at all, neither notifications nor counters.
 */
class NotificationsIT {

  private Vertx vertx;
  private Pool pool;
  private Notifications notifications;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    pool = PgBuilder.pool().with(new PoolOptions().setMaxSize(4))
        .connectingTo(Database.connectOptions(TestDatabase.freshDatabase())).using(vertx).build();
    Migrations.run(pool).await();
    notifications = new Notifications(pool);
  }

  @AfterEach
  void stop() {
    vertx.close().await();
  }

  @Test
  void aMatcherWhoseCursorMovedUnderItWritesNothing() {
    notifications.commit(0, 3, List.of(event("a", 1, 3)), counters("a", 1)).await();

    RuntimeException stale = assertThrows(RuntimeException.class,
        () -> notifications.commit(0, 4, List.of(event("a", 2, 4), event("b", 1, 4)), counters("a", 2, "b", 1)).await());
    assertTrue(stale.getMessage().contains("moved"), stale.getMessage());

    assertEquals(List.of(1L), events("a"));
    assertEquals(List.of(), events("b"));
    assertEquals(1L, pool.query("SELECT last_event FROM subscription_state WHERE id = 'a'").execute().await()
        .iterator().next().getLong(0));
    assertEquals(0, pool.query("SELECT 1 FROM subscription_state WHERE id = 'b'").execute().await().size());
    assertEquals(3L, pool.query("SELECT version_id FROM match_cursor").execute().await().iterator().next().getLong(0));
  }

  @Test
  void ofTwoMatchersCommittingFromOneCursorExactlyOneWrites() {
    for (int round = 0; round < 20; round++) {
      long from = round * 10L;
      long to = from + 10;
      long event = round + 1;
      Future<Void> first = notifications.commit(from, to, List.of(event("a", event, to)), counters("a", event));
      Future<Void> second = notifications.commit(from, to, List.of(event("a", event, to)), counters("a", event));
      Future.join(first, second).otherwise(v -> null).await();
      assertEquals(1, (first.succeeded() ? 1 : 0) + (second.succeeded() ? 1 : 0), "round " + round);
    }
    assertEquals(20, events("a").size());
  }

  private List<Long> events(String subscription) {
    return notifications.after(subscription, 0, 100).await().stream().map(Notification::eventNumber).toList();
  }

  private static Notification event(String subscription, long eventNumber, long versionId) {
    return Notification.event(subscription, eventNumber,
        new Change(versionId, "Patient", "p" + versionId, "create", null, null, null));
  }

  private static TreeMap<String, Long> counters(Object... pairs) {
    TreeMap<String, Long> counters = new TreeMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      counters.put((String) pairs[i], ((Number) pairs[i + 1]).longValue());
    }
    return counters;
  }
}
