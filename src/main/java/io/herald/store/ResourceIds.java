package io.herald.store;

import java.security.SecureRandom;
import java.util.UUID;

/**
 * Ids for created resources: UUIDs of version 7 (RFC 9562), whose first 48 bits are the time in milliseconds and the
 * other 74 random. Ids created close together sort close together, so each index keyed by id (the resource's primary
 * key, its history, its search rows) grows at its end instead of at a random page: fewer page splits, fewer pages
 * written whole after each checkpoint, and a cache that holds the pages being written. 74 random bits from a
 * {@link SecureRandom} keep an id from being guessed, though not from showing when it was created (as
 * {@code meta.lastUpdated} of its first version does).
 */
public final class ResourceIds {

  private static final SecureRandom RANDOM = new SecureRandom();

  private ResourceIds() {
  }

  public static String next() {
    return at(System.currentTimeMillis(), RANDOM.nextLong(), RANDOM.nextLong());
  }

  /** The id made of the time {@code millis} and the random bits of {@code a} (12 used) and {@code b} (62 used). */
  static String at(long millis, long a, long b) {
    long high = (millis & 0xFFFF_FFFF_FFFFL) << 16 | 0x7000L | (a & 0x0FFFL);
    long low = (b & 0x3FFF_FFFF_FFFF_FFFFL) | 0x8000_0000_0000_0000L;
    return new UUID(high, low).toString();
  }
}
