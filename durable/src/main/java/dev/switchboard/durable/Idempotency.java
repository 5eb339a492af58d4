package dev.switchboard.durable;

/**
 * What repeating a call does, which decides how the oplog protects it across a crash.
 *
 * <p>A call that was committed with a result is never repeated, whatever its kind. The kinds differ
 * only when a crash leaves a call whose result never reached the oplog.
 */
public enum Idempotency {
  /**
   * Repeating the call has the same effect as making it once (GET, PUT, DELETE; gRPC methods marked
   * {@code IDEMPOTENT} or {@code NO_SIDE_EFFECTS}). No intent is written: after a crash the call is
   * simply made again.
   */
  IDEMPOTENT,

  /**
   * Not idempotent, but the service deduplicates requests by their idempotency key. An intent is
   * committed before the call, and a call interrupted by a crash is made again with the same key,
   * so the service applies it once.
   */
  KEYED,

  /**
   * Not idempotent and nothing known about the service honouring keys (POST, PATCH, gRPC methods
   * not marked idempotent). An intent is committed and the key is still sent, but a call
   * interrupted by a crash is not repeated: it surfaces as an {@link UncertainCallException} for
   * the caller to resolve.
   */
  NOT_IDEMPOTENT;

  /** Whether an intent entry is committed before the call is made. */
  boolean writesIntent() {
    return this != IDEMPOTENT;
  }

  /** Whether a call interrupted by a crash may be made again with its recorded key. */
  boolean safeToResume() {
    return this != NOT_IDEMPOTENT;
  }
}
