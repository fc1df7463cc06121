package io.herald.http;

import io.herald.fhir.OperationOutcomes;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;

/** Writing FHIR responses: content type, ETag, Last-Modified, Location, Content-Location and {@code Prefer: return=}. */
final class Responses {

  static final String FHIR_JSON = "application/fhir+json; charset=utf-8";

  private Responses() {
  }

  static void json(RoutingContext ctx, int status, JsonObject body) {
    json(ctx.response(), status, body);
  }

  static void json(HttpServerResponse response, int status, JsonObject body) {
    response.setStatusCode(status).putHeader("Content-Type", FHIR_JSON).end(body.toBuffer());
  }

  /** An error: an OperationOutcome of one issue. */
  static void outcome(HttpServerResponse response, int status, String code, String diagnostics) {
    json(response, status, OperationOutcomes.error(code, diagnostics));
  }

  /**
   * A resource reply from the store ({resource?, versionId, lastUpdated}), shaped by the
   * request's {@code Prefer} header: minimal (no body), OperationOutcome, or representation (default).
   */
  static void resource(RoutingContext ctx, int status, JsonObject reply, String type, String id, boolean location) {
    HttpServerResponse response = ctx.response().setStatusCode(status);
    long versionId = reply.getLong("versionId");
    response.putHeader("ETag", "W/\"" + versionId + "\"");
    response.putHeader("Last-Modified", httpDate(reply.getString("lastUpdated")));
    String versioned = base(ctx) + "/fhir/" + type + "/" + id + "/_history/" + versionId;
    if (location) {
      response.putHeader("Location", versioned);
    }
    String prefer = ctx.request().getHeader("Prefer");
    if (prefer != null && prefer.contains("return=minimal")) {
      response.end();
    } else if (prefer != null && prefer.contains("return=OperationOutcome")) {
      response.putHeader("Content-Type", FHIR_JSON)
          .end(OperationOutcomes.information(type + "/" + id + " is now at version " + versionId).toBuffer());
    } else if (reply.getJsonObject("resource") == null) {
      response.putHeader("Content-Type", FHIR_JSON)
          .end(OperationOutcomes.information(type + "/" + id + " deleted; version " + versionId).toBuffer());
    } else {
      response.putHeader("Content-Location", versioned)   // the version in the body (clients read its id off it)
          .putHeader("Content-Type", FHIR_JSON).end(reply.getJsonObject("resource").toBuffer());
    }
  }

  /** The server's base URL as the client sees it, e.g. {@code http://localhost:8080} (the Host was checked by {@link RequestGuard}). */
  static String base(RoutingContext ctx) {
    return RequestGuard.base(ctx.request());
  }

  private static String httpDate(String instant) {
    return DateTimeFormatter.RFC_1123_DATE_TIME.format(OffsetDateTime.parse(instant));
  }
}
