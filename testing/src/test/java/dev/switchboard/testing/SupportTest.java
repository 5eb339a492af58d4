package dev.switchboard.testing;

import static java.util.concurrent.TimeUnit.MILLISECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class SupportTest {
  @Test
  void fakeClockMovesOnlyWhenTold() {
    FakeClock clock = FakeClock.at(Instant.parse("2026-01-01T00:00:00Z"));
    FakeClock paris = clock.withZone(ZoneId.of("Europe/Paris"));

    clock.advance(Duration.ofSeconds(90));

    assertThat(clock.instant()).isEqualTo(Instant.parse("2026-01-01T00:01:30Z"));
    assertThat(paris.instant()).isEqualTo(clock.instant());
    assertThat(clock.nanoTime()).isEqualTo(90_000_000_000L);
    assertThatThrownBy(() -> clock.advance(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void manualSchedulerRunsTasksAtTheirOwnTimesAsTheTestMovesTheClock() {
    ManualScheduler scheduler = new ManualScheduler(FakeClock.at(Instant.EPOCH));
    List<String> ran = new ArrayList<>();
    ScheduledFuture<?> beat =
        scheduler.scheduleAtFixedRate(
            () -> ran.add("beat at " + scheduler.clock().millis()), 1, 1, TimeUnit.SECONDS);
    scheduler.schedule(() -> ran.add("once at " + scheduler.clock().millis()), 1500, MILLISECONDS);

    scheduler.advance(Duration.ofMillis(2999));
    assertThat(ran).containsExactly("beat at 1000", "once at 1500", "beat at 2000");
    assertThat(scheduler.clock().millis()).isEqualTo(2999);

    beat.cancel(false);
    scheduler.advance(Duration.ofSeconds(5));
    assertThat(ran).hasSize(3);
    assertThat(scheduler.pending()).isZero();
  }

  @Test
  void awaitReturnsOnceTheConditionHoldsAndTreatsExceptionsAsNotYet() {
    AtomicInteger calls = new AtomicInteger();
    Await.until(
        "the third call",
        Duration.ofSeconds(10),
        () -> {
          if (calls.incrementAndGet() < 3) {
            throw new IllegalStateException("not yet");
          }
          return true;
        });
    assertThat(calls).hasValue(3);
  }

  @Test
  void awaitSaysWhatItWaitedForAndTheLastFailure() {
    assertThatThrownBy(
            () ->
                Await.until(
                    "the moon",
                    Duration.ofMillis(100),
                    () -> {
                      throw new IllegalStateException("cloudy");
                    }))
        .isInstanceOf(AssertionError.class)
        .hasMessage(
            "timed out after PT0.1S waiting for: the moon"
                + " (last attempt failed: java.lang.IllegalStateException: cloudy)")
        .hasCauseInstanceOf(IllegalStateException.class);
  }

  @Test
  void fixturesAreFilesUnderOneImportRoot() throws Exception {
    assertThat(Fixtures.protoNames())
        .contains("shop/v1/common.proto", "shop/v1/orders.proto", "todo.proto");
    assertThat(Files.readString(Fixtures.proto("shop/v1/orders.proto")))
        .contains("import \"shop/v1/common.proto\";");
    assertThat(Fixtures.proto("todo.proto")).startsWith(Fixtures.protoRoot());
    assertThatThrownBy(() -> Fixtures.proto("nope.proto"))
        .hasMessageContaining("no proto fixture nope.proto; the fixtures are [");
  }

  @Test
  void freePortsAreBindable() throws Exception {
    try (java.net.ServerSocket socket = new java.net.ServerSocket(FreePorts.pick())) {
      assertThat(socket.getLocalPort()).isPositive();
    }
  }
}
