package dev.switchboard.cli;

import dev.switchboard.contract.ContractProblem;
import java.util.List;

/**
 * A user's input is wrong: a flag value, a file, a JSON message. Exit code 2. Each line names where
 * the problem is ({@code file:line:column}, a field path, a flag).
 */
final class BadInputException extends Exception {
  private static final long serialVersionUID = 1L;

  private final List<String> lines;

  BadInputException(String line) {
    this(List.of(line));
  }

  BadInputException(List<String> lines) {
    super(String.join("\n", lines));
    this.lines = List.copyOf(lines);
  }

  static BadInputException of(String location, List<ContractProblem> problems) {
    return new BadInputException(
        problems.stream()
            .map(p -> location.isEmpty() ? p.toString() : location + ": " + p)
            .toList());
  }

  List<String> lines() {
    return lines;
  }
}
