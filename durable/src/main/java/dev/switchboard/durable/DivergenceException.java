package dev.switchboard.durable;

/**
 * On replay the worker's code made a different call from the one its oplog holds at that position.
 * The message names the worker, the sequence number, the recorded call and the new one, and the
 * first line where their requests differ.
 */
public final class DivergenceException extends DurableException {
  private static final long serialVersionUID = 1L;

  private final String workerId;
  private final long sequence;

  DivergenceException(String workerId, long sequence, String message) {
    super(message);
    this.workerId = workerId;
    this.sequence = sequence;
  }

  /** The worker whose history diverged. */
  public String workerId() {
    return workerId;
  }

  /** The sequence number where it diverged. */
  public long sequence() {
    return sequence;
  }
}
