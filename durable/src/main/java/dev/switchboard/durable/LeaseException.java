package dev.switchboard.durable;

/**
 * The worker's lease is held by another process, or this process lost it (it was not renewed in
 * time and another took over): either way this process must not append to the worker's oplog.
 */
public final class LeaseException extends DurableException {
  private static final long serialVersionUID = 1L;

  public LeaseException(String message) {
    super(message);
  }
}
