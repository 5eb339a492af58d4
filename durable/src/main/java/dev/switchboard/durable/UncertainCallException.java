package dev.switchboard.durable;

/**
 * A call that is not idempotent was interrupted after its intent was committed and before its
 * result was: the peer may or may not have acted on it, and repeating it could do it twice. The
 * caller decides, with {@link Worker#resolve} (the outcome it found out some other way) or {@link
 * Worker#retry} (send it again with the same idempotency key, accepting the risk).
 */
public final class UncertainCallException extends DurableException {
  private static final long serialVersionUID = 1L;

  private final String workerId;
  private final long sequence;
  private final String idempotencyKey;

  UncertainCallException(String workerId, OplogEntry entry) {
    super(
        "worker "
            + workerId
            + ": call "
            + entry.describe()
            + " was interrupted after its intent was committed at "
            + entry.startedAt()
            + " and before its result was; it is not idempotent, so it may or may not have"
            + " taken effect. Find out from the peer (idempotency key "
            + entry.idempotencyKey()
            + "), then resolve it with its outcome, or retry it with the same key");
    this.workerId = workerId;
    this.sequence = entry.sequence();
    this.idempotencyKey = String.valueOf(entry.idempotencyKey());
  }

  /** The worker the call belongs to. */
  public String workerId() {
    return workerId;
  }

  /** The uncertain call's sequence number. */
  public long sequence() {
    return sequence;
  }

  /** The idempotency key the interrupted call carried. */
  public String idempotencyKey() {
    return idempotencyKey;
  }
}
