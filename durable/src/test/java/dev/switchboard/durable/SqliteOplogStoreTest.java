package dev.switchboard.durable;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SqliteOplogStoreTest extends OplogStoreContract {
  @TempDir Path dir;
  OplogStore store;

  @BeforeEach
  void open() {
    store = OplogStore.open("sqlite:" + dir);
  }

  @AfterEach
  void close() {
    store.close();
  }

  @Override
  OplogStore store() {
    return store;
  }

  @Override
  Connection rawConnection() throws SQLException {
    return DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("oplog.db"));
  }

  @Override
  String worker(String name) {
    return name;
  }

  @Test
  void theFileIsReadableOnlyByItsOwnerAndUsesWalWithFullSync() throws Exception {
    Lease lease = store.acquire("w", "me/1/1", TTL, 0);
    store.append(lease, done(1));
    for (String file : List.of("oplog.db", "oplog.db-wal", "oplog.db-shm")) {
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve(file))))
          .as(file)
          .isEqualTo("rw-------");
    }
    store.close();
    Path fresh = dir.resolve("new/data");
    store = OplogStore.sqlite(fresh);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(fresh)))
        .isEqualTo("rwx------");
    try (Connection c = rawConnection();
        var s = c.createStatement();
        var rs = s.executeQuery("PRAGMA journal_mode")) {
      rs.next();
      assertThat(rs.getString(1)).isEqualTo("wal");
    }
  }

  @Test
  void reopeningKeepsEverythingAndMigratesOnce() {
    Lease lease = store.acquire("w", "me/1/1", TTL, 0);
    store.append(lease, done(1));
    store.close();
    store = OplogStore.sqlite(dir);
    assertThat(store.load("w").entries()).containsExactly(done(1));
  }

  @Test
  void aFileThatIsNotAnOplogIsAClearError() throws Exception {
    Path other = dir.resolve("other");
    Files.createDirectories(other);
    Files.write(
        other.resolve("oplog.db"),
        "this is not a database, just text".repeat(200).getBytes(StandardCharsets.UTF_8));
    assertThatThrownBy(() -> OplogStore.sqlite(other))
        .isInstanceOf(OplogStoreException.class)
        .hasMessageContaining(
            "the oplog " + other.resolve("oplog.db") + " is damaged or not an SQLite database");
  }

  @Test
  void badUrlsSayWhatIsExpected() {
    assertThatThrownBy(() -> OplogStore.open("mysql://x"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "oplog URL mysql://x is neither sqlite:PATH nor postgresql://HOST:PORT/DB?user=...");
    assertThatThrownBy(() -> OplogStore.open("sqlite:"))
        .hasMessageContaining("needs a data directory");
  }
}
