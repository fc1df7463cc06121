package io.herald.fhir;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** FHIR {@code OperationOutcome}: the body of every error, and of some successes. */
public final class OperationOutcomes {

  private OperationOutcomes() {
  }

  /**
   * @param severity fatal | error | warning | information
   * @param code     a FHIR issue-type code (invalid, structure, not-found, deleted, conflict, too-long, ...)
   */
  public static JsonObject of(String severity, String code, String diagnostics) {
    return new JsonObject()
        .put("resourceType", "OperationOutcome")
        .put("text", Narratives.generated(severity + ": " + diagnostics))
        .put("issue", new JsonArray().add(new JsonObject()
            .put("severity", severity)
            .put("code", code)
            .put("diagnostics", Narratives.fhirString(diagnostics))));
  }

  public static JsonObject error(String code, String diagnostics) {
    return of("error", code, diagnostics);
  }

  public static JsonObject information(String diagnostics) {
    return of("information", "informational", diagnostics);
  }
}
