package io.herald.testing;

import io.vertx.core.json.JsonObject;

import java.net.http.HttpResponse;

/** An HTTP response as the tests look at it. */
public final class Reply {

  public final int status;
  public final String text;
  private final HttpResponse<String> response;

  Reply(HttpResponse<String> response) {
    this.response = response;
    this.status = response.statusCode();
    this.text = response.body();
  }

  public JsonObject json() {
    return new JsonObject(text);
  }

  public String header(String name) {
    return response.headers().firstValue(name).orElse(null);
  }

  /** The diagnostics of an OperationOutcome body. */
  public String diagnostics() {
    JsonObject body = json();
    if (!"OperationOutcome".equals(body.getString("resourceType"))) {
      throw new AssertionError("Expected an OperationOutcome, got " + text);
    }
    return body.getJsonArray("issue").getJsonObject(0).getString("diagnostics");
  }

  @Override
  public String toString() {
    return status + " " + text;
  }
}
