package dev.switchboard.durable.internal;

import dev.switchboard.durable.OplogStoreException;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;

/**
 * Brings an oplog database to the current schema with Flyway, from the versioned scripts under
 * {@code migrations/<dialect>}. Flyway keeps its history in {@code sb_schema_history} and takes a
 * lock while it migrates, so processes starting together on one database migrate it once.
 */
final class Migrations {
  private Migrations() {}

  static void apply(DataSource dataSource, String dialect, String where) {
    try {
      Flyway.configure(Migrations.class.getClassLoader())
          .dataSource(dataSource)
          .locations("classpath:dev/switchboard/durable/internal/migrations/" + dialect)
          .table("sb_schema_history")
          .baselineOnMigrate(false)
          .load()
          .migrate();
    } catch (FlywayException e) {
      throw new OplogStoreException(
          "could not bring the oplog schema " + where + " up to date: " + e.getMessage(), e);
    }
  }
}
