package dev.switchboard.durable.internal;

import dev.switchboard.durable.DurableException;
import dev.switchboard.durable.OplogStoreException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One thread owns the write connection and commits the writes of every worker in groups: it takes
 * whatever writes are waiting (it never waits for a group to fill: a group is what arrived while
 * the one before it committed), runs them in one transaction, commits once (one fsync: SQLite's WAL
 * under {@code synchronous=FULL}, PostgreSQL's WAL flush) and only then lets their callers go.
 *
 * <p>Every commit goes through this one thread, so it does as little per write as it can:
 *
 * <ul>
 *   <li>A write of one row by one statement (a {@link Row}: appends, completions) is bound by its
 *       caller's data, computed before it was queued, and sent in one JDBC batch with the group's
 *       other rows of the same statement: on PostgreSQL that is one round trip for all of them
 *       instead of one each.
 *   <li>The writes of a group were all submitted concurrently, none waiting for another, so any
 *       order among them is one they could have had: the writer runs the other writes first, in the
 *       order they came, then one batch per statement.
 *   <li>The writer wakes only the first caller of a committed group; each caller woken wakes two
 *       more. Releasing 64 callers costs the writer one wake-up instead of 64, and the callers
 *       share the rest.
 * </ul>
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

  /**
   * A write of one row by one statement, which the group sends in a batch with the other rows of
   * the same statement. It changes exactly one row, or none when it refuses.
   */
  interface Row {
    /** The statement: rows with the same text share a batch. */
    String sql();

    /** Sets the statement's parameters. */
    void bind(PreparedStatement statement) throws SQLException;

    /**
     * Why the statement changed nothing (the lease was lost, the entry is already there), found out
     * in the group's transaction; the caller gets it thrown.
     */
    DurableException refusal(Connection connection) throws SQLException;
  }

  /** Opens the write connection, in auto-commit mode. */
  interface Connector {
    Connection open() throws SQLException;
  }

  /** How a group's transaction is opened and committed. */
  enum Transactions {
    /**
     * {@code BEGIN IMMEDIATE} and {@code COMMIT} on an auto-commit connection: taking SQLite's
     * write lock up front means a group never fails half-way on a file another process writes to,
     * and between groups no lock is held.
     */
    SQLITE,
    /**
     * The driver's transactions (auto-commit off), so {@code BEGIN} travels with the group's first
     * statement instead of costing a round trip of its own. A connection found dead before the
     * group committed (the server restarted since the last group) held an open transaction that
     * died with it, so the group runs again once on a fresh connection.
     */
    POSTGRESQL
  }

  private static final class Pending<T> {
    final @Nullable Write<T> write;
    final @Nullable Row row;
    final Thread waiter = Thread.currentThread();
    @Nullable T result;
    @Nullable Throwable failure;
    // Set by the writer before it publishes done; read by the waiter after it sees done.
    Pending<?> @Nullable [] group;
    int index;
    volatile boolean done;

    Pending(@Nullable Write<T> write, @Nullable Row row) {
      this.write = write;
      this.row = row;
    }

    void reset() {
      result = null;
      failure = null;
    }
  }

  private final Connector connector;
  private final Transactions transactions;
  private final String where;
  private final Function<Exception, String> explain;
  private final Queue<Pending<?>> queue = new ConcurrentLinkedQueue<>();
  private final Thread thread;
  private final AtomicLong groups = new AtomicLong();
  private volatile boolean idle;
  private volatile boolean closed;
  // Only the writer thread touches these (and close(), after that thread ended).
  private @Nullable Connection connection;
  private final Map<String, PreparedStatement> statements = new HashMap<>();

  /**
   * @param explain turns a failure of the database into a message for people
   */
  GroupCommitWriter(
      Connector connector,
      Transactions transactions,
      String where,
      Function<Exception, String> explain) {
    this.connector = connector;
    this.transactions = transactions;
    this.where = where;
    this.explain = explain;
    this.thread = new Thread(this::loop, "sb-oplog-writer");
    thread.setDaemon(true);
    thread.start();
  }

  /** Runs {@code write} in the next group and returns once that group committed. */
  <T> T submit(Write<T> write) {
    Pending<T> pending = await(enqueue(new Pending<>(write, null)));
    T result = pending.result;
    if (result == null) {
      throw new IllegalStateException("a write returned null");
    }
    return result;
  }

  /** Runs {@code update} in the next group and returns once that group committed. */
  void execute(Update update) {
    submit(
        c -> {
          update.apply(c);
          return Boolean.TRUE;
        });
  }

  /**
   * Writes {@code row} in the next group and returns once that group committed; throws its refusal
   * if it changed nothing.
   */
  void write(Row row) {
    await(enqueue(new Pending<Boolean>(null, row)));
  }

  /** How many groups have committed: fewer than the writes when concurrent writes share fsyncs. */
  long groupsCommitted() {
    return groups.get();
  }

  private <T> Pending<T> enqueue(Pending<T> pending) {
    if (closed) {
      throw closedException();
    }
    queue.add(pending);
    if (closed && queue.remove(pending)) {
      // Closed meanwhile, and the writer has not taken it: it may never look again.
      throw closedException();
    }
    if (idle) {
      LockSupport.unpark(thread);
    }
    return pending;
  }

  private OplogStoreException closedException() {
    return new OplogStoreException("the oplog " + where + " is closed");
  }

  /**
   * Waits for the group to commit, even when interrupted (the interrupt is kept for the caller):
   * the caller must learn whether its write committed, and the callers after it in the group count
   * on it to wake them.
   */
  private <T> Pending<T> await(Pending<T> pending) {
    boolean interrupted = false;
    while (!pending.done) {
      LockSupport.park(this);
      if (Thread.interrupted()) {
        interrupted = true;
      }
    }
    wakeNext(pending);
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
    Throwable failure = pending.failure;
    if (failure instanceof DurableException d) {
      throw d;
    }
    if (failure != null) {
      throw new OplogStoreException(
          "could not write to the oplog " + where + ": " + failure.getMessage(), failure);
    }
    return pending;
  }

  /** Wakes the two callers after this one in its group (a binary tree rooted at the first). */
  private static void wakeNext(Pending<?> pending) {
    Pending<?>[] group = pending.group;
    if (group == null) {
      return;
    }
    int left = 2 * pending.index + 1;
    if (left < group.length) {
      LockSupport.unpark(group[left].waiter);
    }
    if (left + 1 < group.length) {
      LockSupport.unpark(group[left + 1].waiter);
    }
  }

  private void loop() {
    List<Pending<?>> group = new ArrayList<>();
    while (true) {
      Pending<?> next;
      while (group.size() < MAX_GROUP && (next = queue.poll()) != null) {
        group.add(next);
      }
      if (group.isEmpty()) {
        // A write queued before the caller saw closed is still run; one queued after withdraws.
        if (closed && queue.isEmpty()) {
          break;
        }
        idle = true;
        // A caller queues, then looks at idle; the writer sets idle, then looks at the queue: one
        // of the two sees the other, so a write is never left waiting for a parked writer.
        if (queue.isEmpty() && !closed) {
          LockSupport.park(this);
        }
        idle = false;
        continue;
      }
      commit(group);
      release(group);
      group.clear();
    }
    closeConnection();
  }

  private void commit(List<Pending<?>> group) {
    try {
      Connection c = begin();
      try {
        run(c, group);
      } catch (SQLException e) {
        if (!(transactions == Transactions.POSTGRESQL && lost(c, e))) {
          throw e;
        }
        // The transaction died with the connection: nothing of the group was applied.
        log.debug("oplog {}: write connection lost, running the group again: {}", where, e);
        closeConnection();
        c = begin();
        for (Pending<?> pending : group) {
          pending.reset();
        }
        run(c, group);
      }
      if (transactions == Transactions.SQLITE) {
        statement(c, "COMMIT").execute();
      } else {
        c.commit();
      }
      groups.incrementAndGet();
    } catch (SQLException | RuntimeException e) {
      rollback();
      OplogStoreException failed = new OplogStoreException(explain.apply(e), e);
      log.warn("oplog {}: a group of {} writes failed: {}", where, group.size(), e.getMessage());
      for (Pending<?> pending : group) {
        pending.failure = failed;
      }
    }
  }

  /** Lets the group's callers go: publishes each outcome, then wakes the first caller. */
  private static void release(List<Pending<?>> group) {
    Pending<?>[] members = group.toArray(new Pending<?>[0]);
    for (int i = 0; i < members.length; i++) {
      members[i].group = members;
      members[i].index = i;
      members[i].done = true;
    }
    LockSupport.unpark(members[0].waiter);
  }

  private static boolean lost(Connection c, SQLException e) throws SQLException {
    String state = e.getSQLState();
    return c.isClosed() || (state != null && (state.startsWith("08") || state.startsWith("57P")));
  }

  private void run(Connection c, List<Pending<?>> group) throws SQLException {
    Map<String, List<Pending<?>>> batches = new LinkedHashMap<>();
    for (Pending<?> pending : group) {
      Row row = pending.row;
      if (row != null) {
        batches.computeIfAbsent(row.sql(), sql -> new ArrayList<>()).add(pending);
      } else {
        runWrite(c, pending);
      }
    }
    for (Map.Entry<String, List<Pending<?>>> batch : batches.entrySet()) {
      runBatch(c, batch.getKey(), batch.getValue());
    }
  }

  private static <T> void runWrite(Connection c, Pending<T> pending) throws SQLException {
    Write<T> write = pending.write;
    if (write == null) {
      throw new IllegalStateException("a pending write without a write");
    }
    try {
      pending.result = write.apply(c);
    } catch (DurableException e) {
      pending.failure = e;
    }
  }

  private void runBatch(Connection c, String sql, List<Pending<?>> rows) throws SQLException {
    PreparedStatement statement = statement(c, sql);
    int[] counts;
    if (rows.size() == 1) {
      row(rows.get(0)).bind(statement);
      counts = new int[] {statement.executeUpdate()};
    } else {
      statement.clearBatch();
      for (Pending<?> pending : rows) {
        row(pending).bind(statement);
        statement.addBatch();
      }
      counts = statement.executeBatch();
    }
    for (int i = 0; i < rows.size(); i++) {
      Pending<?> pending = rows.get(i);
      if (counts[i] == 1) {
        continue;
      }
      if (counts[i] != 0) {
        throw new SQLException(
            "the statement changed " + counts[i] + " rows where it changes one or none: " + sql);
      }
      pending.failure = row(pending).refusal(c);
    }
  }

  private static Row row(Pending<?> pending) {
    Row row = pending.row;
    if (row == null) {
      throw new IllegalStateException("a pending row without a row");
    }
    return row;
  }

  private PreparedStatement statement(Connection c, String sql) throws SQLException {
    PreparedStatement statement = statements.get(sql);
    if (statement == null) {
      statement = c.prepareStatement(sql);
      statements.put(sql, statement);
    }
    return statement;
  }

  /**
   * Opens the group's transaction. On SQLite, a connection that fails its {@code BEGIN} (it went
   * bad while idle) fails before anything of the group ran, so it is replaced and the group begun
   * once more.
   */
  private Connection begin() throws SQLException {
    Connection c = connection;
    if (c != null && !c.isClosed()) {
      if (transactions == Transactions.POSTGRESQL) {
        return c;
      }
      try {
        statement(c, "BEGIN IMMEDIATE").execute();
        return c;
      } catch (SQLException stale) {
        log.debug("oplog {}: write connection went stale: {}", where, stale.getMessage());
        closeConnection();
      }
    }
    c = connector.open();
    connection = c;
    if (transactions == Transactions.POSTGRESQL) {
      c.setAutoCommit(false);
    } else {
      statement(c, "BEGIN IMMEDIATE").execute();
    }
    return c;
  }

  private void rollback() {
    Connection c = connection;
    if (c == null) {
      return;
    }
    try {
      if (transactions == Transactions.SQLITE) {
        try (Statement sql = c.createStatement()) {
          sql.execute("ROLLBACK");
        }
      } else {
        c.rollback();
      }
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
    statements.clear();
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
    LockSupport.unpark(thread);
    try {
      thread.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
