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
import java.util.function.Function;
import java.util.TreeSet;

/**
 * The server's CapabilityStatement: exactly the interactions and search parameters Herald
 * supports. Every resource type is handled alike: the FHIR R4 types are listed in {@code rest.resource},
 * the custom types of the search-parameter registry in an extension on {@code rest} (R4 binds
 * {@code rest.resource.type} to its own resource types), and any other type whose name matches
 * {@code [A-Z][A-Za-z0-9]{0,63}} is accepted the same way (with the common parameters).
 */
public final class CapabilityStatements {

  /**
   * Lists a custom type on {@code rest}: sub-extensions {@code type} (valueCode) and one {@code searchParam}
   * per parameter, itself with {@code name} (valueString) and {@code type} (valueCode).
   */
  public static final String CUSTOM_TYPE_EXTENSION = "http://herald.io/fhir/StructureDefinition/custom-resource-type";

  private static final List<String> TYPE_INTERACTIONS =
      List.of("read", "vread", "update", "delete", "history-instance", "history-type", "create", "search-type");

  private CapabilityStatements() {
  }

  public static JsonObject of(String version, String publishedAt, Registry registry) {
    List<String> r4 = r4Types();
    JsonArray resources = new JsonArray();
    for (String type : new TreeSet<>(r4)) {
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
          .put("searchParam", searchParams(registry, type, Function.identity())));
      if (type.equals("Subscription")) {
        JsonObject subscription = resources.getJsonObject(resources.size() - 1);
        subscription.put("supportedProfile", new JsonArray().add(Backport.SUBSCRIPTION));
        JsonArray operations = new JsonArray();
        for (String[] op : new String[][] {{"status", "backport-subscription-status"}, {"events", "backport-subscription-events"},
            {"get-ws-binding-token", "backport-subscription-get-ws-binding-token"}, {"poll", null}}) {
          JsonObject operation = new JsonObject().put("name", op[0]);
          operation.put("definition", op[1] == null ? "http://herald.io/fhir/OperationDefinition/subscription-poll"
              : "http://hl7.org/fhir/uv/subscriptions-backport/OperationDefinition/" + op[1]);
          operations.add(operation);
        }
        subscription.put("operation", operations);
      }
    }
    // Custom types are not R4 ResourceTypes (the binding of rest.resource.type is required): each is an extension.
    JsonArray customTypes = new JsonArray();
    for (String type : new TreeSet<>(registry.types())) {
      if (!r4.contains(type)) {
        JsonArray parts = new JsonArray().add(new JsonObject().put("url", "type").put("valueCode", type));
        searchParams(registry, type, p -> new JsonObject().put("url", "searchParam").put("extension", new JsonArray()
            .add(new JsonObject().put("url", "name").put("valueString", p.getString("name")))
            .add(new JsonObject().put("url", "type").put("valueCode", p.getString("type"))))).forEach(parts::add);
        customTypes.add(new JsonObject().put("url", CUSTOM_TYPE_EXTENSION).put("extension", parts));
      }
    }
    JsonObject rest = new JsonObject().put("mode", "server");
    if (!customTypes.isEmpty()) {
      rest.put("extension", customTypes);
    }
    rest.put("resource", resources)
        .put("interaction", new JsonArray().add(new JsonObject().put("code", "history-system")));
    return new JsonObject()
        .put("resourceType", "CapabilityStatement")
        .put("text", Narratives.generated("Herald " + version + ": FHIR R4 store with change subscriptions. "
            + "Every R4 resource type, and custom types matching [A-Z][A-Za-z0-9]{0,63}, with read, vread, update, "
            + "delete, history, create and search."))
        .put("status", "active")
        .put("date", publishedAt)
        .put("kind", "instance")
        .put("instantiates", new JsonArray().add(Backport.SERVER_R4))
        .put("software", new JsonObject().put("name", "Herald").put("version", version))
        .put("implementation", new JsonObject().put("description",
            "Herald: FHIR resource store with change subscriptions. Any resource type matching "
                + "[A-Z][A-Za-z0-9]{0,63} is accepted with the interactions listed for each type; the custom types "
                + "with search parameters of their own are listed in the extension " + CUSTOM_TYPE_EXTENSION + "."))
        .put("fhirVersion", "4.0.1")
        .put("format", new JsonArray().add("application/fhir+json").add("json"))
        .put("rest", new JsonArray().add(rest));
  }

  private static JsonArray searchParams(Registry registry, String type, Function<JsonObject, JsonObject> shape) {
    JsonArray params = new JsonArray();
    for (SearchParameter p : registry.forType(type)) {
      if (p.type().evaluable()) {
        params.add(shape.apply(new JsonObject().put("name", p.name()).put("type", p.type().name().toLowerCase(Locale.ROOT))));
      }
    }
    return params;
  }

  public static List<String> r4Types() {
    try (InputStream in = CapabilityStatements.class.getResourceAsStream("/fhir/r4-resource-types.txt")) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().filter(l -> !l.isBlank()).toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
