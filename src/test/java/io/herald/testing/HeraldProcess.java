package io.herald.testing;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Herald as operators run it: its own JVM ({@code io.herald.Main}, the configuration in {@code conf/} and
 * {@code cluster.xml} of the working directory), with the environment given, on a free HTTP port; ready once
 * {@code /health/ready} says so.
 */
public final class HeraldProcess implements AutoCloseable {

  private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();

  public final int port;
  private final Process process;
  private final Path log;

  private HeraldProcess(int port, Process process, Path log) {
    this.port = port;
    this.process = process;
    this.log = log;
  }

  /** Starts a node; call {@link #awaitReady} before using it (several may start at once). */
  public static HeraldProcess launch(Map<String, String> environment) throws IOException {
    return launch(environment, HeraldNode.freePort());
  }

  /** As above, on HTTP port {@code port} (a node started again where it was). */
  public static HeraldProcess launch(Map<String, String> environment, int port) throws IOException {
    Path log = Files.createTempFile("herald-node", ".log");
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx384m", "-cp", System.getProperty("java.class.path"), "io.herald.Main"));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile())
        .directory(new File("."));
    builder.environment().put("HERALD_AUTH", "off");   // unless the test says otherwise: these tests are not about tokens
    builder.environment().put("HERALD_DELIVER_ALLOWED_HOSTS", "127.0.0.1,localhost");   // their receivers are local
    builder.environment().putAll(environment);
    builder.environment().put("HERALD_HTTP_PORT", Integer.toString(port));
    builder.environment().put("HERALD_HTTP_HOST", "127.0.0.1");
    return new HeraldProcess(port, builder.start(), log);
  }

  public HeraldProcess awaitReady() throws IOException, InterruptedException {
    long deadline = System.nanoTime() + 90_000_000_000L;
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new AssertionError("Herald exited: " + Files.readString(log));
      }
      try {
        if (get("/health/ready").statusCode() == 200) {
          return this;
        }
      } catch (IOException notYet) {
        // not listening yet
      }
      Thread.sleep(200);
    }
    throw new AssertionError("Herald was not ready in 90 s: " + Files.readString(log));
  }

  public String base() {
    return "http://localhost:" + port;
  }

  public HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return HTTP.send(HttpRequest.newBuilder(URI.create(base() + path)).timeout(Duration.ofSeconds(60)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  public HttpResponse<String> send(String method, String path, String body) throws IOException, InterruptedException {
    return HTTP.send(HttpRequest.newBuilder(URI.create(base() + path)).timeout(Duration.ofSeconds(60))
        .header("Content-Type", "application/fhir+json")
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
        .build(), HttpResponse.BodyHandlers.ofString());
  }

  /** The delivery buckets this node holds now (from {@code /health/ready}). */
  public List<Integer> buckets() throws IOException, InterruptedException {
    JsonObject health = new JsonObject(get("/health/ready").body());
    for (Object check : health.getJsonArray("checks", new JsonArray())) {
      JsonObject c = (JsonObject) check;
      if ("delivery".equals(c.getString("id"))) {
        return c.getJsonObject("data").getJsonArray("buckets").stream().map(b -> ((Number) b).intValue()).toList();
      }
    }
    return List.of();
  }

  public long pid() {
    return process.pid();
  }

  /** kill -9. */
  public void kill() throws InterruptedException {
    process.destroyForcibly().waitFor();
  }

  public String log() throws IOException {
    return Files.readString(log);
  }

  /** SIGTERM, and waits for the orderly shutdown. */
  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      process.destroy();
      if (!process.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor();
      }
    }
  }
}
