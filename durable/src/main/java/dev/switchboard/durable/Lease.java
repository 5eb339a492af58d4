package dev.switchboard.durable;

import java.time.Instant;

/**
 * The right of one process to append to one worker's oplog. Every append carries the fencing {@link
 * #token()}, and the store accepts it only while the token is still the worker's current one, so a
 * process that lost its lease (paused, partitioned, presumed dead) cannot write after another took
 * over.
 *
 * @param workerId the worker leased
 * @param owner who holds it: host, process id and process start time
 * @param token the fencing token; each acquisition increments it
 * @param incarnation a random id fixed when the worker's oplog was created, so that idempotency
 *     keys of a deleted and recreated worker never repeat
 * @param expiresAt when the lease lapses unless renewed, by the store's clock
 */
public record Lease(
    String workerId, String owner, long token, String incarnation, Instant expiresAt) {}
