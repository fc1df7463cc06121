package io.herald.auth;

/**
 * Who a valid token speaks for, what it may do, and until when.
 *
 * @param expiresAt the token's expiry, epoch seconds
 */
public record Caller(String client, Scopes scopes, long expiresAt) {
}
