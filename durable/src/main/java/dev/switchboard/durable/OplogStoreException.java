package dev.switchboard.durable;

/**
 * The oplog could not be read or written: the database is unreachable, the disk is full, or what
 * was read fails its checksum. Entries committed before the failure are kept; an entry whose commit
 * failed is not in the oplog, and the call it belongs to is resumed (or reported uncertain) on the
 * next run.
 */
public class OplogStoreException extends DurableException {
  private static final long serialVersionUID = 1L;

  public OplogStoreException(String message) {
    super(message);
  }

  public OplogStoreException(String message, Throwable cause) {
    super(message, cause);
  }
}
