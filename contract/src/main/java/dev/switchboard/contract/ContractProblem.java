package dev.switchboard.contract;

import java.util.Objects;

/**
 * One thing wrong with a contract, and where it is.
 *
 * @param location where the problem is: {@code file:line:column} for source, a JSON pointer for
 *     OpenAPI, a field path for JSON input, or the empty string when nothing more precise is known
 * @param message what is wrong, in a sentence a user can act on
 */
public record ContractProblem(String location, String message) {
  public ContractProblem {
    Objects.requireNonNull(location, "location");
    Objects.requireNonNull(message, "message");
  }

  /** Renders as {@code location: message}, the shape compilers print. */
  @Override
  public String toString() {
    return location.isEmpty() ? message : location + ": " + message;
  }
}
