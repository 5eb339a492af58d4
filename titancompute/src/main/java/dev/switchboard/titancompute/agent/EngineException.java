package dev.switchboard.titancompute.agent;

/**
 * The engine could not produce output: unreachable, refused the request, or answered in a form the
 * agent does not understand. The message says which, for the client to read.
 */
public final class EngineException extends Exception {
  private static final long serialVersionUID = 1L;

  public EngineException(String message) {
    super(message);
  }

  public EngineException(String message, Throwable cause) {
    super(message, cause);
  }
}
