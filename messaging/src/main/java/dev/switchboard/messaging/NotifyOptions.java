package dev.switchboard.messaging;

import java.time.Duration;
import java.util.Objects;

/**
 * How a notification is sent: fire-and-forget or acknowledged, and what happens when the peer is
 * offline (fail fast with {@code UNAVAILABLE}, or hold the message for the peer up to a time to
 * live). Immutable.
 */
public final class NotifyOptions {
  private static final NotifyOptions FIRE_AND_FORGET = new NotifyOptions(false, Duration.ZERO);

  private final boolean acknowledged;
  private final Duration holdFor;

  private NotifyOptions(boolean acknowledged, Duration holdFor) {
    this.acknowledged = acknowledged;
    this.holdFor = holdFor;
  }

  /**
   * Fire-and-forget, failing fast when the peer is offline: the send completes once the transport
   * has routed it to a live peer.
   */
  public static NotifyOptions fireAndForget() {
    return FIRE_AND_FORGET;
  }

  /**
   * Acknowledged, failing fast when the peer is offline: the send completes once the peer's handler
   * returned, or fails with the handler's error.
   */
  public static NotifyOptions acknowledged() {
    return new NotifyOptions(true, Duration.ZERO);
  }

  /**
   * The same, but an offline peer gets the message if it comes online within {@code ttl}; after
   * that the send fails with {@code DEADLINE_EXCEEDED} (acknowledged) or the message is dropped.
   */
  public NotifyOptions holdFor(Duration ttl) {
    Objects.requireNonNull(ttl, "ttl");
    if (ttl.isNegative()) {
      throw new IllegalArgumentException("ttl is negative: " + ttl);
    }
    return new NotifyOptions(acknowledged, ttl);
  }

  /** Whether the sender waits for the peer's handler. */
  public boolean isAcknowledged() {
    return acknowledged;
  }

  /** How long an offline peer's message is held; zero fails fast. */
  public Duration holdTime() {
    return holdFor;
  }

  @Override
  public String toString() {
    return "NotifyOptions{"
        + (acknowledged ? "acknowledged" : "fire-and-forget")
        + (holdFor.isZero() ? ", fail fast" : ", hold " + holdFor)
        + "}";
  }
}
