package dev.switchboard.durable;

import dev.switchboard.testing.PostgresServer;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

class PostgresOplogStoreIT extends OplogStoreContract {
  static PostgresServer postgres;
  OplogStore store;
  final String prefix = UUID.randomUUID().toString().substring(0, 8) + "-";

  @BeforeAll
  static void startPostgres() throws Exception {
    postgres = PostgresServer.start();
  }

  @AfterAll
  static void stopPostgres() throws Exception {
    postgres.close();
  }

  @BeforeEach
  void open() {
    store = OplogStore.open(postgres.url());
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
    return DriverManager.getConnection("jdbc:" + postgres.url());
  }

  @Override
  String worker(String name) {
    return prefix + name;
  }
}
