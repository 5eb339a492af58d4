package dev.switchboard.plugin.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.Test;

class RetryInterceptorTest {
  @Test
  void backoffDoublesUpToTheCap() {
    ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    try {
      RetryInterceptor retry =
          new RetryInterceptor(
              5,
              Duration.ofMillis(100),
              Duration.ofMillis(350),
              Duration.ofMillis(10),
              Duration.ofSeconds(30),
              scheduler,
              () -> true);
      assertThat(retry.backoff(1)).isEqualTo(Duration.ofMillis(100));
      assertThat(retry.backoff(2)).isEqualTo(Duration.ofMillis(200));
      assertThat(retry.backoff(3)).isEqualTo(Duration.ofMillis(350));
      assertThat(retry.backoff(9)).isEqualTo(Duration.ofMillis(350));
    } finally {
      scheduler.shutdownNow();
    }
  }
}
