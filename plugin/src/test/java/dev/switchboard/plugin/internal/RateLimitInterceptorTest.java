package dev.switchboard.plugin.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.testing.FakeClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class RateLimitInterceptorTest {
  @Test
  void tokenBucketAllowsBurstThenRefillsAtRate() {
    FakeClock clock = FakeClock.at(Instant.EPOCH);
    RateLimitInterceptor limiter = new RateLimitInterceptor(10, 3, clock::nanoTime);
    assertThat(limiter.tryAcquire()).isTrue();
    assertThat(limiter.tryAcquire()).isTrue();
    assertThat(limiter.tryAcquire()).isTrue();
    assertThat(limiter.tryAcquire()).isFalse();
    clock.advance(Duration.ofMillis(100)); // 0.1 s at 10/s is one token
    assertThat(limiter.tryAcquire()).isTrue();
    assertThat(limiter.tryAcquire()).isFalse();
    clock.advance(Duration.ofSeconds(10)); // long idle never exceeds the burst
    assertThat(limiter.tryAcquire()).isTrue();
    assertThat(limiter.tryAcquire()).isTrue();
    assertThat(limiter.tryAcquire()).isTrue();
    assertThat(limiter.tryAcquire()).isFalse();
  }
}
