package dev.switchboard.durable;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** What every {@link OplogStore} must do, run against each real database. */
abstract class OplogStoreContract {
  static final Duration TTL = Duration.ofSeconds(30);
  static final Instant T0 = Instant.ofEpochMilli(1_700_000_000_000L);

  /** The store under test, fresh for each test. */
  abstract OplogStore store();

  /** A plain JDBC connection to the same database, to damage rows behind the store's back. */
  abstract Connection rawConnection() throws SQLException;

  /** A worker id no other test of this class uses. */
  abstract String worker(String name);

  static OplogEntry intent(long seq, String key) {
    return new OplogEntry(
        seq,
        OplogEntry.Kind.CALL,
        "POST /orders",
        Idempotency.KEYED,
        "ab".repeat(32),
        "{\"n\":" + seq + "}",
        key,
        T0,
        null,
        null);
  }

  static OplogEntry done(long seq) {
    return new OplogEntry(
            seq,
            OplogEntry.Kind.CALL,
            "GET /orders",
            Idempotency.IDEMPOTENT,
            "cd".repeat(32),
            "",
            null,
            T0,
            null,
            null)
        .complete(Outcome.ok("order " + seq), T0.plusMillis(5));
  }

  @Test
  void appendsCompletesAndLoadsInOrder() {
    OplogStore store = store();
    String id = worker("roundtrip");
    Lease lease = store.acquire(id, "me/1/1", TTL, 0);
    store.append(lease, done(1));
    store.append(lease, intent(2, "key-2"));
    History open = store.load(id);
    assertThat(open.entries()).hasSize(2);
    assertThat(open.entries().get(1).isOpen()).isTrue();
    OplogEntry completed = intent(2, "key-2").complete(Outcome.error("conflict"), T0.plusMillis(9));
    store.complete(lease, completed);
    assertThat(store.load(id).entries()).containsExactly(done(1), completed);
    assertThat(store.load(id).nextSequence()).isEqualTo(3);
    assertThat(store.workers()).contains(id);
  }

  @Test
  void aDuplicateSequenceNumberIsRefused() {
    OplogStore store = store();
    String id = worker("dup");
    Lease lease = store.acquire(id, "me/1/1", TTL, 0);
    store.append(lease, done(1));
    assertThatThrownBy(() -> store.append(lease, done(1))).isInstanceOf(DurableException.class);
    assertThat(store.load(id).entries()).hasSize(1);
  }

  @Test
  void completingTwiceIsRefused() {
    OplogStore store = store();
    String id = worker("twice");
    Lease lease = store.acquire(id, "me/1/1", TTL, 0);
    store.append(lease, intent(1, "k"));
    store.complete(lease, intent(1, "k").complete(Outcome.ok("a"), T0));
    assertThatThrownBy(() -> store.complete(lease, intent(1, "k").complete(Outcome.ok("b"), T0)))
        .isInstanceOf(OplogStoreException.class)
        .hasMessageContaining("no open intent at #1");
    assertThat(store.load(id).entries().get(0).outcome()).isEqualTo(Outcome.ok("a"));
  }

  @Test
  void aLiveLeaseKeepsOthersOutAndAnExpiredOneLetsThemIn() throws Exception {
    OplogStore store = store();
    String id = worker("lease");
    Lease first = store.acquire(id, "host-a/1/1", Duration.ofMillis(400), 0);
    assertThatThrownBy(() -> store.acquire(id, "host-b/2/2", TTL, 0))
        .isInstanceOf(LeaseException.class)
        .hasMessageContaining("is held by host-a/1/1 (token " + first.token() + ")");
    assertThat(store.renew(first, Duration.ofMillis(400))).isTrue();
    Thread.sleep(600);
    Lease second = store.acquire(id, "host-b/2/2", TTL, 0);
    assertThat(second.token()).isGreaterThan(first.token());
    assertThat(second.incarnation()).isEqualTo(first.incarnation());
    assertThat(store.renew(first, TTL)).isFalse();
    assertThatThrownBy(() -> store.append(first, done(1)))
        .isInstanceOf(LeaseException.class)
        .hasMessageContaining("token " + first.token() + ") is no longer current");
    assertThatThrownBy(() -> store.compact(first, new Snapshot(1, new byte[] {1}, T0)))
        .isInstanceOf(LeaseException.class);
    store.append(second, intent(1, "k"));
    assertThatThrownBy(() -> store.complete(first, intent(1, "k").complete(Outcome.ok("late"), T0)))
        .isInstanceOf(LeaseException.class);
    assertThat(store.load(id).entries())
        .singleElement()
        .satisfies(e -> assertThat(e.isOpen()).isTrue());
    store.release(second);
    assertThat(store.lease(id)).isEmpty();
    assertThat(store.acquire(id, "host-a/1/1", TTL, 0).token()).isGreaterThan(second.token());
  }

  @Test
  void compactionReplacesEntriesBySnapshotAtomically() {
    OplogStore store = store();
    String id = worker("compact");
    Lease lease = store.acquire(id, "me/1/1", TTL, 0);
    for (int i = 1; i <= 4; i++) {
      store.append(lease, done(i));
    }
    store.compact(lease, new Snapshot(3, new byte[] {42}, T0));
    History h = store.load(id);
    assertThat(h.snapshot().orElseThrow().state()).containsExactly(42);
    assertThat(h.entries()).extracting(OplogEntry::sequence).containsExactly(4L);
    store.compact(lease, new Snapshot(4, new byte[] {43}, T0));
    assertThat(store.load(id).entries()).isEmpty();
    assertThat(store.load(id).nextSequence()).isEqualTo(5);
  }

  @Test
  void concurrentWorkersAllCommit() throws Exception {
    OplogStore store = store();
    int workers = 16;
    int calls = 25;
    ExecutorService pool = Executors.newFixedThreadPool(workers);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int w = 0; w < workers; w++) {
        String id = worker("many-" + w);
        done.add(
            pool.submit(
                () -> {
                  Lease lease = store.acquire(id, "me/1/1", TTL, 0);
                  for (int i = 1; i <= calls; i++) {
                    store.append(lease, intent(i, "k" + i));
                    store.complete(lease, intent(i, "k" + i).complete(Outcome.ok("x"), T0));
                  }
                  return null;
                }));
      }
      for (Future<?> f : done) {
        f.get();
      }
    } finally {
      pool.shutdown();
    }
    for (int w = 0; w < workers; w++) {
      assertThat(store.load(worker("many-" + w)).entries())
          .hasSize(calls)
          .allSatisfy(e -> assertThat(e.isOpen()).isFalse());
    }
  }

  @Test
  void aDamagedRowIsReportedWithItsWorkerAndSequence() throws Exception {
    OplogStore store = store();
    String id = worker("damaged");
    Lease lease = store.acquire(id, "me/1/1", TTL, 0);
    store.append(lease, done(1));
    store.append(lease, done(2));
    try (Connection c = rawConnection();
        Statement s = c.createStatement()) {
      // Bit rot, or a hand edit: the row changes but its checksum does not.
      s.executeUpdate(
          "UPDATE sb_oplog SET request = 'tampered' WHERE worker_id = '" + id + "' AND seq = 2");
    }
    assertThatThrownBy(() -> store.load(id))
        .isInstanceOf(OplogStoreException.class)
        .hasMessageContaining("oplog of worker " + id)
        .hasMessageContaining("is damaged: entry #2 does not match its checksum");
  }
}
