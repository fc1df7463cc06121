package io.herald.fhir;

import io.herald.criteria.Registry;
import io.herald.criteria.SearchParameter;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * The server's CapabilityStatement: exactly the interactions and search parameters Herald
 * supports. Every resource type is handled alike; the FHIR R4 types and the custom types of the
 * search-parameter registry are listed, and any other type whose name matches
 * {@code [A-Z][A-Za-z0-9]{0,63}} is accepted the same way (with the common parameters).
 */
public final class CapabilityStatements {

  private static final List<String> TYPE_INTERACTIONS =
      List.of("read", "vread", "update", "delete", "history-instance", "history-type", "create", "search-type");

  private CapabilityStatements() {
  }

  public static JsonObject of(String version, String publishedAt, Registry registry) {
    Set<String> types = new TreeSet<>(r4Types());
    types.addAll(registry.types());
    JsonArray resources = new JsonArray();
    for (String type : types) {
      JsonArray params = new JsonArray();
      for (SearchParameter p : registry.forType(type)) {
        if (p.type().evaluable()) {
          params.add(new JsonObject().put("name", p.name()).put("type", p.type().name().toLowerCase(Locale.ROOT)));
        }
      }
      JsonArray interactions = new JsonArray();
      TYPE_INTERACTIONS.forEach(code -> interactions.add(new JsonObject().put("code", code)));
      resources.add(new JsonObject()
          .put("type", type)
          .put("interaction", interactions)
          .put("versioning", "versioned-update")
          .put("readHistory", true)
          .put("updateCreate", true)
          .put("conditionalCreate", false)
          .put("conditionalUpdate", false)
          .put("conditionalDelete", "not-supported")
          .put("searchParam", params));
    }
    return new JsonObject()
        .put("resourceType", "CapabilityStatement")
        .put("status", "active")
        .put("date", publishedAt)
        .put("kind", "instance")
        .put("software", new JsonObject().put("name", "Herald").put("version", version))
        .put("implementation", new JsonObject().put("description",
            "Herald: FHIR resource store with change subscriptions. Any resource type matching "
                + "[A-Z][A-Za-z0-9]{0,63} is accepted with the interactions listed for each type."))
        .put("fhirVersion", "4.0.1")
        .put("format", new JsonArray().add("application/fhir+json").add("json"))
        .put("rest", new JsonArray().add(new JsonObject()
            .put("mode", "server")
            .put("resource", resources)
            .put("interaction", new JsonArray().add(new JsonObject().put("code", "history-system")))));
  }

  public static List<String> r4Types() {
    try (InputStream in = CapabilityStatements.class.getResourceAsStream("/fhir/r4-resource-types.txt")) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().filter(l -> !l.isBlank()).toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
