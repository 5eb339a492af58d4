package dev.switchboard.bridge;

import java.util.List;
import java.util.stream.Collectors;

/**
 * A value (or its text) does not fit its WIT type. Every problem found is listed, each with where
 * it is: a field path such as {@code request.items[2].due-date}, or {@code line:column} in WAVE or
 * JSON text.
 */
public final class ValueException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  /** One problem and where it is. */
  public record Problem(String where, String message) {
    @Override
    public String toString() {
      return where.isEmpty() ? message : where + ": " + message;
    }
  }

  private final transient List<Problem> problems;

  public ValueException(List<Problem> problems) {
    super(problems.stream().map(Problem::toString).collect(Collectors.joining("; ")));
    if (problems.isEmpty()) {
      throw new IllegalArgumentException("a ValueException needs at least one problem");
    }
    this.problems = List.copyOf(problems);
  }

  public ValueException(String where, String message) {
    this(List.of(new Problem(where, message)));
  }

  /** Every problem, in the order found. */
  public List<Problem> problems() {
    return problems;
  }
}
