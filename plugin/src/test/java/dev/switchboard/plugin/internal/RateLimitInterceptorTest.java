package dev.switchboard.plugin.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RateLimitInterceptorTest {
  @Test
  void tokenBucketAllowsBurstThenRefillsAtRate() {
    AtomicLong now = new AtomicLong();
    RateLimitInterceptor limiter = new RateLimitInterceptor(10, 3, now::get);
    assertThat(limiter.tryAcquire()).isTrue();
    assertThat(limiter.tryAcquire()).isTrue();
    assertThat(limiter.tryAcquire()).isTrue();
    assertThat(limiter.tryAcquire()).isFalse();
    now.addAndGet(100_000_000L); // 0.1 s at 10/s is one token
    assertThat(limiter.tryAcquire()).isTrue();
    assertThat(limiter.tryAcquire()).isFalse();
    now.addAndGet(10_000_000_000L); // long idle never exceeds the burst
    assertThat(limiter.tryAcquire()).isTrue();
    assertThat(limiter.tryAcquire()).isTrue();
    assertThat(limiter.tryAcquire()).isTrue();
    assertThat(limiter.tryAcquire()).isFalse();
  }
}
