package io.herald.testing;

import io.herald.database.EmbeddedPostgres;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.PgConnection;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * The PostgreSQL server of the test run: the one {@code HERALD_PG_URI} names, or an embedded one
 * started once per test JVM. Each caller of {@link #freshDatabase()} gets a new empty database
 * on it, so tests never see each other's data.
 */
public final class TestDatabase {

  private static final AtomicInteger COUNTER = new AtomicInteger();
  private static String serverUri;
  private static Vertx admin;

  private TestDatabase() {
  }

  public static synchronized String serverUri() {
    if (serverUri == null) {
      String configured = System.getenv("HERALD_PG_URI");
      if (configured != null && !configured.isBlank()) {
        serverUri = configured;
      } else {
        Path dir = tempDir();
        EmbeddedPostgres pg = EmbeddedPostgres.start(dir);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
          pg.close();
          delete(dir);
        }));
        serverUri = pg.uri();
      }
      admin = Vertx.vertx();
    }
    return serverUri;
  }

  /** A new, empty database on the test server; returns its URI. */
  public static String freshDatabase() {
    PgConnectOptions server = PgConnectOptions.fromUri(serverUri());
    String name = "herald_test_" + ProcessHandle.current().pid() + "_" + COUNTER.incrementAndGet();
    PgConnection.connect(admin, server)
        .compose(c -> c.query("CREATE DATABASE " + name).execute().eventually(c::close))
        .await();
    return uri(server.setDatabase(name));
  }

  public static String uri(PgConnectOptions o) {
    String auth = URLEncoder.encode(o.getUser(), StandardCharsets.UTF_8)
        + (o.getPassword() == null || o.getPassword().isEmpty() ? "" : ":" + URLEncoder.encode(o.getPassword(), StandardCharsets.UTF_8));
    return "postgresql://" + auth + "@" + o.getHost() + ":" + o.getPort() + "/" + o.getDatabase();
  }

  private static Path tempDir() {
    try {
      return Files.createTempDirectory("herald-test-pg");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static void delete(Path dir) {
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException ignored) {
      // a temp directory left behind is harmless
    }
  }
}
