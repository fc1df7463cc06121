package io.herald.http;

import io.herald.bus.Failures;
import io.herald.criteria.CriteriaException;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;

import java.util.logging.Level;
import java.util.logging.Logger;

/** Turns every failure into a status code and an OperationOutcome, in one place. */
final class Errors {

  private static final Logger LOG = Logger.getLogger(Errors.class.getName());
  /** What a 503 asks a client to wait before trying again. */
  static final int RETRY_AFTER_SECONDS = 2;

  private Errors() {
  }

  /** A request the client got wrong; thrown by handlers, answered by {@link #send}. */
  static final class ClientError extends RuntimeException {
    final int status;
    final String code;

    ClientError(int status, String code, String message) {
      super(message, null, false, false);
      this.status = status;
      this.code = code;
    }
  }

  static ClientError invalid(String message) {
    return new ClientError(400, "invalid", message);
  }

  static ClientError structure(String message) {
    return new ClientError(400, "structure", message);
  }

  /** The request conflicts with what depends on the resource (e.g. deleting a topic subscriptions use). */
  static ClientError conflict(String message) {
    return new ClientError(409, "conflict", message);
  }

  static ClientError gone(String message) {
    return new ClientError(410, "deleted", message);
  }

  static ClientError notFound(String message) {
    return new ClientError(404, "not-found", message);
  }

  /** No token, or one that is not valid: 401 with {@code WWW-Authenticate: Bearer}. */
  static ClientError unauthenticated(String message) {
    return new ClientError(401, "login", message);
  }

  /** A valid token whose scopes do not allow the request. */
  static ClientError forbidden(String message) {
    return new ClientError(403, "forbidden", message);
  }

  /** A client over its limit (429); {@code Retry-After} says when to try again. */
  static ClientError throttled(String message) {
    return new ClientError(429, "throttled", message);
  }

  /** Answers a failed request: client errors as they are, bus failures by their code, the rest as 500. */
  static void send(RoutingContext ctx, Throwable failure) {
    if (failure instanceof ClientError e) {
      respond(ctx, e.status, e.code, e.getMessage());
    } else if (failure instanceof CriteriaException e) {
      respond(ctx, 400, "invalid", e.getMessage());
    } else if (failure instanceof ReplyException reply && reply.failureType() == ReplyFailure.RECIPIENT_FAILURE) {
      switch (reply.failureCode()) {
        case Failures.INVALID -> respond(ctx, 400, "invalid", reply.getMessage());
        case Failures.NOT_FOUND -> respond(ctx, 404, "not-found", reply.getMessage());
        case Failures.GONE -> respond(ctx, 410, "deleted", reply.getMessage());
        case Failures.PRECONDITION_FAILED -> respond(ctx, 412, "conflict", reply.getMessage());
        case Failures.FORBIDDEN -> respond(ctx, 403, "forbidden", reply.getMessage());
        case Failures.UNAUTHENTICATED -> respond(ctx, 401, "login", reply.getMessage());
        case Failures.CONFLICT -> respond(ctx, 409, "conflict", reply.getMessage());
        case Failures.UNAVAILABLE -> unavailable(ctx, reply.getMessage());
        case Failures.OUTCOME_UNKNOWN -> respond(ctx, 504, "timeout", reply.getMessage());
        default -> respond(ctx, 500, "exception", reply.getMessage());
      }
    } else if (failure instanceof ReplyException reply) {
      unavailable(ctx, "The store did not answer (" + reply.failureType() + "): " + reply.getMessage());
    } else {
      LOG.log(Level.SEVERE, "Unexpected failure on " + ctx.request().method() + " " + ctx.request().uri(), failure);
      respond(ctx, 500, "exception", "Internal error: " + failure);
    }
  }

  /** The router's own failures: no route, wrong method, body too large, wrong content type. */
  static void routerFailure(RoutingContext ctx, long bodyLimit) {
    if (ctx.failure() != null && !(ctx.failure() instanceof io.vertx.ext.web.handler.HttpException)) {
      send(ctx, ctx.failure());
      return;
    }
    int status = ctx.statusCode();
    var request = ctx.request();
    switch (status) {
      case 404 -> respond(ctx, 404, "not-found", "No route for " + request.method() + " " + request.path());
      case 405 -> respond(ctx, 405, "not-supported", "Method " + request.method() + " is not allowed on " + request.path());
      case 413 -> respond(ctx, 413, "too-long", "Request body is larger than the limit of " + bodyLimit + " bytes");
      case 415 -> respond(ctx, 415, "not-supported", "Content-Type '" + request.getHeader("Content-Type")
          + "' is not supported; send application/fhir+json or application/json");
      case 400 -> respond(ctx, 400, "invalid", "Bad request: " + (ctx.failure() == null ? "malformed" : ctx.failure().getMessage()));
      default -> respond(ctx, status < 400 ? 500 : status, "exception",
          ctx.failure() == null ? "Request failed with status " + status : ctx.failure().getMessage());
    }
  }

  /**
   * What the HTTP codec itself could not read (Vert.x's invalid-request handler): a request line over the
   * limit (414), headers over the limit (431), anything else malformed (400); the connection is closed.
   */
  static void invalidRequest(HttpServerRequest request) {
    Throwable cause = request.decoderResult().cause();
    HttpServerResponse response = request.response().endHandler(ended -> request.connection().close());
    if (cause instanceof TooLongHttpLineException) {
      Responses.outcome(response, 414, "too-long", "The request line is longer than the limit of "
          + HttpServerOptions.DEFAULT_MAX_INITIAL_LINE_LENGTH + " bytes; send long searches as POST [type]/_search");
    } else if (cause instanceof TooLongHttpHeaderException) {
      Responses.outcome(response, 431, "too-long", "The request headers are larger than the limit of "
          + HttpServerOptions.DEFAULT_MAX_HEADER_SIZE + " bytes");
    } else {
      Responses.outcome(response, 400, "invalid", "The request is not valid HTTP: "
          + (cause == null ? "malformed" : cause.getMessage()));
    }
  }

  /** 503 with {@code Retry-After}: nothing was done, and the same request may succeed in a moment. */
  private static void unavailable(RoutingContext ctx, String diagnostics) {
    if (!ctx.response().headWritten()) {
      ctx.response().putHeader("Retry-After", Integer.toString(RETRY_AFTER_SECONDS));
    }
    respond(ctx, 503, "transient", diagnostics);
  }

  /** A method the route does not take: 405 with {@code Allow}. */
  static void methodNotAllowed(RoutingContext ctx, String allow) {
    ctx.response().putHeader("Allow", allow);
    respond(ctx, 405, "not-supported", "Method " + ctx.request().method() + " is not allowed on "
        + ctx.request().path() + "; it takes " + allow);
  }

  private static void respond(RoutingContext ctx, int status, String code, String diagnostics) {
    if (ctx.response().headWritten()) {
      ctx.response().reset();
      return;
    }
    if (status == 401 && !ctx.response().headers().contains("WWW-Authenticate")) {
      ctx.response().putHeader("WWW-Authenticate", "Bearer realm=\"herald\"");
    }
    Responses.outcome(ctx.response(), status, code, diagnostics);
  }
}
