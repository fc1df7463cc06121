package io.herald.bus;

/**
 * Failure codes for {@code message.fail(code, text)}. Fixed numbers, part of the bus contract;
 * the HTTP layer maps each to a status code in one place ({@code io.herald.http.Errors}).
 */
public final class Failures {

  /** The request is malformed or names something unsupported; the text says what. */
  public static final int INVALID = 1;
  /** No such resource or version. */
  public static final int NOT_FOUND = 2;
  /** The resource is deleted. */
  public static final int GONE = 3;
  /** {@code If-Match} names a version that is not the current one. */
  public static final int PRECONDITION_FAILED = 4;
  /** The store could not do its work (database unreachable, unexpected SQL error). */
  public static final int STORE_ERROR = 5;
  /** The request is understood but not allowed in the resource's state (e.g. $poll on a subscription that is off). */
  public static final int FORBIDDEN = 6;
  /** The database is out of reach or refusing work for now (connection refused, shutting down); nothing was done. */
  public static final int UNAVAILABLE = 7;
  /** The connection to the database broke while a write was under way: it may or may not have been made. */
  public static final int OUTCOME_UNKNOWN = 8;
  /** The caller did not prove who it is (no token, a bad one, a wrong client secret, a revoked client). */
  public static final int UNAUTHENTICATED = 9;
  /** What is to be made exists already (a client id taken). */
  public static final int CONFLICT = 10;

  private Failures() {
  }
}
