package dev.switchboard.messaging;

import java.time.Duration;
import java.util.Objects;

/**
 * How a request is made: its deadline, and whether it is idempotent. An idempotent request whose
 * responder dies before answering is sent to another responder (until the deadline); any other
 * request then fails with {@code UNAVAILABLE}. Immutable.
 */
public final class RequestOptions {
  /** The default deadline: 10 seconds. */
  public static final Duration DEFAULT_DEADLINE = Duration.ofSeconds(10);

  private final Duration deadline;
  private final boolean idempotent;

  private RequestOptions(Duration deadline, boolean idempotent) {
    this.deadline = deadline;
    this.idempotent = idempotent;
  }

  /** A non-idempotent request with {@code deadline}. */
  public static RequestOptions deadline(Duration deadline) {
    return new RequestOptions(positive(deadline), false);
  }

  /** A non-idempotent request with a 10 s deadline. */
  public static RequestOptions defaults() {
    return new RequestOptions(DEFAULT_DEADLINE, false);
  }

  /** The same options, marked idempotent: safe to run again on another responder. */
  public RequestOptions idempotent() {
    return new RequestOptions(deadline, true);
  }

  /** The same options with another deadline. */
  public RequestOptions withDeadline(Duration deadline) {
    return new RequestOptions(positive(deadline), idempotent);
  }

  /** How long the requester waits, from the call, for a reply. */
  public Duration timeout() {
    return deadline;
  }

  /** Whether the request may be retried on another responder. */
  public boolean isIdempotent() {
    return idempotent;
  }

  private static Duration positive(Duration deadline) {
    Objects.requireNonNull(deadline, "deadline");
    if (deadline.isNegative() || deadline.isZero()) {
      throw new IllegalArgumentException("deadline must be positive, was " + deadline);
    }
    return deadline;
  }

  @Override
  public String toString() {
    return "RequestOptions{deadline=" + deadline + (idempotent ? ", idempotent" : "") + "}";
  }
}
