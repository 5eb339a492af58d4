package dev.switchboard.durable.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.durable.DurableException;
import dev.switchboard.durable.LeaseException;
import dev.switchboard.durable.OplogStoreException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GroupCommitWriterTest {
  @TempDir Path dir;
  GroupCommitWriter writer;
  ExecutorService callers = Executors.newFixedThreadPool(64);

  @BeforeEach
  void open() throws Exception {
    String url = "jdbc:sqlite:" + dir.resolve("t.db");
    try (Connection c = DriverManager.getConnection(url);
        Statement s = c.createStatement()) {
      s.execute("PRAGMA journal_mode=WAL");
      s.execute("CREATE TABLE t (k TEXT PRIMARY KEY NOT NULL)");
    }
    writer =
        new GroupCommitWriter(
            () -> {
              Connection c = DriverManager.getConnection(url);
              try (Statement s = c.createStatement()) {
                s.execute("PRAGMA synchronous=FULL");
              }
              return c;
            },
            GroupCommitWriter.Transactions.SQLITE,
            "in a test",
            e -> "failed: " + e.getMessage());
  }

  @AfterEach
  void close() {
    callers.shutdownNow();
    writer.close();
  }

  private Boolean insert(Connection c, String key) throws java.sql.SQLException {
    try (PreparedStatement s =
        c.prepareStatement("INSERT INTO t VALUES (?) ON CONFLICT DO NOTHING")) {
      s.setString(1, key);
      if (s.executeUpdate() != 1) {
        throw new dev.switchboard.durable.OplogStoreException("duplicate " + key);
      }
      return true;
    }
  }

  private long rows() throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("t.db"));
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT count(*) FROM t")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  @Test
  void concurrentWritesShareCommits() throws Exception {
    List<Future<?>> done = new ArrayList<>();
    for (int t = 0; t < 64; t++) {
      int thread = t;
      done.add(
          callers.submit(
              () -> {
                for (int i = 0; i < 20; i++) {
                  String key = thread + "-" + i;
                  writer.submit(c -> insert(c, key));
                }
                return null;
              }));
    }
    for (Future<?> f : done) {
      f.get();
    }
    assertThat(rows()).isEqualTo(64 * 20);
    assertThat(writer.groupsCommitted()).isLessThan(64 * 20 / 2);
  }

  @Test
  void aRefusedWriteFailsAloneAndTheRestOfItsGroupCommits() throws Exception {
    CountDownLatch holding = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    Future<?> first =
        callers.submit(
            () ->
                writer.submit(
                    c -> {
                      holding.countDown();
                      try {
                        release.await();
                      } catch (InterruptedException e) {
                        throw new AssertionError(e);
                      }
                      return insert(c, "first");
                    }));
    holding.await();
    // These queue up behind the first and go in the next group together.
    Future<?> ok = callers.submit(() -> writer.submit(c -> insert(c, "ok")));
    Future<?> fenced =
        callers.submit(
            () ->
                writer.submit(
                    c -> {
                      // Writes refuse before they change anything, as the fenced statements do.
                      throw new LeaseException("lost");
                    }));
    Future<?> duplicate = callers.submit(() -> writer.submit(c -> insert(c, "ok")));
    Thread.sleep(100);
    release.countDown();
    first.get();
    assertThatThrownBy(fenced::get).hasCauseInstanceOf(LeaseException.class);
    // One of the two "ok" inserts wins; the other finds its key taken and refuses, alone.
    int failures = 0;
    for (Future<?> f : List.of(ok, duplicate)) {
      try {
        f.get();
      } catch (java.util.concurrent.ExecutionException e) {
        failures++;
      }
    }
    assertThat(failures).isEqualTo(1);
    assertThat(rows()).isEqualTo(2);
  }

  /** A row inserting {@code key}, which refuses when the key is already there. */
  private static GroupCommitWriter.Row row(@org.jspecify.annotations.Nullable String key) {
    return new GroupCommitWriter.Row() {
      @Override
      public String sql() {
        return "INSERT INTO t VALUES (?) ON CONFLICT DO NOTHING";
      }

      @Override
      public void bind(PreparedStatement statement) throws SQLException {
        statement.setString(1, key);
      }

      @Override
      public DurableException refusal(Connection connection) {
        return new OplogStoreException("duplicate " + key);
      }
    };
  }

  /** Holds the writer inside a group until {@code release} opens, so that writes queue up. */
  private Future<?> holdWriter(CountDownLatch release) throws InterruptedException {
    CountDownLatch holding = new CountDownLatch(1);
    Future<?> held =
        callers.submit(
            () ->
                writer.submit(
                    c -> {
                      holding.countDown();
                      try {
                        release.await();
                      } catch (InterruptedException e) {
                        throw new AssertionError(e);
                      }
                      return insert(c, "held");
                    }));
    holding.await();
    return held;
  }

  @Test
  void rowsOfOneGroupGoInOneBatchAndOnlyTheRowsThatChangedNothingAreRefused() throws Exception {
    writer.write(row("taken-0"));
    writer.write(row("taken-1"));
    CountDownLatch release = new CountDownLatch(1);
    Future<?> held = holdWriter(release);
    List<Future<?>> rows = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      String key = i % 10 == 0 ? "taken-" + (i / 10) : "new-" + i;
      rows.add(callers.submit(() -> writer.write(row(key))));
    }
    Thread.sleep(200);
    long groupsBefore = writer.groupsCommitted();
    release.countDown();
    held.get();
    List<Integer> refused = new ArrayList<>();
    for (int i = 0; i < rows.size(); i++) {
      try {
        rows.get(i).get();
      } catch (ExecutionException e) {
        assertThat(e.getCause()).isInstanceOf(OplogStoreException.class);
        assertThat(e.getCause()).hasMessage("duplicate taken-" + (i / 10));
        refused.add(i);
      }
    }
    assertThat(refused).containsExactly(0, 10);
    assertThat(rows()).isEqualTo(2 + 1 + 18);
    // The held group, then the 20 rows that queued behind it, committed together.
    assertThat(writer.groupsCommitted()).isEqualTo(groupsBefore + 2);
  }

  @Test
  void aFailureOfTheDatabaseFailsTheWholeGroupAndCommitsNothingOfIt() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    Future<?> held = holdWriter(release);
    Future<?> good = callers.submit(() -> writer.write(row("good")));
    // NULL breaks the NOT NULL constraint: an error of the statement, not a refusal.
    Future<?> bad = callers.submit(() -> writer.write(row(null)));
    Future<?> other = callers.submit(() -> writer.submit(c -> insert(c, "other")));
    Thread.sleep(200);
    release.countDown();
    held.get();
    for (Future<?> f : List.of(good, bad, other)) {
      assertThatThrownBy(f::get)
          .isInstanceOf(ExecutionException.class)
          .cause()
          .isInstanceOf(OplogStoreException.class)
          .hasMessageContaining("failed: ");
    }
    assertThat(rows()).isEqualTo(1);
    // The writer goes on with the next group.
    writer.write(row("after"));
    assertThat(rows()).isEqualTo(2);
  }

  @Test
  void aClosedWriterRefusesNewWritesAndCommitsWhatWasQueued() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    Future<?> held = holdWriter(release);
    Future<?> queued = callers.submit(() -> writer.write(row("queued")));
    Thread.sleep(200);
    Future<?> closing = callers.submit(writer::close);
    Thread.sleep(100);
    release.countDown();
    held.get();
    queued.get();
    closing.get();
    assertThat(rows()).isEqualTo(2);
    assertThatThrownBy(() -> writer.write(row("late")))
        .isInstanceOf(OplogStoreException.class)
        .hasMessageContaining("is closed");
  }
}
