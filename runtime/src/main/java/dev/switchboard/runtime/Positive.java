package dev.switchboard.runtime;

import java.time.Duration;

/**
 * The argument checks that {@link SwitchboardServer.Builder} and {@link SwitchboardChannel.Builder}
 * share, so a limit or a keepalive time is rejected the same way, with the same message, on both
 * sides.
 */
final class Positive {
  private Positive() {}

  /** A message size limit in bytes, for {@code maxInboundMessageSize}. */
  static int messageSize(int bytes) {
    if (bytes <= 0) {
      throw new IllegalArgumentException("maxInboundMessageSize must be positive, was " + bytes);
    }
    return bytes;
  }

  /** A header size limit in bytes, for {@code maxInboundMetadataSize}. */
  static int metadataSize(int bytes) {
    if (bytes <= 0) {
      throw new IllegalArgumentException("maxInboundMetadataSize must be positive, was " + bytes);
    }
    return bytes;
  }

  /** A time such as a keepalive interval; {@code what} names it in the error. */
  static Duration duration(Duration value, String what) {
    if (value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException(what + " must be positive, was " + value);
    }
    return value;
  }
}
