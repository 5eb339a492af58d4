package dev.switchboard.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.testing.FakeClock;
import dev.switchboard.testing.ManualScheduler;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class LivenessTest {
  private final ManualScheduler scheduler = new ManualScheduler();
  private final Liveness liveness =
      Liveness.builder()
          .interval(Duration.ofSeconds(1))
          .scheduler(scheduler)
          .clock(scheduler.clock())
          .build();
  private final AtomicInteger beats = new AtomicInteger();
  private final List<Duration> deaths = new ArrayList<>();

  @Test
  void sendsAHeartbeatEveryInterval() {
    liveness.watch("peer", beats::incrementAndGet, deaths::add);
    scheduler.advance(Duration.ofMillis(999));
    assertThat(beats).hasValue(0);
    scheduler.advance(Duration.ofMillis(1));
    assertThat(beats).hasValue(1);
    scheduler.advance(Duration.ofSeconds(1));
    assertThat(beats).hasValue(2);
  }

  @Test
  void aPeerSilentForThreeIntervalsIsDeadExactlyThen() {
    Liveness.Peer peer = liveness.watch("peer", beats::incrementAndGet, deaths::add);
    scheduler.advance(Duration.ofMillis(2999));
    assertThat(deaths).isEmpty();
    assertThat(peer.alive()).isTrue();
    scheduler.advance(Duration.ofMillis(1));
    assertThat(deaths).containsExactly(Duration.ofSeconds(3));
    assertThat(peer.alive()).isFalse();
    int sent = beats.get();
    scheduler.advance(Duration.ofSeconds(10));
    assertThat(beats).as("no heartbeats to a dead peer").hasValue(sent);
    assertThat(deaths).as("declared dead once").hasSize(1);
  }

  @Test
  void hearingFromThePeerPushesTheDeadlineBack() {
    Liveness.Peer peer = liveness.watch("peer", null, deaths::add);
    scheduler.advance(Duration.ofMillis(2500));
    peer.heard();
    scheduler.advance(Duration.ofMillis(2999));
    assertThat(deaths).isEmpty();
    scheduler.advance(Duration.ofMillis(1));
    assertThat(deaths).containsExactly(Duration.ofSeconds(3));
  }

  @Test
  void aSteadyPeerNeverDies() {
    Liveness.Peer peer = liveness.watch("peer", null, deaths::add);
    for (int i = 0; i < 100; i++) {
      scheduler.advance(Duration.ofMillis(900));
      peer.heard();
    }
    assertThat(deaths).isEmpty();
    assertThat(peer.silence()).isZero();
  }

  @Test
  void closingStopsHeartbeatsAndTheCheck() {
    Liveness.Peer peer = liveness.watch("peer", beats::incrementAndGet, deaths::add);
    peer.close();
    peer.close();
    scheduler.advance(Duration.ofSeconds(10));
    assertThat(beats).hasValue(0);
    assertThat(deaths).isEmpty();
    assertThat(peer.alive()).isFalse();
    assertThat(scheduler.pending()).isZero();
  }

  @Test
  void missesAndIntervalAreConfigurable() {
    Liveness strict =
        Liveness.builder()
            .interval(Duration.ofMillis(100))
            .misses(2)
            .scheduler(scheduler)
            .clock(scheduler.clock())
            .build();
    assertThat(strict.deadAfter()).isEqualTo(Duration.ofMillis(200));
    strict.watch("peer", null, deaths::add);
    scheduler.advance(Duration.ofMillis(200));
    assertThat(deaths).hasSize(1);
  }

  @Test
  void rejectsNonsense() {
    assertThatThrownBy(() -> Liveness.builder().interval(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at least 1 ms");
    assertThatThrownBy(() -> Liveness.builder().misses(0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Liveness.builder().build()).isInstanceOf(NullPointerException.class);
  }

  @Test
  void overdueAndCheckNowFollowTheClockEvenBeforeTheScheduledCheck() {
    FakeClock clock = FakeClock.at(Instant.parse("2026-01-01T00:00:00Z"));
    Liveness onClock =
        Liveness.builder()
            .interval(Duration.ofSeconds(1))
            .scheduler(scheduler)
            .clock(clock)
            .build();
    Liveness.Peer peer = onClock.watch("agent", null, deaths::add);
    clock.advance(Duration.ofMillis(2999));
    assertThat(peer.overdue()).isFalse();
    assertThat(peer.checkNow()).isTrue();

    clock.advance(Duration.ofMillis(1));
    assertThat(peer.overdue()).as("silent for 3 intervals").isTrue();
    assertThat(peer.alive()).as("overdue declares nothing").isTrue();
    assertThat(deaths).isEmpty();

    assertThat(peer.checkNow()).isFalse();
    assertThat(deaths).containsExactly(Duration.ofSeconds(3));
    assertThat(peer.checkNow()).isFalse();
    scheduler.advance(Duration.ofSeconds(10));
    assertThat(deaths).as("declared dead once").hasSize(1);
  }
}
