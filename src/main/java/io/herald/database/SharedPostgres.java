package io.herald.database;

import io.herald.Main;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * The embedded PostgreSQL on its own, for several Herald nodes on one machine to share (a cluster tried out without
 * a PostgreSQL server): {@code java -cp target/herald.jar io.herald.database.SharedPostgres [port] [dataDir]}
 * (5433 and {@code data-shared} by default) prints the URI for {@code HERALD_PG_URI} and runs until stopped (SIGTERM,
 * Ctrl-C), then stops PostgreSQL. Loopback only, no password: for one machine, not for production.
 */
public final class SharedPostgres {

  private SharedPostgres() {
  }

  public static void main(String[] args) throws IOException, InterruptedException {
    Main.configureLogging();
    int port = args.length > 0 ? Integer.parseInt(args[0]) : 5433;
    Path data = Path.of(args.length > 1 ? args[1] : "data-shared");
    EmbeddedPostgres pg = EmbeddedPostgres.start(data, port);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      pg.close();
      stopped.countDown();
    }, "postgres-shutdown"));
    System.out.println("HERALD_PG_URI=" + pg.uri());
    stopped.await();
  }
}
