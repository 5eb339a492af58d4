package dev.switchboard.durable.internal;

import dev.switchboard.durable.DurableException;
import dev.switchboard.durable.History;
import dev.switchboard.durable.Lease;
import dev.switchboard.durable.OplogEntry;
import dev.switchboard.durable.OplogStore;
import dev.switchboard.durable.OplogStoreException;
import dev.switchboard.durable.Snapshot;
import java.net.URI;
import java.net.URISyntaxException;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import org.jspecify.annotations.Nullable;
import org.postgresql.ds.PGSimpleDataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The shared oplog on PostgreSQL. Writes go through {@link GroupCommitWriter}s, as on SQLite: the
 * writes of concurrent workers share one transaction. Unlike SQLite, PostgreSQL takes writes on
 * several connections at once and flushes the WAL of overlapping commits together, while each
 * statement costs a round trip; so there are several writers, each worker always on the same one
 * (its writes stay in order), and their groups commit in parallel. Reads use a small pool of their
 * own. A connection that fails (the server restarted, the network dropped) is discarded and a fresh
 * one opened for the next use, so the store recovers on its own once the server is back.
 */
public final class PostgresOplogStore implements OplogStore {
  private static final Logger log = LoggerFactory.getLogger(PostgresOplogStore.class);
  private static final int READ_POOL = 4;

  private final PGSimpleDataSource dataSource;
  private final String where;
  private final OplogSql sql;
  private final Semaphore permits = new Semaphore(READ_POOL, true);
  private final Deque<Connection> idle = new ArrayDeque<>();
  private volatile boolean closed;

  private static final int WRITERS = 8;

  private final List<GroupCommitWriter> writers = new ArrayList<>();

  private PostgresOplogStore(PGSimpleDataSource dataSource, String where) {
    this.dataSource = dataSource;
    this.where = where;
    this.sql = new OplogSql(OplogSql.Dialect.POSTGRESQL, where);
    for (int i = 0; i < WRITERS; i++) {
      writers.add(
          new GroupCommitWriter(
              dataSource::getConnection,
              GroupCommitWriter.Transactions.POSTGRESQL,
              where,
              this::explain));
    }
  }

  /** Opens the oplog at {@code url} ({@code postgresql://HOST:PORT/DB?user=...}), migrated. */
  public static PostgresOplogStore open(String url) {
    String jdbcUrl = jdbcUrl(url);
    PGSimpleDataSource dataSource = new PGSimpleDataSource();
    dataSource.setURL(jdbcUrl);
    dataSource.setApplicationName("switchboard-oplog");
    String where = "at " + withoutCredentials(url);
    Migrations.apply(dataSource, "postgresql", where);
    return new PostgresOplogStore(dataSource, where);
  }

  static String jdbcUrl(String url) {
    String rest =
        url.startsWith("postgres://")
            ? url.substring("postgres://".length())
            : url.substring("postgresql://".length());
    return "jdbc:postgresql://" + rest;
  }

  /** The URL as logs and errors may show it: no password, whether in the user info or the query. */
  static String withoutCredentials(String url) {
    try {
      URI uri = new URI(url);
      String query = uri.getRawQuery();
      String safeQuery =
          query == null
              ? null
              : String.join(
                  "&",
                  java.util.Arrays.stream(query.split("&"))
                      .map(
                          p ->
                              p.toLowerCase(java.util.Locale.ROOT).startsWith("password=")
                                  ? "password=" + dev.switchboard.durable.Redactor.MASK
                                  : p)
                      .toList());
      return new URI(uri.getScheme(), null, uri.getHost(), uri.getPort(), uri.getPath(), null, null)
              .toString()
          + (safeQuery == null ? "" : "?" + safeQuery);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException(
          "oplog URL is not a valid postgresql://HOST:PORT/DB?user=... URL: " + e.getReason());
    }
  }

  private interface Work<T> {
    T apply(Connection c) throws SQLException;
  }

  private <T> T withConnection(boolean transaction, Work<T> work) {
    if (closed) {
      throw new OplogStoreException("the oplog " + where + " is closed");
    }
    try {
      permits.acquire();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new OplogStoreException(
          "interrupted waiting for a connection to the oplog " + where, e);
    }
    try {
      try {
        return attempt(transaction, work, true);
      } catch (SQLException stale) {
        // An idle pooled connection may have died with a server restart: reads are safe to try
        // once more on a fresh one.
        return attempt(transaction, work, false);
      }
    } catch (SQLException e) {
      throw new OplogStoreException(explain(e), e);
    } finally {
      permits.release();
    }
  }

  private <T> T attempt(boolean transaction, Work<T> work, boolean pooled) throws SQLException {
    Connection c = null;
    try {
      c = pooled ? borrow() : dataSource.getConnection();
      c.setAutoCommit(!transaction);
      T result;
      try {
        result = work.apply(c);
        if (transaction) {
          c.commit();
        }
      } catch (SQLException | RuntimeException e) {
        if (transaction && !c.isClosed()) {
          c.rollback();
        }
        throw e;
      }
      giveBack(c);
      return result;
    } catch (DurableException e) {
      if (c != null) {
        giveBack(c);
      }
      throw e;
    } catch (SQLException e) {
      discard(c);
      throw e;
    }
  }

  private Connection borrow() throws SQLException {
    synchronized (idle) {
      Connection c = idle.pollFirst();
      if (c != null) {
        return c;
      }
    }
    return dataSource.getConnection();
  }

  private void giveBack(Connection c) {
    synchronized (idle) {
      idle.addFirst(c);
    }
  }

  private void discard(@Nullable Connection c) {
    if (c == null) {
      return;
    }
    try {
      c.close();
    } catch (SQLException e) {
      log.debug("oplog {}: closing a failed connection: {}", where, e.getMessage());
    }
  }

  private String explain(Exception e) {
    String state = e instanceof SQLException sqlException ? sqlException.getSQLState() : null;
    if (state != null && (state.startsWith("08") || state.startsWith("57P"))) {
      return "the oplog database "
          + where
          + " is unreachable or restarting ("
          + e.getMessage()
          + "); entries committed before are kept, and the next write reconnects";
    }
    if ("53100".equals(state)) {
      return "the oplog database " + where + " is out of disk space (" + e.getMessage() + ")";
    }
    return "oplog database " + where + ": " + e.getMessage();
  }

  private GroupCommitWriter writer(String workerId) {
    return writers.get(Math.floorMod(workerId.hashCode(), writers.size()));
  }

  @Override
  public Lease acquire(String workerId, String owner, Duration ttl, long takeOverToken) {
    return writer(workerId).submit(c -> sql.acquire(c, workerId, owner, ttl, takeOverToken));
  }

  @Override
  public boolean renew(Lease lease, Duration ttl) {
    return writer(lease.workerId()).submit(c -> sql.renew(c, lease, ttl));
  }

  @Override
  public void release(Lease lease) {
    writer(lease.workerId()).execute(c -> sql.release(c, lease));
  }

  @Override
  public Optional<Lease> lease(String workerId) {
    return withConnection(false, c -> sql.lease(c, workerId));
  }

  @Override
  public History load(String workerId) {
    // One transaction, so the snapshot and the entries come from one moment (REPEATABLE READ).
    return withConnection(
        true,
        c -> {
          c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
          try {
            return sql.load(c, workerId);
          } finally {
            c.commit();
            c.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
          }
        });
  }

  @Override
  public void append(Lease lease, OplogEntry entry) {
    writer(lease.workerId()).write(sql.append(lease, entry));
  }

  @Override
  public void complete(Lease lease, OplogEntry entry) {
    writer(lease.workerId()).write(sql.complete(lease, entry));
  }

  @Override
  public void compact(Lease lease, Snapshot snapshot) {
    writer(lease.workerId()).execute(c -> sql.compact(c, lease, snapshot));
  }

  @Override
  public List<String> workers() {
    return withConnection(false, sql::workers);
  }

  @Override
  public void close() {
    for (GroupCommitWriter writer : writers) {
      writer.close();
    }
    closed = true;
    synchronized (idle) {
      for (Connection c : idle) {
        discard(c);
      }
      idle.clear();
    }
  }

  @Override
  public String toString() {
    return "postgresql oplog " + where;
  }
}
