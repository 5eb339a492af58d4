package dev.switchboard.cli;

import dev.switchboard.contract.ContractException;
import dev.switchboard.contract.ContractProblem;
import io.grpc.Status;
import io.grpc.StatusException;
import io.grpc.StatusRuntimeException;
import java.io.PrintWriter;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

/**
 * The one place where exceptions become exit codes and messages on stderr. A user's error never
 * shows a stack trace; a bug in sb shows one line and a hint, and the trace only with --debug-log.
 */
final class Failures {
  private final PrintWriter err;

  Failures(PrintWriter err) {
    this.err = err;
  }

  int onUsageError(ParameterException e, String[] args) {
    CommandLine command = e.getCommandLine();
    err.println("sb: " + e.getMessage());
    err.println(
        "Try '" + command.getCommandSpec().qualifiedName() + " --help' for usage and examples.");
    err.flush();
    return ExitCode.BAD_INPUT;
  }

  int onExecutionError(Exception e, CommandLine command, ParseResult parseResult) {
    int code = report(e, debugRequested(parseResult));
    err.flush();
    return code;
  }

  /** Prints {@code failure} and says which exit code it means. */
  int report(Throwable failure, boolean debug) {
    Throwable e = unwrap(failure);
    if (e instanceof StatusRuntimeException || e instanceof StatusException) {
      err.println(describe(Status.fromThrowable(e)));
      if (debug) {
        e.printStackTrace(err);
      }
      return ExitCode.RPC_FAILED;
    }
    if (e instanceof ContractException contract) {
      for (ContractProblem problem : contract.problems()) {
        err.println(problem);
      }
      return ExitCode.BAD_INPUT;
    }
    if (e instanceof BadInputException input) {
      input.lines().forEach(err::println);
      return ExitCode.BAD_INPUT;
    }
    if (e instanceof ParameterException usage) {
      return onUsageError(usage, new String[0]);
    }
    err.println(
        "sb: internal error: " + e + (debug ? "" : " (rerun with --debug-log for the details)"));
    if (debug) {
      e.printStackTrace(err);
    }
    return ExitCode.INTERNAL;
  }

  /**
   * {@code CODE: description}, as gRPC tools print a status. When the description is generic (an
   * "io exception" for a refused connection), the cause says what actually happened.
   */
  static String describe(Status status) {
    StringBuilder line = new StringBuilder(status.getCode().name());
    String description = firstLine(status.getDescription());
    if (!description.isEmpty()) {
      line.append(": ").append(description);
    }
    Throwable cause = status.getCause();
    String because = cause == null ? "" : firstLine(cause.getMessage());
    if (!because.isEmpty() && !description.contains(because)) {
      line.append(description.isEmpty() ? ": " : " (")
          .append(because)
          .append(description.isEmpty() ? "" : ")");
    }
    if (because.contains("not an SSL/TLS record")) {
      line.append("; the server does not speak TLS on this port: add --plaintext");
    }
    return line.toString();
  }

  /**
   * grpc-java appends channel pipeline dumps to some descriptions; the first line is the message.
   */
  private static String firstLine(@Nullable String text) {
    if (text == null) {
      return "";
    }
    int newline = text.indexOf('\n');
    return (newline < 0 ? text : text.substring(0, newline)).strip();
  }

  private static Throwable unwrap(Throwable e) {
    Throwable current = e;
    while ((current instanceof CommandLine.ExecutionException
            || current instanceof java.util.concurrent.ExecutionException
            || current instanceof java.lang.reflect.InvocationTargetException)
        && current.getCause() != null) {
      current = current.getCause();
    }
    return current;
  }

  private static boolean debugRequested(@Nullable ParseResult result) {
    for (ParseResult current = result; current != null; current = current.subcommand()) {
      if (current.hasMatchedOption("--debug-log")) {
        return true;
      }
    }
    return false;
  }
}
