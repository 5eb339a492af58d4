package dev.switchboard.durable.internal;

import dev.switchboard.durable.DurableException;
import dev.switchboard.durable.OplogStoreException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One thread owns the write connection and commits the writes of every worker in groups: it takes
 * whatever writes are waiting, runs them in one transaction, commits once (one fsync: SQLite's WAL
 * under {@code synchronous=FULL}, PostgreSQL's WAL flush) and only then lets their callers go.
 *
 * <p>A write refused by its own checks (a lost lease, a duplicate entry) fails alone and the rest
 * of its group commits: every write refuses before it changes anything (a fenced statement that
 * matches no row, an insert that does nothing on conflict), so no savepoint is needed and the
 * transaction is never aborted by a refusal. A failure of the database itself (disk full, I/O
 * error, the server gone) rolls the whole group back and fails every write in it, so a caller is
 * never told a write committed that did not; the connection is then opened afresh for the next
 * group.
 */
final class GroupCommitWriter implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(GroupCommitWriter.class);
  private static final int MAX_GROUP = 512;

  /** A write to run in the group's transaction. */
  interface Write<T> {
    T apply(Connection connection) throws SQLException;
  }

  /** A write with nothing to return. */
  interface Update {
    void apply(Connection connection) throws SQLException;
  }

  /** Opens the write connection, in auto-commit mode (the writer issues BEGIN and COMMIT). */
  interface Connector {
    Connection open() throws SQLException;
  }

  private static final class Pending<T> {
    final Write<T> write;
    final CompletableFuture<T> done = new CompletableFuture<>();
    @Nullable T result;
    @Nullable Throwable refused;

    Pending(Write<T> write) {
      this.write = write;
    }

    void succeed() {
      T value = result;
      if (value == null) {
        done.completeExceptionally(new IllegalStateException("a write returned null"));
      } else {
        done.complete(value);
      }
    }
  }

  private final Connector connector;
  private final String begin;
  private final String where;
  private final Function<Exception, String> explain;
  private final BlockingQueue<Pending<?>> queue = new LinkedBlockingQueue<>();
  private final Thread thread;
  private final AtomicLong groups = new AtomicLong();
  private volatile boolean closed;
  // Only the writer thread touches it (and close(), after that thread ended).
  private @Nullable Connection connection;

  /**
   * @param begin the statement that opens a group's transaction ({@code BEGIN IMMEDIATE} takes
   *     SQLite's write lock up front, so a group never fails half-way on a busy database)
   * @param explain turns a failure of the database into a message for people
   */
  GroupCommitWriter(
      Connector connector, String begin, String where, Function<Exception, String> explain) {
    this.connector = connector;
    this.begin = begin;
    this.where = where;
    this.explain = explain;
    this.thread = new Thread(this::loop, "sb-oplog-writer");
    thread.setDaemon(true);
    thread.start();
  }

  /** Runs {@code write} in the next group and returns once that group committed. */
  <T> T submit(Write<T> write) {
    if (closed) {
      throw new OplogStoreException("the oplog " + where + " is closed");
    }
    Pending<T> pending = new Pending<>(write);
    queue.add(pending);
    try {
      return pending.done.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new OplogStoreException(
          "interrupted while waiting for the oplog " + where + " to commit", e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof DurableException d) {
        throw d;
      }
      Throwable reason = cause != null ? cause : e;
      throw new OplogStoreException(
          "could not write to the oplog " + where + ": " + reason.getMessage(), reason);
    }
  }

  /** Runs {@code update} in the next group and returns once that group committed. */
  void execute(Update update) {
    submit(
        c -> {
          update.apply(c);
          return Boolean.TRUE;
        });
  }

  /** How many groups have committed: fewer than the writes when concurrent writes share fsyncs. */
  long groupsCommitted() {
    return groups.get();
  }

  private void loop() {
    List<Pending<?>> group = new ArrayList<>();
    while (true) {
      try {
        group.add(queue.take());
      } catch (InterruptedException e) {
        break;
      }
      queue.drainTo(group, MAX_GROUP - 1);
      commit(group);
      group.clear();
      if (closed && queue.isEmpty()) {
        break;
      }
    }
  }

  private void commit(List<Pending<?>> group) {
    try {
      Connection c = begin();
      try (Statement sql = c.createStatement()) {
        for (Pending<?> pending : group) {
          run(c, pending);
        }
        sql.execute("COMMIT");
      }
      groups.incrementAndGet();
    } catch (SQLException | RuntimeException e) {
      rollback();
      OplogStoreException failed = new OplogStoreException(explain.apply(e), e);
      log.warn("oplog {}: a group of {} writes failed: {}", where, group.size(), e.getMessage());
      for (Pending<?> pending : group) {
        pending.done.completeExceptionally(failed);
      }
      return;
    }
    for (Pending<?> pending : group) {
      Throwable refused = pending.refused;
      if (refused != null) {
        pending.done.completeExceptionally(refused);
      } else {
        pending.succeed();
      }
    }
  }

  /**
   * Opens the group's transaction. A connection that went stale while idle (the server restarted
   * since the last group) fails right here, before anything of the group was sent, so it is safe to
   * replace it and begin once more.
   */
  private Connection begin() throws SQLException {
    Connection c = connection;
    if (c != null && !c.isClosed()) {
      try (Statement sql = c.createStatement()) {
        sql.execute(begin);
        return c;
      } catch (SQLException stale) {
        log.debug("oplog {}: write connection went stale: {}", where, stale.getMessage());
        closeConnection();
      }
    }
    c = connector.open();
    connection = c;
    try (Statement sql = c.createStatement()) {
      sql.execute(begin);
    }
    return c;
  }

  private static <T> void run(Connection c, Pending<T> pending) throws SQLException {
    try {
      pending.result = pending.write.apply(c);
    } catch (DurableException e) {
      pending.refused = e;
    }
  }

  private void rollback() {
    Connection c = connection;
    if (c == null) {
      return;
    }
    try (Statement sql = c.createStatement()) {
      sql.execute("ROLLBACK");
    } catch (SQLException e) {
      // SQLite may have rolled back by itself after an I/O error, or the server is gone: either
      // way nothing of the group remains, and a fresh connection serves the next group.
      log.debug("oplog {}: rollback after a failed group: {}", where, e.getMessage());
      closeConnection();
    }
  }

  private void closeConnection() {
    Connection c = connection;
    connection = null;
    if (c != null) {
      try {
        c.close();
      } catch (SQLException e) {
        log.debug("oplog {}: closing the write connection: {}", where, e.getMessage());
      }
    }
  }

  /** Commits what is queued, then stops the writer thread and closes its connection. */
  @Override
  public void close() {
    closed = true;
    queue.add(new Pending<>(c -> Boolean.TRUE));
    try {
      thread.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    closeConnection();
  }
}
