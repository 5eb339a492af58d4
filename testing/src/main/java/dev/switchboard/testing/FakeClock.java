package dev.switchboard.testing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * A clock that a test moves by hand, so that timeouts, expiries and rates are tested without
 * sleeping. Pass it where the code takes a {@link Clock}, and {@link #nanoTime FakeClock::nanoTime}
 * where it takes a monotonic ticker ({@code LongSupplier}). Thread-safe; time never goes back.
 *
 * <pre>{@code
 * FakeClock clock = FakeClock.at(Instant.parse("2026-01-01T00:00:00Z"));
 * TokenIssuer issuer = new TokenIssuer(clock, ...);
 * clock.advance(Duration.ofMinutes(5));
 * }</pre>
 */
public final class FakeClock extends Clock {
  // Shared with the views withZone returns, so that they all move together.
  private final Time time;
  private final ZoneId zone;

  private FakeClock(Time time, ZoneId zone) {
    this.time = time;
    this.zone = zone;
  }

  /** A clock standing at {@code start}, in UTC. */
  public static FakeClock at(Instant start) {
    return new FakeClock(new Time(start), ZoneOffset.UTC);
  }

  /** Moves the time forward by {@code duration}. */
  public void advance(Duration duration) {
    if (duration.isNegative()) {
      throw new IllegalArgumentException("time does not go back: " + duration);
    }
    time.advance(duration);
  }

  /** Nanoseconds since the clock's start: a monotonic ticker that moves with {@link #advance}. */
  public long nanoTime() {
    return Duration.between(time.start, time.now()).toNanos();
  }

  @Override
  public Instant instant() {
    return time.now();
  }

  @Override
  public ZoneId getZone() {
    return zone;
  }

  /** A view in another zone that moves with this clock. */
  @Override
  public FakeClock withZone(ZoneId zone) {
    return new FakeClock(time, zone);
  }

  @Override
  public String toString() {
    return "FakeClock[" + time.now() + ", " + zone + "]";
  }

  private static final class Time {
    final Instant start;
    private volatile Instant now;

    Time(Instant start) {
      this.start = start;
      this.now = start;
    }

    Instant now() {
      return now;
    }

    synchronized void advance(Duration duration) {
      now = now.plus(duration);
    }
  }
}
