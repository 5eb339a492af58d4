package dev.switchboard.durable.internal;

import dev.switchboard.durable.History;
import dev.switchboard.durable.Lease;
import dev.switchboard.durable.OplogEntry;
import dev.switchboard.durable.OplogStore;
import dev.switchboard.durable.OplogStoreException;
import dev.switchboard.durable.Snapshot;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

/**
 * The embedded oplog: one SQLite file, {@code oplog.db}, in a data directory. WAL journal with
 * {@code synchronous=FULL}, so a commit is on disk when it returns; writes go through one {@link
 * GroupCommitWriter}, reads through a connection of their own (WAL lets them run beside the
 * writer). Another process may open the same file: SQLite's locks serialise the writers, and the
 * lease columns keep two processes from running one worker.
 */
public final class SqliteOplogStore implements OplogStore {
  private static final String FILE = "oplog.db";

  private final String where;
  private final OplogSql sql;
  private final GroupCommitWriter writer;
  private final Connection reader;

  private SqliteOplogStore(Path file, SQLiteDataSource dataSource, Connection reader) {
    this.where = "in " + file;
    this.sql = new OplogSql(OplogSql.Dialect.SQLITE, where);
    this.writer =
        new GroupCommitWriter(
            dataSource::getConnection,
            GroupCommitWriter.Transactions.SQLITE,
            where,
            e -> describe(e, file));
    this.reader = reader;
  }

  /**
   * Opens (creating if needed) the oplog in {@code dataDirectory}, migrated to the current schema.
   */
  public static SqliteOplogStore open(Path dataDirectory) {
    Path file = dataDirectory.resolve(FILE);
    String where = "in " + file;
    createPrivately(dataDirectory, file);
    SQLiteDataSource dataSource = new SQLiteDataSource(config());
    dataSource.setUrl("jdbc:sqlite:" + file);
    Connection read = null;
    try {
      read = dataSource.getConnection();
      checkIntegrityCheap(read, file);
      Migrations.apply(dataSource, "sqlite", where);
      // Each read runs in its own transaction, so the snapshot and the entries it loads come from
      // one moment even while a compaction commits.
      read.setAutoCommit(false);
      return new SqliteOplogStore(file, dataSource, read);
    } catch (SQLException e) {
      closeQuietly(read);
      throw new OplogStoreException(describe(e, file), e);
    } catch (RuntimeException e) {
      closeQuietly(read);
      throw e;
    }
  }

  private static SQLiteConfig config() {
    SQLiteConfig config = new SQLiteConfig();
    config.setJournalMode(SQLiteConfig.JournalMode.WAL);
    config.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
    config.setBusyTimeout(10_000);
    return config;
  }

  /**
   * The oplog holds requests and results: keep it to this user (directory 0700, file 0600; SQLite
   * gives its -wal and -shm files the database file's permissions).
   */
  private static void createPrivately(Path dir, Path file) {
    try {
      boolean posix = dir.getFileSystem().supportedFileAttributeViews().contains("posix");
      if (posix && !Files.isDirectory(dir)) {
        Path parent = dir.toAbsolutePath().getParent();
        if (parent != null) {
          Files.createDirectories(parent);
        }
        Files.createDirectory(
            dir,
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      } else {
        Files.createDirectories(dir);
      }
      if (posix) {
        try {
          Files.createFile(
              file,
              PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (FileAlreadyExistsException existing) {
          // an oplog that is already there keeps its permissions
        }
      }
    } catch (IOException e) {
      throw new OplogStoreException(
          "cannot create the oplog data directory " + dir + ": " + e.getMessage(), e);
    }
  }

  /**
   * Reading the schema touches the header and the first pages: a damaged file fails here, clearly.
   */
  private static void checkIntegrityCheap(Connection c, Path file) throws SQLException {
    try (var s = c.createStatement();
        var rs = s.executeQuery("SELECT count(*) FROM sqlite_schema")) {
      rs.next();
    }
  }

  private static String describe(Exception e, Path file) {
    String message = String.valueOf(e.getMessage());
    if (message.contains("SQLITE_NOTADB") || message.contains("SQLITE_CORRUPT")) {
      return "the oplog "
          + file
          + " is damaged or not an SQLite database ("
          + message
          + "); restore it from a backup, or move it away to start with an empty oplog";
    }
    if (message.contains("SQLITE_FULL")) {
      return "the disk holding the oplog "
          + file
          + " is full; nothing of this write was committed, and everything committed before is"
          + " kept ("
          + message
          + ")";
    }
    return "oplog " + file + ": " + message;
  }

  private static void closeQuietly(@Nullable Connection c) {
    if (c != null) {
      try {
        c.close();
      } catch (SQLException ignored) {
        // already failing; the first error is the one to report
      }
    }
  }

  @Override
  public Lease acquire(String workerId, String owner, Duration ttl, long takeOverToken) {
    return writer.submit(c -> sql.acquire(c, workerId, owner, ttl, takeOverToken));
  }

  @Override
  public boolean renew(Lease lease, Duration ttl) {
    return writer.submit(c -> sql.renew(c, lease, ttl));
  }

  @Override
  public void release(Lease lease) {
    writer.execute(c -> sql.release(c, lease));
  }

  @Override
  public Optional<Lease> lease(String workerId) {
    return read(c -> sql.lease(c, workerId));
  }

  @Override
  public History load(String workerId) {
    return read(c -> sql.load(c, workerId));
  }

  @Override
  public void append(Lease lease, OplogEntry entry) {
    writer.write(sql.append(lease, entry));
  }

  @Override
  public void complete(Lease lease, OplogEntry entry) {
    writer.write(sql.complete(lease, entry));
  }

  @Override
  public void compact(Lease lease, Snapshot snapshot) {
    writer.execute(c -> sql.compact(c, lease, snapshot));
  }

  @Override
  public List<String> workers() {
    return read(sql::workers);
  }

  private synchronized <T> T read(GroupCommitWriter.Write<T> query) {
    try {
      try {
        return query.apply(reader);
      } finally {
        reader.commit();
      }
    } catch (SQLException e) {
      throw new OplogStoreException("cannot read the oplog " + where + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    writer.close();
    synchronized (this) {
      closeQuietly(reader);
    }
  }

  @Override
  public String toString() {
    return "sqlite oplog " + where;
  }
}
