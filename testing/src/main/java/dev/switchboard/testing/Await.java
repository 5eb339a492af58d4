package dev.switchboard.testing;

import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * Waits for something to become true, for tests that watch a system settle (a server healthy, a
 * slot freed, a file written). Polls quickly at first, then every 50 ms. Where the code under test
 * takes a clock or a scheduler, pass a {@link FakeClock} instead of waiting.
 *
 * <pre>{@code
 * Await.until("both agents healthy", Duration.ofSeconds(30), () -> status().healthyAgents() == 2);
 * }</pre>
 */
public final class Await {
  private static final Duration FIRST_PAUSE = Duration.ofMillis(5);
  private static final Duration LONGEST_PAUSE = Duration.ofMillis(50);

  private Await() {}

  /** A condition to wait for. It may throw while the system is not ready (a refused call). */
  @FunctionalInterface
  public interface Condition {
    /** Whether the awaited state has been reached. */
    boolean holds() throws Exception;
  }

  /**
   * Returns as soon as {@code condition} holds. A condition that throws counts as "not yet".
   *
   * @param what what is awaited, for the failure message ("agent-b out of routing")
   * @throws AssertionError after {@code timeout}: "timed out after PT5S waiting for: what", with
   *     the condition's last exception, if any, as the cause
   */
  public static void until(String what, Duration timeout, Condition condition) {
    long deadline = System.nanoTime() + timeout.toNanos();
    Duration pause = FIRST_PAUSE;
    while (true) {
      @Nullable Exception last = null;
      try {
        if (condition.holds()) {
          return;
        }
      } catch (Exception notYet) {
        last = notYet;
      }
      if (System.nanoTime() - deadline > 0) {
        AssertionError failure =
            new AssertionError(
                "timed out after "
                    + timeout
                    + " waiting for: "
                    + what
                    + (last == null ? "" : " (last attempt failed: " + last + ")"));
        if (last != null) {
          failure.initCause(last);
        }
        throw failure;
      }
      pause(pause);
      pause =
          pause.multipliedBy(2).compareTo(LONGEST_PAUSE) > 0
              ? LONGEST_PAUSE
              : pause.multipliedBy(2);
    }
  }

  /** Sleeps; an interrupt fails the test instead of being lost. */
  static void pause(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while waiting", e);
    }
  }
}
