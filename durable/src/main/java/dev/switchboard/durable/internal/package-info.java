/**
 * The stores behind {@link dev.switchboard.durable.OplogStore}: the SQL both databases share
 * ({@code OplogSql}, with the fencing token checked inside each write statement), the SQLite store
 * with its group-commit writer, the PostgreSQL store with its small connection pool, the Flyway
 * migrations and the row checksums.
 */
@NullMarked
package dev.switchboard.durable.internal;

import org.jspecify.annotations.NullMarked;
