package io.herald.database;

import io.zonky.test.db.postgres.embedded.DefaultPostgresBinaryResolver;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.tukaani.xz.XZInputStream;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Logger;

/**
 * A PostgreSQL server for one data directory, from the binaries zonky packs for every platform.
 *
 * <p>Why not zonky's own {@code EmbeddedPostgres}: it stops the server from a JVM shutdown hook of
 * its own, which runs at the same time as Herald's graceful shutdown and would cut in-flight
 * requests off their database; it also cannot run as root. This class starts and stops the server
 * when Herald says so, keeps the data where it is told ({@code ./data} by default) with fsync and
 * synchronous commit on, and when run as root wraps {@code initdb}/{@code pg_ctl} in
 * {@code unshare -U} (PostgreSQL refuses to run as root; in a new user namespace it runs as nobody).
 */
public final class EmbeddedPostgres implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger(EmbeddedPostgres.class.getName());

  private final Path bin;
  private final Path data;
  private final int port;

  private EmbeddedPostgres(Path bin, Path data, int port) {
    this.bin = bin;
    this.data = data;
    this.port = port;
  }

  /** Starts PostgreSQL on a free loopback port with its data in {@code dataDir} (created, or reused as it is). */
  public static EmbeddedPostgres start(Path dataDir) {
    return start(dataDir, freePort());
  }

  /** As {@link #start(Path)}, on loopback port {@code port}. */
  public static EmbeddedPostgres start(Path dataDir, int port) {
    Path bin = unpackBinaries().resolve("bin");
    Path data = dataDir.toAbsolutePath().resolve("pg");
    EmbeddedPostgres pg = new EmbeddedPostgres(bin, data, port);
    pg.initIfNeeded();
    pg.stopLeftover();
    pg.run(List.of("pg_ctl", "-D", data.toString(), "-l", data.resolve("postgres.log").toString(), "-w", "-t", "60",
        "-o", "-p " + pg.port + " -c listen_addresses=127.0.0.1 -c fsync=on -c synchronous_commit=on"
            + " -c full_page_writes=on -c max_connections=200 -c timezone=UTC",
        "start"));
    LOG.info(() -> "Embedded PostgreSQL on 127.0.0.1:" + pg.port + ", data in " + data);
    return pg;
  }

  public String uri() {
    return "postgresql://postgres@127.0.0.1:" + port + "/postgres";
  }

  public int port() {
    return port;
  }

  @Override
  public void close() {
    run(List.of("pg_ctl", "-D", data.toString(), "-m", "fast", "-w", "-t", "60", "stop"));
    LOG.info("Embedded PostgreSQL stopped");
  }

  private void initIfNeeded() {
    if (Files.exists(data.resolve("PG_VERSION"))) {
      return;
    }
    try {
      Files.createDirectories(data.getParent());
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot create " + data.getParent(), e);
    }
    run(List.of("initdb", "-A", "trust", "-U", "postgres", "-D", data.toString(), "-E", "UTF-8", "--no-locale"));
  }

  /** A server left running by a process that was killed (kill -9) still holds the data directory. */
  private void stopLeftover() {
    if (Files.exists(data.resolve("postmaster.pid"))) {
      try {
        run(List.of("pg_ctl", "-D", data.toString(), "-m", "fast", "-w", "-t", "60", "stop"));
        LOG.info("Stopped a PostgreSQL server left running on " + data);
      } catch (IllegalStateException stale) {
        LOG.fine(() -> "No server behind the leftover postmaster.pid: " + stale.getMessage());
      }
    }
  }

  private void run(List<String> command) {
    List<String> argv = new ArrayList<>();
    if (isRoot()) {
      argv.add("unshare");
      argv.add("-U");
    }
    argv.add(bin.resolve(command.get(0)).toString());
    argv.addAll(command.subList(1, command.size()));
    try {
      Path log = Files.createTempFile("herald-pg", ".log");
      Process process = new ProcessBuilder(argv).redirectErrorStream(true).redirectOutput(log.toFile()).start();
      int exit = process.waitFor();
      String output = Files.readString(log);
      Files.deleteIfExists(log);
      if (exit != 0) {
        throw new IllegalStateException(command.get(0) + " failed (exit " + exit + "): " + output.strip());
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot run " + argv, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while running " + command.get(0), e);
    }
  }

  private static boolean isRoot() {
    return "root".equals(System.getProperty("user.name"));
  }

  /** Unpacks zonky's archive once per version into the temp directory, and returns where. */
  private static synchronized Path unpackBinaries() {
    String system = System.getProperty("os.name").toLowerCase().contains("mac") ? "Darwin" : "Linux";
    String arch = System.getProperty("os.arch").equals("amd64") ? "x86_64" : System.getProperty("os.arch");
    try (InputStream archive = DefaultPostgresBinaryResolver.INSTANCE.getPgBinary(system, arch)) {
      byte[] bytes = archive.readAllBytes();
      String digest = Integer.toHexString(java.util.Arrays.hashCode(bytes)) + "-" + bytes.length;
      Path target = Path.of(System.getProperty("java.io.tmpdir"), "herald-pg-" + digest);
      if (Files.exists(target.resolve(".complete"))) {
        return target;
      }
      Path staging = Files.createTempDirectory(target.getParent(), "herald-pg-unpack");
      extract(bytes, staging);
      Files.createFile(staging.resolve(".complete"));
      try {
        Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
      } catch (IOException raced) {
        if (!Files.exists(target.resolve(".complete"))) {
          throw raced;
        }
      }
      return target;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot unpack the PostgreSQL binaries", e);
    }
  }

  private static void extract(byte[] txz, Path into) throws IOException {
    try (TarArchiveInputStream tar = new TarArchiveInputStream(new XZInputStream(new java.io.ByteArrayInputStream(txz)))) {
      TarArchiveEntry entry;
      while ((entry = tar.getNextEntry()) != null) {
        Path path = into.resolve(entry.getName()).normalize();
        if (!path.startsWith(into)) {
          throw new IOException("Archive entry outside the target: " + entry.getName());
        }
        if (entry.isDirectory()) {
          Files.createDirectories(path);
        } else if (entry.isSymbolicLink()) {
          Files.createDirectories(path.getParent());
          Files.createSymbolicLink(path, Path.of(entry.getLinkName()));
        } else {
          Files.createDirectories(path.getParent());
          Files.copy(tar, path, StandardCopyOption.REPLACE_EXISTING);
          if ((entry.getMode() & 0100) != 0 || entry.getName().contains("bin/")) {
            path.toFile().setExecutable(true, false);
          }
        }
      }
    }
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
