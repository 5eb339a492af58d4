package dev.switchboard.titancompute.coordinator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.titancompute.v1.CompletedStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class RequestLogTest {
  private final RequestLog log = new RequestLog();

  @Test
  void keepsTheLatestRequestsNewestFirst() {
    for (int i = 0; i < RequestLog.CAPACITY + 7; i++) {
      log.routed("req-" + i, "client", "m", "agent", 1_000 + i, 0.1);
    }
    List<RequestLog.Entry> recent = log.recent();
    assertThat(recent).hasSize(RequestLog.CAPACITY);
    assertThat(recent.get(0).requestId()).isEqualTo("req-" + (RequestLog.CAPACITY + 6));
    assertThat(recent.get(RequestLog.CAPACITY - 1).requestId()).isEqualTo("req-7");
    assertThat(log.routedCount()).isEqualTo(RequestLog.CAPACITY + 7);
  }

  @Test
  void aCompletedStreamFillsInItsRequestAndAnEvictedOneChangesNothing() {
    for (int i = 0; i < RequestLog.CAPACITY + 1; i++) {
      log.routed("req-" + i, "client", "m", "agent", 1_000 + i, 0.1);
    }
    log.completed(stream("req-10", 250.0, 12));
    log.completed(stream("req-0", 99.0, 3)); // left the log when req-50 took its slot
    RequestLog.Entry done =
        log.recent().stream().filter(e -> e.requestId().equals("req-10")).findFirst().orElseThrow();
    assertThat(done.streamMs()).isEqualTo(250.0);
    assertThat(done.tokens()).isEqualTo(12);
    assertThat(done.outcome()).isEqualTo("OK");
    assertThat(log.recent()).noneMatch(e -> e.requestId().equals("req-0"));
    assertThat(log.recent()).filteredOn(e -> e.tokens() >= 0).hasSize(1);
  }

  @Test
  void routingThreadsNeverLoseACount() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        int thread = t;
        done.add(
            pool.submit(
                () -> {
                  for (int i = 0; i < 10_000; i++) {
                    log.routed("t" + thread + "-" + i, "c", "m", "a", i, 0.1);
                  }
                }));
      }
      for (Future<?> f : done) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(log.routedCount()).isEqualTo(40_000);
    List<RequestLog.Entry> recent = log.recent();
    assertThat(recent).hasSize(RequestLog.CAPACITY);
    for (int i = 1; i < recent.size(); i++) {
      assertThat(recent.get(i).sequence()).isLessThan(recent.get(i - 1).sequence());
    }
  }

  private static CompletedStream stream(String requestId, double durationMs, int tokens) {
    return CompletedStream.newBuilder()
        .setRequestId(requestId)
        .setDurationMs(durationMs)
        .setTimeToFirstTokenMs(5.0)
        .setCompletionTokens(tokens)
        .setOutcome("OK")
        .build();
  }
}
