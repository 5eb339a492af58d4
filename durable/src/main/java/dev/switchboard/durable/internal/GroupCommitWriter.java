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
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One thread owns the SQLite write connection and commits the writes of every worker in groups: it
 * takes whatever writes are waiting, runs them in one transaction, commits once (one WAL fsync
 * under {@code synchronous=FULL}) and only then lets their callers go. A write refused by its own
 * checks (a lost lease, a duplicate entry) fails alone and the rest of its group commits: every
 * write refuses before it changes anything (a fenced statement that matches no row, or a single
 * statement that SQLite undoes by itself on a constraint violation), so no savepoint is needed. A
 * failure of the database itself (disk full, I/O error) rolls the whole group back and fails every
 * write in it, so a caller is never told a write committed that did not.
 */
final class GroupCommitWriter implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(GroupCommitWriter.class);
  private static final int MAX_GROUP = 512;
  private static final int SQLITE_CONSTRAINT = 19;

  /** A write to run in the group's transaction. */
  interface Write<T> {
    T apply(Connection connection) throws SQLException;
  }

  /** A write with nothing to return. */
  interface Update {
    void apply(Connection connection) throws SQLException;
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

  private final Connection connection;
  private final String where;
  private final BlockingQueue<Pending<?>> queue = new LinkedBlockingQueue<>();
  private final Thread thread;
  private volatile boolean closed;
  private final java.util.concurrent.atomic.AtomicLong groups =
      new java.util.concurrent.atomic.AtomicLong();

  GroupCommitWriter(Connection connection, String where) {
    this.connection = connection;
    this.where = where;
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
    try (Statement sql = connection.createStatement()) {
      sql.execute("BEGIN IMMEDIATE");
      for (Pending<?> pending : group) {
        run(sql, pending);
      }
      sql.execute("COMMIT");
      groups.incrementAndGet();
    } catch (SQLException | RuntimeException e) {
      rollback();
      String message = String.valueOf(e.getMessage());
      OplogStoreException failed =
          new OplogStoreException(
              message.contains("SQLITE_FULL")
                  ? "the disk holding the oplog "
                      + where
                      + " is full; nothing of this write was committed, and everything"
                      + " committed before is kept ("
                      + message
                      + ")"
                  : "could not commit to the oplog " + where + ": " + message,
              e);
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

  private static <T> void run(Statement sql, Pending<T> pending) throws SQLException {
    try {
      pending.result = pending.write.apply(sql.getConnection());
    } catch (DurableException e) {
      pending.refused = e;
    } catch (SQLException e) {
      if (e.getErrorCode() != SQLITE_CONSTRAINT) {
        throw e; // the database itself failed: the whole group goes
      }
      pending.refused = e;
    }
  }

  private void rollback() {
    try (Statement sql = connection.createStatement()) {
      sql.execute("ROLLBACK");
    } catch (SQLException e) {
      // SQLite may have rolled the transaction back itself after an I/O error: nothing to undo.
      log.debug("oplog {}: rollback after a failed group: {}", where, e.getMessage());
    }
  }

  /** How many groups have committed: fewer than the writes when concurrent writes share fsyncs. */
  long groupsCommitted() {
    return groups.get();
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
    try {
      connection.close();
    } catch (SQLException e) {
      log.debug("oplog {}: closing the write connection: {}", where, e.getMessage());
    }
  }
}
