/**
 * Durable calls: an operation log (oplog) that records every call a worker makes, replays it after
 * a crash, and protects calls that are not idempotent so that their effects happen once.
 *
 * <p>A tour: {@link dev.switchboard.durable.Durable} opens {@link dev.switchboard.durable.Worker}s
 * on an {@link dev.switchboard.durable.OplogStore} (SQLite embedded, PostgreSQL shared). A worker
 * turns each {@link dev.switchboard.durable.DurableCall} into the next {@link
 * dev.switchboard.durable.OplogEntry}, returning the recorded {@link
 * dev.switchboard.durable.Outcome} on replay and committing a new one while recording; {@link
 * dev.switchboard.durable.Idempotency} decides whether an intent and an idempotency key protect it.
 * The {@link dev.switchboard.durable.Redactor} keeps credentials and secrets out of everything
 * stored. A {@link dev.switchboard.durable.Snapshot} lets a worker compact its history; a {@link
 * dev.switchboard.durable.Lease} with a fencing token keeps two processes from running one worker.
 *
 * <p>The module knows nothing of WIT or of any protocol: adapters (the bridge, plain HTTP code)
 * describe each call by a function name, canonical request bytes and a display form.
 */
@NullMarked
package dev.switchboard.durable;

import org.jspecify.annotations.NullMarked;
