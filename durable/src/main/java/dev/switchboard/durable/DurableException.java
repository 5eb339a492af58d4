package dev.switchboard.durable;

/**
 * Why a durable call could not go ahead. The subclasses say which decision is the caller's: a
 * {@link DivergenceException} means the code no longer matches its history, an {@link
 * UncertainCallException} means nobody knows whether a call took effect, a {@link LeaseException}
 * means another process runs the worker, and an {@link OplogStoreException} means the oplog could
 * not be read or written.
 */
public class DurableException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public DurableException(String message) {
    super(message);
  }

  public DurableException(String message, Throwable cause) {
    super(message, cause);
  }
}
