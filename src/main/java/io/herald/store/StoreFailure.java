package io.herald.store;

/** A store operation that failed for a reason the client should hear, with its {@code Failures} code. */
final class StoreFailure extends RuntimeException {

  final int code;

  StoreFailure(int code, String message) {
    super(message, null, false, false);
    this.code = code;
  }
}
