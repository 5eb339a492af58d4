package dev.switchboard.durable.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.durable.LeaseException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
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
      s.execute("CREATE TABLE t (k TEXT PRIMARY KEY)");
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
            "BEGIN IMMEDIATE",
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
}
