package dev.switchboard.contract;

import java.util.List;
import java.util.stream.Collectors;

/**
 * A contract could not be loaded or a value did not fit it. Carries every problem that was found,
 * each with its location, so a user can fix them all in one pass.
 */
public final class ContractException extends Exception {
  private static final long serialVersionUID = 1L;

  private final List<ContractProblem> problems;

  public ContractException(List<ContractProblem> problems) {
    super(render(problems));
    if (problems.isEmpty()) {
      throw new IllegalArgumentException("a ContractException needs at least one problem");
    }
    this.problems = List.copyOf(problems);
  }

  public ContractException(String location, String message) {
    this(List.of(new ContractProblem(location, message)));
  }

  /** The problems, in the order they were found. Never empty. */
  public List<ContractProblem> problems() {
    return problems;
  }

  private static String render(List<ContractProblem> problems) {
    return problems.stream().map(ContractProblem::toString).collect(Collectors.joining("\n"));
  }
}
