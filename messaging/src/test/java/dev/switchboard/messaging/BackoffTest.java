package dev.switchboard.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class BackoffTest {

  @Test
  void waitsGrowToTheCapWithJitterInTheUpperHalf() {
    Backoff backoff =
        Backoff.exponential(Duration.ofMillis(100), Duration.ofSeconds(5), new Random(7));
    long[] ceilings = {100, 200, 400, 800, 1600, 3200, 5000, 5000, 5000};
    for (long ceiling : ceilings) {
      long wait = backoff.next().toMillis();
      assertThat(wait).isBetween(ceiling / 2, ceiling);
    }
    backoff.reset();
    assertThat(backoff.next().toMillis()).isBetween(50L, 100L);
  }

  @Test
  void clientsCutOffTogetherDoNotComeBackTogether() {
    Set<Long> firstWaits = new HashSet<>();
    for (int client = 0; client < 20; client++) {
      Backoff backoff =
          Backoff.exponential(Duration.ofMillis(100), Duration.ofSeconds(5), new Random(client));
      backoff.next();
      backoff.next();
      firstWaits.add(backoff.next().toMillis());
    }
    assertThat(firstWaits.size()).isGreaterThan(10);
  }

  @Test
  void refusesAnInitialWaitAboveTheCap() {
    assertThatThrownBy(() -> Backoff.exponential(Duration.ofSeconds(2), Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("initial <= max");
  }
}
