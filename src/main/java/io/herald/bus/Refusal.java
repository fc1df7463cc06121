package io.herald.bus;

/** An operation refused for a reason the client should hear, with its {@link Failures} code. */
public final class Refusal extends RuntimeException {

  public final int code;

  public Refusal(int code, String message) {
    super(message, null, false, false);
    this.code = code;
  }
}
