package dev.switchboard.cli;

import dev.switchboard.contract.ContractException;
import dev.switchboard.contract.ContractProblem;
import dev.switchboard.durable.DivergenceException;
import dev.switchboard.durable.DurableException;
import io.grpc.Status;
import io.grpc.StatusException;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationTargetException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

/**
 * The one place where exceptions become exit codes ({@link ExitCode}) and messages on stderr, for
 * every program here. A user's error never shows a stack trace; a bug shows one line and a hint,
 * and the trace only with {@code --debug-log}.
 *
 * <table>
 *   <caption>Exceptions and what they mean</caption>
 *   <tr><td>{@link StatusRuntimeException}, {@link StatusException}</td><td>1</td>
 *       <td>{@code CODE: description (cause)}, and a hint for TLS mix-ups</td></tr>
 *   <tr><td>{@link IOException}, {@link UncheckedIOException}</td><td>1</td>
 *       <td>{@code program: message} (a port in use, a file that cannot be written)</td></tr>
 *   <tr><td>{@link BadInputException}, {@link ContractException}</td><td>2</td>
 *       <td>each problem on its own line, location first</td></tr>
 *   <tr><td>{@link DivergenceException}</td><td>2</td>
 *       <td>the oplog's message: the recorded call and the new one</td></tr>
 *   <tr><td>other {@link DurableException}s</td><td>1</td>
 *       <td>the message: an uncertain call, a lease held elsewhere, an oplog that cannot be
 *       written</td></tr>
 *   <tr><td>{@link IllegalArgumentException}</td><td>2</td>
 *       <td>{@code program: message}: a library refused a value the user gave</td></tr>
 *   <tr><td>{@link ParameterException}</td><td>2</td>
 *       <td>{@code program: message} and where to find the command's help</td></tr>
 *   <tr><td>anything else</td><td>3</td><td>{@code program: internal error: ...}</td></tr>
 * </table>
 */
final class Failures {
  private final PrintWriter err;

  Failures(PrintWriter err) {
    this.err = err;
  }

  int onUsageError(ParameterException e, String[] args) {
    CommandLine command = e.getCommandLine();
    err.println(program(command) + ": " + e.getMessage());
    err.println(
        "Try '" + command.getCommandSpec().qualifiedName() + " --help' for usage and examples.");
    err.flush();
    return ExitCode.BAD_INPUT;
  }

  int onExecutionError(Exception e, CommandLine command, ParseResult parseResult) {
    int code =
        report(
            e,
            program(command),
            LogOptions.requested(parseResult),
            tlsOf(command.getCommandSpec()));
    err.flush();
    return code;
  }

  /** Prints {@code failure} and says which exit code it means. */
  int report(Throwable failure, String program, boolean debug, @Nullable ClientTlsOptions tls) {
    Throwable e = unwrap(failure);
    if (e instanceof StatusRuntimeException || e instanceof StatusException) {
      String line = describe(Status.fromThrowable(e));
      err.println(line + (tls == null ? "" : tls.hint(line)));
      printTrace(e, debug);
      return ExitCode.FAILED;
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
    if (e instanceof DivergenceException diverged) {
      err.println(diverged.getMessage());
      return ExitCode.BAD_INPUT;
    }
    if (e instanceof DurableException durable) {
      err.println(program + ": " + durable.getMessage());
      printTrace(e, debug);
      return ExitCode.FAILED;
    }
    if (e instanceof ParameterException usage) {
      return onUsageError(usage, new String[0]);
    }
    if (e instanceof IllegalArgumentException) {
      err.println(program + ": " + e.getMessage());
      printTrace(e, debug);
      return ExitCode.BAD_INPUT;
    }
    if (e instanceof IOException || e instanceof UncheckedIOException) {
      err.println(program + ": " + e.getMessage());
      printTrace(e, debug);
      return ExitCode.FAILED;
    }
    err.println(
        program
            + ": internal error: "
            + e
            + (debug ? "" : " (rerun with " + LogOptions.DEBUG_LOG + " for the details)"));
    printTrace(e, debug);
    return ExitCode.INTERNAL;
  }

  private void printTrace(Throwable e, boolean debug) {
    if (debug) {
      e.printStackTrace(err);
    }
  }

  /**
   * {@code CODE: description (cause; root cause)}, on one line, as gRPC tools print a status. When
   * the description is generic ("io exception" for a refused connection), the causes say what
   * actually happened: the outermost and the innermost say the most (for TLS failures the root
   * cause, "unable to find valid certification path ...", is the useful part).
   */
  static String describe(Status status) {
    StringBuilder line = new StringBuilder(status.getCode().name());
    String description = firstLine(status.getDescription());
    if (!description.isEmpty()) {
      line.append(": ").append(description);
    }
    List<String> causes = new ArrayList<>();
    for (Throwable t = status.getCause();
        t != null && causes.size() < 8;
        t = t.getCause() == t ? null : t.getCause()) {
      String text = firstLine(t.getMessage());
      if (!text.isEmpty()
          && !description.contains(text)
          && causes.stream().noneMatch(c -> c.contains(text))) {
        causes.add(text);
      }
    }
    if (!causes.isEmpty()) {
      String because =
          causes.size() == 1 ? causes.get(0) : causes.get(0) + "; " + causes.get(causes.size() - 1);
      line.append(description.isEmpty() ? ": " + because : " (" + because + ")");
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
            || current instanceof ExecutionException
            || current instanceof InvocationTargetException)
        && current.getCause() != null) {
      current = current.getCause();
    }
    return current;
  }

  private static String program(CommandLine command) {
    return command.getCommandSpec().root().name();
  }

  /** The command's client TLS flags, for hints, wherever among its mixins they are. */
  private static @Nullable ClientTlsOptions tlsOf(CommandSpec spec) {
    for (CommandSpec mixin : spec.mixins().values()) {
      if (mixin.userObject() instanceof ClientTlsOptions tls) {
        return tls;
      }
      ClientTlsOptions nested = tlsOf(mixin);
      if (nested != null) {
        return nested;
      }
    }
    return null;
  }
}
