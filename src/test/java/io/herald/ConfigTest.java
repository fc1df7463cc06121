package io.herald;

import io.herald.http.HttpConfig;
import io.herald.store.StoreConfig;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConfigTest {

  @Test
  void defaultsComeFromConfJson() {
    JsonObject config = Config.load(Map.of());
    HttpConfig http = HttpConfig.from(config.getJsonObject("http"));
    StoreConfig store = StoreConfig.from(config.getJsonObject("store"));
    assertEquals(8080, http.port());
    assertEquals(1048576, http.bodyLimitBytes());
    assertNull(store.pgUri(), "embedded PostgreSQL by default");
    assertEquals(Path.of("data"), store.dataDir());
  }

  @Test
  void environmentOverridesTheFile() {
    JsonObject config = Config.load(Map.of("HERALD_HTTP_PORT", "9090", "HERALD_PG_URI", "postgresql://u:p@db:5432/herald",
        "HERALD_DATA_DIR", "/var/lib/herald"));
    assertEquals(9090, HttpConfig.from(config.getJsonObject("http")).port());
    StoreConfig store = StoreConfig.from(config.getJsonObject("store"));
    assertEquals("postgresql://u:p@db:5432/herald", store.pgUri());
    assertEquals(Path.of("/var/lib/herald"), store.dataDir());
  }

  @Test
  void badValuesFailFastWithTheSettingNamed() {
    IllegalArgumentException port = assertThrows(IllegalArgumentException.class,
        () -> HttpConfig.from(Config.load(Map.of("HERALD_HTTP_PORT", "eighty")).getJsonObject("http")));
    assertTrue(port.getMessage().contains("'port'"), port::getMessage);
    IllegalArgumentException uri = assertThrows(IllegalArgumentException.class,
        () -> StoreConfig.from(Config.load(Map.of("HERALD_PG_URI", "mysql://x")).getJsonObject("store")));
    assertTrue(uri.getMessage().contains("HERALD_PG_URI"), uri::getMessage);
    assertThrows(IllegalArgumentException.class, () -> Config.load(Map.of("HERALD_CONFIG", "/nonexistent.json")));
  }
}
