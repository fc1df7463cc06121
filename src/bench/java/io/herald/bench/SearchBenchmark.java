package io.herald.bench;

import io.herald.Config;
import io.herald.Herald;
import io.herald.http.HttpConfig;
import io.herald.store.BulkLoad;
import io.herald.Registries;
import io.herald.store.StoreConfig;
import io.herald.database.Database;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgBuilder;
import io.vertx.sqlclient.Pool;
import org.HdrHistogram.Histogram;

import java.net.ServerSocket;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;

/**
 * First-page latency of REST searches over a loaded store.
 *
 * <pre>java -cp target/herald.jar io.herald.bench.SearchBenchmark [--patients 100000] [--observations 300000] [--queries 200] [--load true]</pre>
 *
 * Loads Patients (names from 1,000 families, unique identifiers, birth dates 1930–2010) and
 * Observations (100 codes, 3 per patient) through herald_write, then times {@code --queries}
 * sequential searches of each kind over HTTP, each with other values, and prints p50/p99.
 */
public final class SearchBenchmark {

  private static final String[] SYLLABLES = {"ka", "lo", "mi", "ne", "ro", "sa", "tu", "vi", "be", "do"};

  private SearchBenchmark() {
  }

  public static void main(String[] args) throws Exception {
    io.herald.Main.configureLogging();
    Map<String, String> options = Args.parse(args, Map.of("patients", "100000", "observations", "300000", "queries", "200", "load", "true"));
    int patients = Integer.parseInt(options.get("patients"));
    int observations = Integer.parseInt(options.get("observations"));
    int queries = Integer.parseInt(options.get("queries"));
    BenchDatabase database = BenchDatabase.open("herald-search-bench");
    String pgUri = database.uri;
    JsonObject config = Config.load(System.getenv());
    StoreConfig store = StoreConfig.from(config.getJsonObject("store")).withPgUri(pgUri);
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    Vertx vertx = Vertx.vertx();
    Herald herald = Herald.deploy(vertx, store, HttpConfig.from(config.getJsonObject("http")).withPort(port)).await();

    Pool pool = PgBuilder.pool().connectingTo(Database.connectOptions(pgUri)).using(vertx).build();
    Random r = new Random(11);
    if (Boolean.parseBoolean(options.get("load"))) {   // --load false: query what HERALD_PG_URI already holds
      long t0 = System.nanoTime();
      long loaded = BulkLoad.load(pool, Registries.load(store.searchParameters()).registry(),
          generate(patients, observations, r), 4, 64).await();
      double seconds = (System.nanoTime() - t0) / 1e9;
      System.out.printf("Loaded %d resources (%d Patients, %d Observations) in %.0f s (%.0f/s)%n",
          loaded, patients, observations, seconds, loaded / seconds);
      pool.query("VACUUM ANALYZE").execute().await();
    }

    LoadGenerator client = new LoadGenerator(vertx, port, 8);
    Map<String, Function<Random, String>> kinds = new LinkedHashMap<>();
    kinds.put("Patient?name=", x -> "Patient?name=" + SYLLABLES[x.nextInt(10)] + SYLLABLES[x.nextInt(10)].charAt(0));
    kinds.put("Patient?identifier=", x -> "Patient?identifier=" + enc("urn:mrn|M" + x.nextInt(patients)));
    kinds.put("Patient?birthdate=lt", x -> "Patient?birthdate=lt" + (1935 + x.nextInt(70)));
    kinds.put("Observation?code=", x -> "Observation?code=" + enc("http://loinc.org|" + code(x.nextInt(100))));
    kinds.put("Observation?subject=", x -> "Observation?subject=Patient/p" + x.nextInt(patients));
    System.out.printf("First page (default _count), %d sequential queries each, over HTTP:%n", queries);
    for (Map.Entry<String, Function<Random, String>> kind : kinds.entrySet()) {
      for (int i = 0; i < 20; i++) {   // warm-up
        get(client, kind.getValue().apply(r));
      }
      Histogram h = new Histogram(60_000_000L, 3);
      long hits = 0;
      for (int i = 0; i < queries; i++) {
        long start = System.nanoTime();
        JsonObject bundle = get(client, kind.getValue().apply(r));
        h.recordValue((System.nanoTime() - start) / 1000);
        hits += bundle.getJsonArray("entry", new JsonArray()).size();
      }
      System.out.printf("  %-24s p50 %6.2f ms  p99 %6.2f ms  (%.1f results on the first page on average; target p50 < 25 ms)%n",
          kind.getKey(), h.getValueAtPercentile(50) / 1000.0, h.getValueAtPercentile(99) / 1000.0, hits / (double) queries);
    }
    client.close().await();
    pool.close().await();
    herald.stop().await();
    vertx.close().await();
    database.close();
  }

  private static JsonObject get(LoadGenerator client, String query) {
    return client.request(HttpMethod.GET, "/fhir/" + query, null).await();
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  private static String code(int i) {
    return (1000 + i) + "-" + (i % 10);
  }

  private static Iterator<JsonObject> generate(int patients, int observations, Random r) {
    return new Iterator<>() {
      int n;

      @Override
      public boolean hasNext() {
        return n < patients + observations;
      }

      @Override
      public JsonObject next() {
        int i = n++;
        if (i < patients) {
          String family = SYLLABLES[r.nextInt(10)] + SYLLABLES[r.nextInt(10)] + SYLLABLES[r.nextInt(10)];
          return new JsonObject().put("resourceType", "Patient").put("id", "p" + i)
              .put("identifier", new JsonArray().add(new JsonObject().put("system", "urn:mrn").put("value", "M" + i)))
              .put("name", new JsonArray().add(new JsonObject().put("family", Character.toUpperCase(family.charAt(0)) + family.substring(1))
                  .put("given", new JsonArray().add(SYLLABLES[r.nextInt(10)] + "na"))))
              .put("gender", r.nextBoolean() ? "male" : "female")
              .put("birthDate", String.format("%d-%02d-%02d", 1930 + r.nextInt(80), 1 + r.nextInt(12), 1 + r.nextInt(28)));
        }
        int o = i - patients;
        return new JsonObject().put("resourceType", "Observation").put("id", "o" + o).put("status", "final")
            .put("code", new JsonObject().put("coding", new JsonArray().add(new JsonObject()
                .put("system", "http://loinc.org").put("code", code(r.nextInt(100))))))
            .put("subject", new JsonObject().put("reference", "Patient/p" + (o % patients)))
            .put("effectiveDateTime", String.format("2026-%02d-%02dT10:00:00Z", 1 + r.nextInt(12), 1 + r.nextInt(28)))
            .put("valueQuantity", new JsonObject().put("value", r.nextInt(200)).put("unit", "mg")
                .put("system", "http://unitsofmeasure.org").put("code", "mg"));
      }
    };
  }
}
