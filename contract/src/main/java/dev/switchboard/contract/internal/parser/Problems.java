package dev.switchboard.contract.internal.parser;

import dev.switchboard.contract.ContractException;
import dev.switchboard.contract.ContractProblem;
import java.util.ArrayList;
import java.util.List;

/** Collects every problem of a compilation so the user sees them all at once. */
final class Problems {
  private final List<ContractProblem> problems = new ArrayList<>();

  void add(SourceLocation where, String message) {
    problems.add(new ContractProblem(where.toString(), message));
  }

  void add(String where, String message) {
    problems.add(new ContractProblem(where, message));
  }

  int count() {
    return problems.size();
  }

  boolean isEmpty() {
    return problems.isEmpty();
  }

  void throwIfAny() throws ContractException {
    if (!problems.isEmpty()) {
      throw new ContractException(problems);
    }
  }
}
