package dev.switchboard.durable;

import dev.switchboard.durable.internal.PostgresOplogStore;
import dev.switchboard.durable.internal.SqliteOplogStore;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Where oplogs are kept: the storage SPI. {@link #sqlite(Path)} is the embedded default (one file
 * in a data directory); {@link #postgresql(String)} lets several processes share oplogs.
 *
 * <p>Every write is fenced by a {@link Lease}: the store must refuse, in the same atomic step as
 * the write, an append or completion whose token is no longer the worker's current one, and throw
 * {@link LeaseException}. A write that returns has been committed durably. Implementations are
 * thread-safe.
 */
public interface OplogStore extends AutoCloseable {

  /**
   * Opens the store a URL names: {@code sqlite:PATH} (a data directory) or {@code
   * postgresql://HOST:PORT/DB?user=...} (the PostgreSQL JDBC driver's parameters).
   */
  static OplogStore open(String url) {
    if (url.startsWith("sqlite:")) {
      String path = url.substring("sqlite:".length());
      if (path.isEmpty()) {
        throw new IllegalArgumentException("oplog URL sqlite: needs a data directory: sqlite:PATH");
      }
      return sqlite(Path.of(path));
    }
    if (url.startsWith("postgresql://") || url.startsWith("postgres://")) {
      return postgresql(url);
    }
    throw new IllegalArgumentException(
        "oplog URL " + url + " is neither sqlite:PATH nor postgresql://HOST:PORT/DB?user=...");
  }

  /**
   * The embedded store: {@code oplog.db} in {@code dataDirectory} (created, readable only by this
   * user), SQLite in WAL mode with {@code synchronous=FULL}, appends from concurrent workers
   * committed in groups by one writer.
   */
  static OplogStore sqlite(Path dataDirectory) {
    return SqliteOplogStore.open(dataDirectory);
  }

  /** The shared store on PostgreSQL; {@code url} is {@code postgresql://HOST:PORT/DB?user=...}. */
  static OplogStore postgresql(String url) {
    return PostgresOplogStore.open(url);
  }

  /**
   * Takes the worker's lease for {@code ttl}, creating the worker if it is new. Throws {@link
   * LeaseException} if another owner holds an unexpired lease, unless {@code takeOverToken} is that
   * lease's token (the caller proved its holder is dead).
   */
  Lease acquire(String workerId, String owner, Duration ttl, long takeOverToken);

  /** Extends the lease; false if it was lost (another owner took the worker over). */
  boolean renew(Lease lease, Duration ttl);

  /** Gives the lease up so another process can take the worker at once. */
  void release(Lease lease);

  /**
   * The worker's current lease as the store has it (possibly expired), or empty for a worker that
   * was never leased or was released.
   */
  Optional<Lease> lease(String workerId);

  /** The worker's snapshot and entries, checked against their checksums. */
  History load(String workerId);

  /** Commits a new entry (an intent, or a call with its outcome). */
  void append(Lease lease, OplogEntry entry);

  /** Commits the outcome of the open intent at {@code entry.sequence()}. */
  void complete(Lease lease, OplogEntry entry);

  /** Replaces the entries up to the snapshot's sequence number by the snapshot, atomically. */
  void compact(Lease lease, Snapshot snapshot);

  /** The workers that have an oplog here. */
  List<String> workers();

  /** Closes the store; writes in flight finish first. */
  @Override
  void close();
}
