package dev.switchboard.messaging.internal;

import java.time.Duration;
import java.util.Random;

/**
 * Exponential reconnect backoff with jitter: attempt n waits a random time between half and all of
 * {@code min(initial × 2^n, max)}, so that clients cut off together do not come back together. Not
 * thread-safe; one per reconnecting connection.
 */
public final class Backoff {
  private final long initialMillis;
  private final long maxMillis;
  private final Random random;
  private int attempt;

  public Backoff(Duration initial, Duration max, Random random) {
    if (initial.toMillis() < 1 || max.compareTo(initial) < 0) {
      throw new IllegalArgumentException("backoff needs 1 ms <= initial <= max");
    }
    this.initialMillis = initial.toMillis();
    this.maxMillis = max.toMillis();
    this.random = random;
  }

  /** The wait before the next attempt. */
  public Duration next() {
    long ceiling = initialMillis << Math.min(attempt, 20);
    if (ceiling <= 0 || ceiling > maxMillis) {
      ceiling = maxMillis;
    }
    attempt++;
    long half = ceiling / 2;
    return Duration.ofMillis(half + (long) (random.nextDouble() * (ceiling - half)));
  }

  /** Starts over, after a connection succeeded. */
  public void reset() {
    attempt = 0;
  }
}
