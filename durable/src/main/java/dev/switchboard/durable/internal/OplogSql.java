package dev.switchboard.durable.internal;

import dev.switchboard.durable.DurableException;
import dev.switchboard.durable.History;
import dev.switchboard.durable.Idempotency;
import dev.switchboard.durable.Lease;
import dev.switchboard.durable.LeaseException;
import dev.switchboard.durable.OplogEntry;
import dev.switchboard.durable.OplogStoreException;
import dev.switchboard.durable.Outcome;
import dev.switchboard.durable.Snapshot;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.WeakHashMap;
import org.jspecify.annotations.Nullable;

/**
 * The oplog's SQL, shared by both stores. Every write that needs a lease checks its fencing token
 * in the statement that writes, so that the check and the write are one atomic step: no window in
 * which another process could take the worker over between them.
 */
final class OplogSql {
  private static final byte[] NO_BYTES = new byte[0];
  private static final byte[] OK = "ok".getBytes(StandardCharsets.UTF_8);
  private static final byte[] ERROR = "error".getBytes(StandardCharsets.UTF_8);

  /** What differs between the databases. */
  enum Dialect {
    SQLITE("CAST(unixepoch('subsec') * 1000 AS INTEGER)", ""),
    // FOR SHARE makes a fenced write wait for a concurrent takeover to commit and then see its
    // new token, instead of slipping in on the old one under READ COMMITTED.
    POSTGRESQL("CAST(EXTRACT(EPOCH FROM clock_timestamp()) * 1000 AS BIGINT)", " FOR SHARE");

    private final String nowMillis;
    private final String lockWorkerRow;

    Dialect(String nowMillis, String lockWorkerRow) {
      this.nowMillis = nowMillis;
      this.lockWorkerRow = lockWorkerRow;
    }
  }

  private final Dialect dialect;
  private final String where;

  /**
   * Prepared statements per connection, kept for the connection's life: SQLite compiles a statement
   * on every prepare, which would otherwise cost the single writer thread more than the write
   * itself. Each connection is used by one thread at a time.
   */
  private final Map<Connection, Map<String, PreparedStatement>> prepared =
      Collections.synchronizedMap(new WeakHashMap<>());

  private final String appendSql;
  private final String completeSql;

  OplogSql(Dialect dialect, String where) {
    this.dialect = dialect;
    this.where = where;
    this.appendSql =
        "INSERT INTO sb_oplog (worker_id, seq, kind, function_name, idempotency, request_hash,"
            + " request, idempotency_key, started_at, intent_crc, outcome, result, completed_at,"
            + " result_crc)"
            + " SELECT ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ? FROM sb_workers"
            + " WHERE worker_id = ? AND lease_token = ?"
            + dialect.lockWorkerRow
            + " ON CONFLICT (worker_id, seq) DO NOTHING";
    this.completeSql =
        "UPDATE sb_oplog SET outcome = ?, result = ?, completed_at = ?, result_crc = ?"
            + " WHERE worker_id = ? AND seq = ? AND outcome IS NULL AND EXISTS (SELECT 1"
            + " FROM sb_workers w WHERE w.worker_id = ? AND w.lease_token = ?"
            + dialect.lockWorkerRow
            + ")";
  }

  private PreparedStatement prepare(Connection c, String sql) throws SQLException {
    Map<String, PreparedStatement> statements = prepared.computeIfAbsent(c, k -> new HashMap<>());
    PreparedStatement statement = statements.get(sql);
    if (statement == null || statement.isClosed()) {
      statement = c.prepareStatement(sql);
      statements.put(sql, statement);
    }
    return statement;
  }

  Lease acquire(Connection c, String workerId, String owner, Duration ttl, long takeOverToken)
      throws SQLException {
    {
      PreparedStatement insert =
          prepare(
              c,
              "INSERT INTO sb_workers (worker_id, incarnation, lease_token, lease_expires_at,"
                  + " created_at) VALUES (?, ?, 0, 0, "
                  + dialect.nowMillis
                  + ") ON CONFLICT (worker_id) DO NOTHING");
      insert.setString(1, workerId);
      insert.setString(2, UUID.randomUUID().toString());
      insert.executeUpdate();
    }
    {
      PreparedStatement update =
          prepare(
              c,
              "UPDATE sb_workers SET lease_owner = ?, lease_token = lease_token + 1,"
                  + " lease_expires_at = "
                  + dialect.nowMillis
                  + " + ? WHERE worker_id = ? AND (lease_owner IS NULL OR lease_expires_at <= "
                  + dialect.nowMillis
                  + " OR lease_token = ?) RETURNING lease_token, incarnation, lease_expires_at");
      update.setString(1, owner);
      update.setLong(2, ttl.toMillis());
      update.setString(3, workerId);
      update.setLong(4, takeOverToken);
      try (ResultSet rs = update.executeQuery()) {
        if (rs.next()) {
          return new Lease(
              workerId, owner, rs.getLong(1), rs.getString(2), Instant.ofEpochMilli(rs.getLong(3)));
        }
      }
    }
    Optional<Lease> held = lease(c, workerId);
    throw new LeaseException(
        "worker "
            + workerId
            + " is held by "
            + held.map(l -> l.owner() + " (token " + l.token() + ") until " + l.expiresAt())
                .orElse("another process")
            + "; it can be taken over when that lease expires or is released");
  }

  boolean renew(Connection c, Lease lease, Duration ttl) throws SQLException {
    {
      PreparedStatement s =
          prepare(
              c,
              "UPDATE sb_workers SET lease_expires_at = "
                  + dialect.nowMillis
                  + " + ? WHERE worker_id = ? AND lease_token = ? AND lease_owner = ?");
      s.setLong(1, ttl.toMillis());
      s.setString(2, lease.workerId());
      s.setLong(3, lease.token());
      s.setString(4, lease.owner());
      return s.executeUpdate() == 1;
    }
  }

  void release(Connection c, Lease lease) throws SQLException {
    {
      PreparedStatement s =
          prepare(
              c,
              "UPDATE sb_workers SET lease_owner = NULL, lease_expires_at = 0"
                  + " WHERE worker_id = ? AND lease_token = ?");
      s.setString(1, lease.workerId());
      s.setLong(2, lease.token());
      s.executeUpdate();
    }
  }

  Optional<Lease> lease(Connection c, String workerId) throws SQLException {
    {
      PreparedStatement s =
          prepare(
              c,
              "SELECT lease_owner, lease_token, incarnation, lease_expires_at FROM sb_workers"
                  + " WHERE worker_id = ?");
      s.setString(1, workerId);
      try (ResultSet rs = s.executeQuery()) {
        if (!rs.next()) {
          return Optional.empty();
        }
        String owner = rs.getString(1);
        if (owner == null) {
          return Optional.empty();
        }
        return Optional.of(
            new Lease(
                workerId,
                owner,
                rs.getLong(2),
                rs.getString(3),
                Instant.ofEpochMilli(rs.getLong(4))));
      }
    }
  }

  /**
   * Appends an entry (an intent, or a call with its outcome), if the lease is still current and the
   * entry is not there yet. Everything it writes, checksums included, is computed here, on the
   * caller's thread, before the row is queued for the writer.
   */
  GroupCommitWriter.Row append(Lease lease, OplogEntry e) {
    String workerId = lease.workerId();
    long intentCrc = Checksums.intent(workerId, e);
    @Nullable Outcome outcome = e.outcome();
    @Nullable Instant completedAt = e.completedAt();
    long resultCrc =
        outcome == null || completedAt == null
            ? 0
            : Checksums.outcome(workerId, e.sequence(), outcome, completedAt.toEpochMilli());
    return new GroupCommitWriter.Row() {
      @Override
      public String sql() {
        return appendSql;
      }

      @Override
      public void bind(PreparedStatement s) throws SQLException {
        s.setString(1, workerId);
        s.setLong(2, e.sequence());
        s.setString(3, e.kind().name());
        s.setString(4, e.function());
        s.setString(5, e.idempotency().name());
        s.setString(6, e.requestHash());
        s.setString(7, e.request());
        s.setString(8, e.idempotencyKey());
        s.setLong(9, e.startedAt().toEpochMilli());
        s.setLong(10, intentCrc);
        if (outcome != null && completedAt != null) {
          s.setString(11, outcome.isOk() ? "ok" : "error");
          s.setBytes(12, outcome.value());
          s.setLong(13, completedAt.toEpochMilli());
          s.setLong(14, resultCrc);
        } else {
          s.setNull(11, Types.VARCHAR);
          s.setNull(12, Types.BINARY);
          s.setNull(13, Types.BIGINT);
          s.setNull(14, Types.BIGINT);
        }
        s.setString(15, workerId);
        s.setLong(16, lease.token());
      }

      @Override
      public DurableException refusal(Connection c) throws SQLException {
        // Nothing inserted: either the lease is no longer current, or the entry is already there.
        if (currentToken(c, workerId) != lease.token()) {
          return lost(c, lease);
        }
        return new OplogStoreException(
            "worker " + workerId + " already has an entry #" + e.sequence() + " " + where);
      }
    };
  }

  /** Commits the outcome of the open intent at {@code e.sequence()}, fenced as {@link #append}. */
  GroupCommitWriter.Row complete(Lease lease, OplogEntry e) {
    Outcome outcome = e.outcome();
    Instant completedAt = e.completedAt();
    if (outcome == null || completedAt == null) {
      throw new IllegalArgumentException("complete() needs an entry with its outcome");
    }
    String workerId = lease.workerId();
    String name = outcome.isOk() ? "ok" : "error";
    byte[] value = outcome.value();
    long done = completedAt.toEpochMilli();
    long crc = Checksums.outcome(workerId, e.sequence(), outcome, done);
    return new GroupCommitWriter.Row() {
      @Override
      public String sql() {
        return completeSql;
      }

      @Override
      public void bind(PreparedStatement s) throws SQLException {
        s.setString(1, name);
        s.setBytes(2, value);
        s.setLong(3, done);
        s.setLong(4, crc);
        s.setString(5, workerId);
        s.setLong(6, e.sequence());
        s.setString(7, workerId);
        s.setLong(8, lease.token());
      }

      @Override
      public DurableException refusal(Connection c) throws SQLException {
        if (currentToken(c, workerId) != lease.token()) {
          return lost(c, lease);
        }
        return new OplogStoreException(
            "worker " + workerId + " has no open intent at #" + e.sequence() + " " + where);
      }
    };
  }

  void compact(Connection c, Lease lease, Snapshot snapshot) throws SQLException {
    {
      PreparedStatement s =
          prepare(
              c,
              "INSERT INTO sb_snapshots (worker_id, seq, state, created_at, crc)"
                  + " SELECT ?, ?, ?, ?, ? FROM sb_workers WHERE worker_id = ? AND lease_token = ?"
                  + dialect.lockWorkerRow
                  + " ON CONFLICT (worker_id) DO UPDATE SET seq = excluded.seq,"
                  + " state = excluded.state, created_at = excluded.created_at, crc = excluded.crc");
      s.setString(1, lease.workerId());
      s.setLong(2, snapshot.sequence());
      s.setBytes(3, snapshot.state());
      s.setLong(4, snapshot.createdAt().toEpochMilli());
      s.setLong(5, Checksums.snapshot(lease.workerId(), snapshot));
      s.setString(6, lease.workerId());
      s.setLong(7, lease.token());
      if (s.executeUpdate() != 1) {
        throw lost(c, lease);
      }
    }
    {
      PreparedStatement s = prepare(c, "DELETE FROM sb_oplog WHERE worker_id = ? AND seq <= ?");
      s.setString(1, lease.workerId());
      s.setLong(2, snapshot.sequence());
      s.executeUpdate();
    }
  }

  History load(Connection c, String workerId) throws SQLException {
    Snapshot snapshot = null;
    {
      PreparedStatement s =
          prepare(c, "SELECT seq, state, created_at, crc FROM sb_snapshots WHERE worker_id = ?");
      s.setString(1, workerId);
      try (ResultSet rs = s.executeQuery()) {
        if (rs.next()) {
          snapshot =
              new Snapshot(rs.getLong(1), rs.getBytes(2), Instant.ofEpochMilli(rs.getLong(3)));
          if (Checksums.snapshot(workerId, snapshot) != rs.getLong(4)) {
            throw damaged(workerId, "its snapshot at #" + snapshot.sequence());
          }
        }
      }
    }
    List<OplogEntry> entries = new ArrayList<>();
    {
      PreparedStatement s =
          prepare(
              c,
              "SELECT seq, kind, function_name, idempotency, request_hash, request,"
                  + " idempotency_key, started_at, intent_crc, outcome, result, completed_at,"
                  + " result_crc FROM sb_oplog WHERE worker_id = ? ORDER BY seq");
      s.setString(1, workerId);
      byte[] workerIdBytes = workerId.getBytes(StandardCharsets.UTF_8);
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          entries.add(entry(workerId, workerIdBytes, rs));
        }
      }
    }
    try {
      return new History(snapshot, entries);
    } catch (IllegalArgumentException e) {
      throw new OplogStoreException(
          "oplog of worker " + workerId + " " + where + " is damaged: " + e.getMessage());
    }
  }

  /**
   * One row as an entry, checked against its checksums. Text columns are read as their UTF-8 bytes,
   * which the checksum covers as they are and which cost SQLite's driver less to hand over than
   * strings.
   */
  private OplogEntry entry(String workerId, byte[] workerIdBytes, ResultSet rs)
      throws SQLException {
    long seq = rs.getLong(1);
    byte[] kind = rs.getBytes(2);
    byte[] function = rs.getBytes(3);
    byte[] idempotency = rs.getBytes(4);
    byte[] hash = rs.getBytes(5);
    byte[] request = rs.getBytes(6);
    byte[] key = rs.getBytes(7);
    long startedAt = rs.getLong(8);
    if (kind == null || function == null || idempotency == null || hash == null) {
      throw damaged(workerId, "entry #" + seq);
    }
    long intentCrc =
        Checksums.start()
            .bytes(workerIdBytes)
            .number(seq)
            .bytes(kind)
            .bytes(function)
            .bytes(idempotency)
            .bytes(hash)
            .bytes(request == null ? NO_BYTES : request)
            .bytes(key == null ? NO_BYTES : key)
            .number(startedAt)
            .value();
    if (intentCrc != rs.getLong(9) || request == null) {
      throw damaged(workerId, "entry #" + seq);
    }
    OplogEntry intent;
    try {
      intent =
          new OplogEntry(
              seq,
              OplogEntry.Kind.valueOf(text(kind)),
              text(function),
              Idempotency.valueOf(text(idempotency)),
              text(hash),
              text(request),
              key == null ? null : text(key),
              Instant.ofEpochMilli(startedAt),
              null,
              null);
    } catch (IllegalArgumentException e) {
      throw damaged(workerId, "entry #" + seq + " (" + e.getMessage() + ")");
    }
    byte[] outcomeName = rs.getBytes(10);
    if (outcomeName == null) {
      return intent;
    }
    byte[] value = rs.getBytes(11);
    if (value == null) {
      value = NO_BYTES;
    }
    long completedAt = rs.getLong(12);
    long resultCrc =
        Checksums.start()
            .bytes(workerIdBytes)
            .number(seq)
            .bytes(outcomeName)
            .bytes(value)
            .number(completedAt)
            .value();
    boolean ok = Arrays.equals(outcomeName, OK);
    if (!(ok || Arrays.equals(outcomeName, ERROR)) || resultCrc != rs.getLong(13)) {
      throw damaged(workerId, "the outcome of entry #" + seq);
    }
    return intent.complete(
        ok ? Outcome.ok(value) : Outcome.error(value), Instant.ofEpochMilli(completedAt));
  }

  private static String text(byte[] utf8) {
    return new String(utf8, StandardCharsets.UTF_8);
  }

  List<String> workers(Connection c) throws SQLException {
    List<String> workers = new ArrayList<>();
    PreparedStatement s = prepare(c, "SELECT worker_id FROM sb_workers ORDER BY worker_id");
    try (ResultSet rs = s.executeQuery()) {
      while (rs.next()) {
        workers.add(rs.getString(1));
      }
    }
    return workers;
  }

  private long currentToken(Connection c, String workerId) throws SQLException {
    {
      PreparedStatement s = prepare(c, "SELECT lease_token FROM sb_workers WHERE worker_id = ?");
      s.setString(1, workerId);
      try (ResultSet rs = s.executeQuery()) {
        return rs.next() ? rs.getLong(1) : -1;
      }
    }
  }

  private LeaseException lost(Connection c, Lease lease) throws SQLException {
    @Nullable Lease now = lease(c, lease.workerId()).orElse(null);
    return new LeaseException(
        "worker "
            + lease.workerId()
            + ": this process's lease (token "
            + lease.token()
            + ") is no longer current"
            + (now == null ? "" : "; " + now.owner() + " holds it with token " + now.token())
            + ", so nothing more may be appended");
  }

  private OplogStoreException damaged(String workerId, String what) {
    return new OplogStoreException(
        "oplog of worker "
            + workerId
            + " "
            + where
            + " is damaged: "
            + what
            + " does not match its checksum; the entries before it are intact."
            + " Restore the database from a backup, or delete the worker's oplog to start it"
            + " afresh");
  }
}
