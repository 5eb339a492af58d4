package dev.switchboard.durable;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The engine's record, replay and recovery rules, on the real embedded store. */
class WorkerTest {
  @TempDir Path dir;
  OplogStore store;
  Durable durable;
  final List<Optional<String>> sent = new ArrayList<>();

  @BeforeEach
  void open() {
    store = OplogStore.sqlite(dir);
    durable = Durable.open(store);
  }

  @AfterEach
  void close() {
    durable.close();
    store.close();
  }

  private void reopen() {
    durable.close();
    store.close();
    open();
  }

  private static DurableCall post(String body) {
    return DurableCall.builder("POST /orders")
        .idempotency(Idempotency.KEYED)
        .body(bytes(body))
        .build();
  }

  private static DurableCall get(String path) {
    return DurableCall.builder("GET " + path).idempotency(Idempotency.IDEMPOTENT).build();
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private Worker.Sender answer(String text) {
    return key -> {
      sent.add(key);
      return Outcome.ok(text);
    };
  }

  private static Worker.Sender mustNotSend() {
    return key -> {
      throw new AssertionError("replay sent a call that the oplog already holds");
    };
  }

  @Test
  void replayReturnsRecordedOutcomesWithoutSending() {
    try (Worker w = durable.worker("order-42")) {
      assertThat(w.call(post("{\"item\":\"book\"}"), answer("created 7")).text())
          .isEqualTo("created 7");
      assertThat(w.call(get("/orders/7"), answer("book")).text()).isEqualTo("book");
      assertThat(w.run("pick-courier", () -> "dhl")).isEqualTo("dhl");
    }
    reopen();
    try (Worker w = durable.worker("order-42")) {
      assertThat(w.isReplaying()).isTrue();
      assertThat(w.call(post("{\"item\":\"book\"}"), mustNotSend()).text()).isEqualTo("created 7");
      assertThat(w.call(get("/orders/7"), mustNotSend()).text()).isEqualTo("book");
      assertThat(w.run("pick-courier", () -> "ups")).isEqualTo("dhl");
      assertThat(w.isReplaying()).isFalse();
      assertThat(w.call(get("/orders/7/status"), answer("shipped")).text()).isEqualTo("shipped");
      assertThat(w.position()).isEqualTo(5);
    }
    assertThat(sent).hasSize(3);
  }

  @Test
  void errorOutcomesAreRecordedAndReplayedLikeOkOnes() {
    try (Worker w = durable.worker("w")) {
      Outcome notFound = w.call(get("/orders/9"), key -> Outcome.error("not-found"));
      assertThat(notFound.isOk()).isFalse();
    }
    reopen();
    try (Worker w = durable.worker("w")) {
      assertThat(w.call(get("/orders/9"), mustNotSend())).isEqualTo(Outcome.error("not-found"));
    }
  }

  @Test
  void aDifferentCallOnReplayIsADivergenceNamingBothCalls() {
    try (Worker w = durable.worker("order-42")) {
      w.call(get("/orders/7"), answer("book"));
      w.call(post("{\"item\":\"book\",\"qty\":1}"), answer("ok"));
    }
    reopen();
    try (Worker w = durable.worker("order-42")) {
      w.call(get("/orders/7"), mustNotSend());
      assertThatThrownBy(() -> w.call(post("{\"item\":\"book\",\"qty\":2}"), mustNotSend()))
          .isInstanceOfSatisfying(
              DivergenceException.class, d -> assertThat(d.sequence()).isEqualTo(2))
          .hasMessageContaining("worker order-42 diverged from its oplog at #2")
          .hasMessageContaining("recorded: #2 POST /orders (request ")
          .hasMessageContaining("now:      #2 POST /orders (request ")
          .hasMessageContaining("recorded: {\"item\":\"book\",\"qty\":1}")
          .hasMessageContaining("now:      {\"item\":\"book\",\"qty\":2}");
      // The worker stays failed: the same divergence, not a silent recording.
      assertThatThrownBy(() -> w.call(get("/x"), mustNotSend()))
          .isInstanceOf(DivergenceException.class);
    }
  }

  @Test
  void aDifferentFunctionIsADivergence() {
    try (Worker w = durable.worker("w")) {
      w.call(get("/a"), answer("a"));
    }
    reopen();
    try (Worker w = durable.worker("w")) {
      assertThatThrownBy(() -> w.run("a", () -> "x"))
          .isInstanceOf(DivergenceException.class)
          .hasMessageContaining("recorded: #1 GET /a")
          .hasMessageContaining("now:      #1 run a");
    }
  }

  @Test
  void keyedCallInterruptedBeforeItsResultIsResumedWithTheSameKey() {
    try (Worker w = durable.worker("order-42")) {
      assertThatThrownBy(
              () ->
                  w.call(
                      post("{}"),
                      key -> {
                        sent.add(key);
                        throw new java.io.IOException("connection reset");
                      }))
          .isInstanceOf(DurableException.class)
          .hasMessageContaining("failed before an answer");
    }
    reopen();
    try (Worker w = durable.worker("order-42")) {
      assertThat(w.call(post("{}"), answer("created")).text()).isEqualTo("created");
    }
    assertThat(sent).hasSize(2);
    assertThat(sent.get(0)).isPresent();
    assertThat(sent.get(1)).isEqualTo(sent.get(0));
    assertThat(durable.history("order-42").entries())
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.isOpen()).isFalse();
              assertThat(e.idempotencyKey()).isEqualTo(sent.get(0).orElseThrow());
            });
  }

  @Test
  void notIdempotentCallInterruptedIsUncertainUntilTheCallerDecides() {
    DurableCall charge =
        DurableCall.builder("POST /charges")
            .idempotency(Idempotency.NOT_IDEMPOTENT)
            .body(bytes("10 EUR"))
            .build();
    try (Worker w = durable.worker("pay")) {
      assertThatThrownBy(
              () ->
                  w.call(
                      charge,
                      key -> {
                        throw new java.net.SocketTimeoutException("read timed out");
                      }))
          .isInstanceOf(DurableException.class);
    }
    reopen();
    try (Worker w = durable.worker("pay")) {
      assertThatThrownBy(() -> w.call(charge, mustNotSend()))
          .isInstanceOfSatisfying(
              UncertainCallException.class,
              u -> {
                assertThat(u.sequence()).isEqualTo(1);
                assertThat(u.idempotencyKey()).matches("[0-9a-f-]{36}");
              })
          .hasMessageContaining("may or may not have taken effect");
      w.resolve(1, Outcome.ok("charged (found in the payment log)"));
      assertThat(w.call(charge, mustNotSend()).text())
          .isEqualTo("charged (found in the payment log)");
    }
  }

  @Test
  void anUncertainCallMayBeRetriedOnceWithItsKey() {
    DurableCall charge =
        DurableCall.builder("POST /charges").idempotency(Idempotency.NOT_IDEMPOTENT).build();
    AtomicInteger attempts = new AtomicInteger();
    try (Worker w = durable.worker("pay")) {
      assertThatThrownBy(
              () ->
                  w.call(
                      charge,
                      key -> {
                        attempts.incrementAndGet();
                        throw new java.io.IOException("reset");
                      }))
          .isInstanceOf(DurableException.class);
      assertThatThrownBy(() -> w.call(charge, mustNotSend()))
          .isInstanceOf(UncertainCallException.class);
      w.retry(1);
      assertThat(w.call(charge, answer("charged")).text()).isEqualTo("charged");
    }
    assertThat(attempts).hasValue(1);
    assertThat(sent).hasSize(1);
  }

  @Test
  void keysDifferPerCallAndPerWorkerAndIdempotentCallsCarryNone() {
    try (Worker a = durable.worker("a");
        Worker b = durable.worker("b")) {
      a.call(post("1"), answer("x"));
      a.call(post("2"), answer("x"));
      b.call(post("1"), answer("x"));
      a.call(get("/y"), answer("y"));
    }
    assertThat(sent.subList(0, 3))
        .allSatisfy(k -> assertThat(k).isPresent())
        .doesNotHaveDuplicates();
    assertThat(sent.get(3)).isEmpty();
  }

  @Test
  void secretsNeverReachTheStoredBytes() throws Exception {
    String token = "tok-5f0e1c2d9a8b7766";
    String card = "4111111111111111";
    Redactor redactor = Redactor.builder().sensitiveHeader("X-Vendor-Key").build();
    durable.close();
    durable = Durable.builder(store).redactor(redactor).build();
    DurableCall call =
        DurableCall.builder("POST /payments")
            .body(bytes("{\"card\":\"" + card + "\",\"amount\":10}"))
            .header("Authorization", "Bearer " + token)
            .header("x-vendor-key", "vk-" + token)
            .header("X-Trace", "trace-1")
            .secret(card)
            .build();
    assertThat(call.toString()).doesNotContain(token).doesNotContain(card);
    try (Worker w = durable.worker("pay")) {
      w.call(call, answer("paid"));
    }
    OplogEntry stored = durable.history("pay").entries().get(0);
    assertThat(stored.request())
        .isEqualTo(
            "{\"card\":\"<redacted>\",\"amount\":10}\nAuthorization: <redacted>\n"
                + "x-vendor-key: <redacted>\nX-Trace: trace-1");
    store.close();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path file : files.toList()) {
        String raw = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
        assertThat(raw).as(file.toString()).doesNotContain(token).doesNotContain(card);
      }
    }
    open();
    // Another card is a different secret: masked the same way, so not a divergence.
    DurableCall again =
        DurableCall.builder("POST /payments")
            .body(bytes("{\"card\":\"5500000000000004\",\"amount\":10}"))
            .header("Authorization", "Bearer rotated")
            .secret("5500000000000004")
            .build();
    try (Worker w = durable.worker("pay")) {
      assertThat(w.call(again, mustNotSend()).text()).isEqualTo("paid");
    }
  }

  @Test
  void compactionKeepsAStateAndReplayResumesAfterIt() {
    try (Worker w = durable.worker("counter")) {
      int total = 0;
      for (int i = 1; i <= 5; i++) {
        total += Integer.parseInt(w.call(get("/n/" + i), answer(String.valueOf(i))).text());
      }
      w.compact(bytes(String.valueOf(total)));
      w.call(get("/n/6"), answer("6"));
    }
    assertThat(durable.history("counter").entries())
        .extracting(OplogEntry::sequence)
        .containsExactly(6L);
    reopen();
    try (Worker w = durable.worker("counter")) {
      Snapshot s = w.snapshot().orElseThrow();
      assertThat(s.sequence()).isEqualTo(5);
      int total = Integer.parseInt(new String(s.state(), StandardCharsets.UTF_8));
      total += Integer.parseInt(w.call(get("/n/6"), mustNotSend()).text());
      assertThat(total).isEqualTo(21);
      assertThat(w.position()).isEqualTo(7);
    }
  }

  @Test
  void codeThatIgnoresTheSnapshotIsToldToStartFromIt() {
    try (Worker w = durable.worker("c")) {
      w.call(get("/1"), answer("1"));
      w.compact(bytes("1"));
      w.call(get("/2"), answer("2"));
    }
    reopen();
    try (Worker w = durable.worker("c")) {
      assertThatThrownBy(() -> w.call(get("/1"), mustNotSend()))
          .isInstanceOf(DivergenceException.class)
          .hasMessageContaining("compacted at #1: the code must start from worker.snapshot()");
    }
  }

  @Test
  void oneWorkerIsOpenOnceAndAFencedWriteFailsAfterATakeover() throws Exception {
    try (Worker w = durable.worker("solo")) {
      assertThatThrownBy(() -> durable.worker("solo"))
          .isInstanceOf(LeaseException.class)
          .hasMessageContaining("already open in this process");
      // Another host takes the lease over (as if this one had been presumed dead).
      Lease current = store.lease("solo").orElseThrow();
      store.acquire("solo", "other-host/1/1", java.time.Duration.ofSeconds(30), current.token());
      assertThatThrownBy(() -> w.call(get("/x"), answer("x")))
          .isInstanceOf(LeaseException.class)
          .hasMessageContaining("no longer current")
          .hasMessageContaining("other-host/1/1 holds it");
      assertThat(durable.history("solo").entries()).isEmpty();
    }
  }

  @Test
  void fastForwardAppendsOneCallPerRunAndResumesAnOpenIntentWithItsKey() {
    try (Worker w = durable.worker("cli")) {
      w.call(post("1"), answer("one"));
      assertThatThrownBy(
              () ->
                  w.call(
                      post("2"),
                      key -> {
                        sent.add(key);
                        throw new java.io.IOException("reset");
                      }))
          .isInstanceOf(DurableException.class);
    }
    reopen();
    try (Worker w = durable.worker("cli")) {
      w.fastForward();
      assertThat(w.openIntent()).map(OplogEntry::sequence).contains(2L);
      assertThatThrownBy(() -> w.call(post("other"), mustNotSend()))
          .isInstanceOf(DivergenceException.class)
          .hasMessageContaining("diverged from its oplog at #2");
    }
    reopen();
    try (Worker w = durable.worker("cli")) {
      w.fastForward();
      assertThat(w.call(post("2"), answer("two")).text()).isEqualTo("two");
      assertThat(sent.get(2)).isEqualTo(sent.get(1));
      assertThat(w.openIntent()).isEmpty();
    }
    reopen();
    try (Worker w = durable.worker("cli")) {
      w.fastForward();
      assertThat(w.position()).isEqualTo(3);
      w.call(post("3"), answer("three"));
    }
    assertThat(durable.history("cli").entries()).hasSize(3);
  }
}
