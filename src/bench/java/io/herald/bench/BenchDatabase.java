package io.herald.bench;

import io.herald.database.EmbeddedPostgres;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The PostgreSQL a benchmark runs against: HERALD_PG_URI, or an embedded one (fsync on) in a temporary directory. */
final class BenchDatabase implements AutoCloseable {

  final String uri;
  final boolean embedded;
  private final EmbeddedPostgres server;
  private final Path dir;

  private BenchDatabase(String uri, EmbeddedPostgres server, Path dir) {
    this.uri = uri;
    this.embedded = server != null;
    this.server = server;
    this.dir = dir;
  }

  static BenchDatabase open(String name) throws IOException {
    String configured = System.getenv("HERALD_PG_URI");
    if (configured != null && !configured.isBlank()) {
      return new BenchDatabase(configured, null, null);
    }
    Path dir = Files.createTempDirectory(name);
    EmbeddedPostgres server = EmbeddedPostgres.start(dir);
    return new BenchDatabase(server.uri(), server, dir);
  }

  @Override
  public void close() throws IOException {
    if (server != null) {
      server.close();
      Args.deleteTree(dir);
    }
  }
}
