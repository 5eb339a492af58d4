package dev.switchboard.messaging;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.Objects;
import java.util.Random;

/**
 * Exponential reconnect backoff with jitter: attempt n waits a random time between half and all of
 * {@code min(initial × 2^n, max)}, so that clients cut off together do not come back together.
 * Every reconnecting session here uses it (the hub's clients, TitanCompute's agents), after its
 * peer was declared dead by {@link Liveness} or its stream broke.
 *
 * <pre>{@code
 * Backoff backoff = Backoff.exponential(Duration.ofMillis(100), Duration.ofSeconds(5));
 * scheduler.schedule(this::reconnect, backoff.next().toMillis(), TimeUnit.MILLISECONDS);
 * // once connected again:
 * backoff.reset();
 * }</pre>
 *
 * <p>Not thread-safe; one per reconnecting connection.
 */
public final class Backoff {
  private final long initialMillis;
  private final long maxMillis;
  private final Random random;
  private int attempt;

  private Backoff(Duration initial, Duration max, Random random) {
    if (initial.toMillis() < 1 || max.compareTo(initial) < 0) {
      throw new IllegalArgumentException(
          "backoff needs 1 ms <= initial <= max, was " + initial + " and " + max);
    }
    this.initialMillis = initial.toMillis();
    this.maxMillis = max.toMillis();
    this.random = Objects.requireNonNull(random, "random");
  }

  /**
   * Waits growing from {@code initial} to at most {@code max}, jittered.
   *
   * @throws IllegalArgumentException unless 1 ms &lt;= initial &lt;= max
   */
  public static Backoff exponential(Duration initial, Duration max) {
    return new Backoff(initial, max, new SecureRandom());
  }

  /** The same with the jitter drawn from {@code random} (tests pass a seeded one). */
  public static Backoff exponential(Duration initial, Duration max, Random random) {
    return new Backoff(initial, max, random);
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

  @Override
  public String toString() {
    return "Backoff{" + initialMillis + " ms to " + maxMillis + " ms, attempt " + attempt + "}";
  }
}
