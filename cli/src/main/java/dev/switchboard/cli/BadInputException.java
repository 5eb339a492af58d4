package dev.switchboard.cli;

import java.util.List;

/**
 * A user's input is wrong: a flag value, a file, a JSON message. Exit code 2. Each line names where
 * the problem is ({@code file:line:column}, a field path, a flag and its file) and is printed as it
 * is, without a stack trace.
 */
public final class BadInputException extends Exception {
  private static final long serialVersionUID = 1L;

  private final List<String> lines;

  /**
   * One problem, on one line that starts with its location (e.g. {@code --cacert: ca.pem: ...}).
   */
  public BadInputException(String line) {
    this(List.of(line));
  }

  /** Several problems, one per line. */
  public BadInputException(List<String> lines) {
    super(String.join("\n", lines));
    this.lines = List.copyOf(lines);
  }

  /** The lines to print. */
  public List<String> lines() {
    return lines;
  }
}
