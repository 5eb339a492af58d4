package dev.switchboard.messaging.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class BackoffTest {

  @Test
  void waitsGrowToTheCapWithJitterInTheUpperHalf() {
    Backoff backoff = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(5), new Random(7));
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
          new Backoff(Duration.ofMillis(100), Duration.ofSeconds(5), new Random(client));
      backoff.next();
      backoff.next();
      firstWaits.add(backoff.next().toMillis());
    }
    assertThat(firstWaits.size()).isGreaterThan(10);
  }
}
