package io.herald.bench;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.concurrent.TimeUnit;

/**
 * Herald as its own process, started as an operator starts it ({@code io.herald.Main}, the
 * configuration in {@code conf/}), on a free port and a given PostgreSQL: a benchmark's client
 * then shares neither heap, garbage collector nor JIT with the server it measures.
 */
final class HeraldProcess implements AutoCloseable {

  final int port;
  private final Process process;
  private final Path log;

  private HeraldProcess(int port, Process process, Path log) {
    this.port = port;
    this.process = process;
    this.log = log;
  }

  /**
   * Starts Herald with {@code jvmOptions} (space-separated, may be blank) on {@code pgUri}, from {@code jar} (blank:
   * this benchmark's own classes; another build's jar to compare builds in one run).
   */
  static HeraldProcess start(String pgUri, String jvmOptions, String jar) throws IOException, InterruptedException {
    return start(pgUri, jvmOptions, jar, null);
  }

  /** As {@link #start(String, String, String)}, with {@code config} (may be null) as its configuration file. */
  static HeraldProcess start(String pgUri, String jvmOptions, String jar, Path config)
      throws IOException, InterruptedException {
    return start(pgUri, jvmOptions, jar, config, java.util.Map.of());
  }

  /** As above, with more environment variables (e.g. a cluster member's). */
  static HeraldProcess start(String pgUri, String jvmOptions, String jar, Path config, java.util.Map<String, String> env)
      throws IOException, InterruptedException {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    Path log = Files.createTempFile("herald-bench", ".log");
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    if (!jvmOptions.isBlank()) {
      command.addAll(List.of(jvmOptions.trim().split("\\s+")));
    }
    command.addAll(List.of("-cp", jar.isBlank() ? System.getProperty("java.class.path") : jar, "io.herald.Main"));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    builder.environment().put("HERALD_AUTH", "off");   // the pipeline's cost, without a token's check per request
    builder.environment().put("HERALD_DELIVER_ALLOWED_HOSTS", "127.0.0.1,localhost");   // the receiver is local
    builder.environment().put("HERALD_PG_URI", pgUri);
    builder.environment().put("HERALD_HTTP_PORT", Integer.toString(port));
    builder.environment().put("HERALD_HTTP_HOST", "127.0.0.1");
    if (config != null) {
      builder.environment().put("HERALD_CONFIG", config.toString());
    }
    builder.environment().putAll(env);
    HeraldProcess herald = new HeraldProcess(port, builder.start(), log);
    herald.awaitReady();
    return herald;
  }

  private void awaitReady() throws IOException, InterruptedException {
    HttpClient http = HttpClient.newHttpClient();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException("Herald exited: " + Files.readString(log));
      }
      try {
        HttpResponse<Void> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/fhir/metadata")).build(),
            HttpResponse.BodyHandlers.discarding());
        if (r.statusCode() == 200) {
          return;
        }
      } catch (IOException notYet) {
        Thread.sleep(100);
      }
    }
    close();
    throw new IllegalStateException("Herald did not start within 60 s: " + Files.readString(log));
  }

  /** The bytes of Herald's live heap objects, after the full collection {@code jcmd GC.class_histogram} makes. */
  long liveHeapBytes() throws IOException, InterruptedException {
    Process jcmd = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
        Long.toString(process.pid()), "GC.class_histogram").redirectErrorStream(true).start();
    String out = new String(jcmd.getInputStream().readAllBytes());
    jcmd.waitFor();
    Matcher total = Pattern.compile("(?m)^Total\\s+\\d+\\s+(\\d+)").matcher(out);
    if (!total.find()) {
      throw new IllegalStateException("jcmd GC.class_histogram said: " + out);
    }
    return Long.parseLong(total.group(1));
  }

  /** Herald's resident memory, from /proc. */
  long residentBytes() throws IOException {
    Matcher rss = Pattern.compile("(?m)^VmRSS:\\s+(\\d+) kB").matcher(Files.readString(Path.of("/proc", Long.toString(process.pid()), "status")));
    return rss.find() ? Long.parseLong(rss.group(1)) * 1024 : -1;
  }

  /** kill -9, and waits for it. */
  void kill() throws InterruptedException {
    process.destroyForcibly().waitFor();
  }

  /** Stops Herald as SIGTERM does, and waits for it. */
  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor();
    }
    try {
      Files.deleteIfExists(log);
    } catch (IOException ignored) {
      // a temporary file
    }
  }
}
