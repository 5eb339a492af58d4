/**
 * The durable module's harness: gRPC unary calls from many workers with and without an oplog
 * (SQLite and PostgreSQL), the fsync floor of the disk under it, and replay against live calls.
 */
@NullMarked
package dev.switchboard.benchmarks.durable;

import org.jspecify.annotations.NullMarked;
