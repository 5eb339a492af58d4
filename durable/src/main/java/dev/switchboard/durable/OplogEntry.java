package dev.switchboard.durable;

import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * One entry of a worker's oplog: a call (or a {@code run} side effect) at a sequence number, with
 * its request as stored (hash and masked display), the idempotency key it carried, and its outcome
 * once committed. An entry without an outcome is an open intent: the call may or may not have
 * reached the peer.
 *
 * @param sequence position in the worker's oplog, from 1, without gaps
 * @param kind a bridged call or a local side effect
 * @param function the function called, or the {@code run} step's name
 * @param idempotency how safe the call is to repeat, as recorded
 * @param requestHash hex SHA-256 of the function and the request with everything sensitive masked
 * @param request the request as people may read it, with everything sensitive masked
 * @param idempotencyKey the key sent with the call, for calls protected by an intent
 * @param startedAt when the call started (the intent's commit, for calls with one)
 * @param outcome the committed result, or null while the intent is open
 * @param completedAt when the outcome was committed, or null while the intent is open
 */
public record OplogEntry(
    long sequence,
    Kind kind,
    String function,
    Idempotency idempotency,
    String requestHash,
    String request,
    @Nullable String idempotencyKey,
    Instant startedAt,
    @Nullable Outcome outcome,
    @Nullable Instant completedAt) {

  /** What an entry records. */
  public enum Kind {
    /** A call to a peer, made through {@link Worker#call}. */
    CALL,
    /** A local side effect, made through {@link Worker#run}. */
    RUN
  }

  public OplogEntry {
    if (sequence < 1) {
      throw new IllegalArgumentException("oplog sequence numbers start at 1, got " + sequence);
    }
    if ((outcome == null) != (completedAt == null)) {
      throw new IllegalArgumentException("an outcome and its commit time go together");
    }
  }

  /** Whether this entry is an intent whose outcome was never committed. */
  public boolean isOpen() {
    return outcome == null;
  }

  /** This entry with its outcome committed at {@code at}. */
  public OplogEntry complete(Outcome outcome, Instant at) {
    return new OplogEntry(
        sequence,
        kind,
        function,
        idempotency,
        requestHash,
        request,
        idempotencyKey,
        startedAt,
        outcome,
        at);
  }

  /** A one-line description: {@code #3 POST /orders (request 5f2a9c1e0b7d)}. */
  public String describe() {
    return "#"
        + sequence
        + " "
        + (kind == Kind.RUN ? "run " : "")
        + function
        + " (request "
        + requestHash.substring(0, Math.min(12, requestHash.length()))
        + ")";
  }
}
