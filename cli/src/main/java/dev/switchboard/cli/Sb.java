package dev.switchboard.cli;

import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.io.OutputStreamWriter;
import java.io.FileOutputStream;
import java.io.FileDescriptor;
import java.io.BufferedWriter;
import picocli.CommandLine;

/**
 * The {@code sb} entry point. {@link #run} returns the exit code, so tests drive it in-process;
 * only {@link #main} exits the JVM.
 */
public final class Sb {
  private Sb() {}

  public static void main(String[] args) {
    PrintWriter out = new PrintWriter(new BufferedWriter(
        new OutputStreamWriter(new FileOutputStream(FileDescriptor.out), StandardCharsets.UTF_8)), false);
    PrintWriter err = new PrintWriter(new BufferedWriter(
        new OutputStreamWriter(new FileOutputStream(FileDescriptor.err), StandardCharsets.UTF_8)), true);
    int code = run(out, err, args);
    out.flush();
    err.flush();
    System.exit(code);
  }

  /**
   * Runs one {@code sb} command line.
   *
   * @return the exit code: {@link ExitCode#OK}, {@link ExitCode#RPC_FAILED} or {@link ExitCode#BAD_INPUT}
   *     (and {@link ExitCode#INTERNAL} for a bug in sb itself)
   */
  public static int run(PrintWriter out, PrintWriter err, String... args) {
    return run(System.in, out, err, args);
  }

  /** Like {@link #run(PrintWriter, PrintWriter, String...)}, reading {@code -d @-} from {@code in}. */
  public static int run(InputStream in, PrintWriter out, PrintWriter err, String... args) {
    CommandLine commandLine = commandLine(out, err);
    ((CallCommand) commandLine.getSubcommands().get("call").getCommand()).stdin = in;
    return commandLine.execute(args);
  }

  /** The configured command tree; visible for the help tests. */
  static CommandLine commandLine(PrintWriter out, PrintWriter err) {
    CommandLine commandLine = new CommandLine(new SbCommand());
    commandLine.setUsageHelpWidth(100);
    // "-d @file" is ours to read; picocli must not expand it as an argument file.
    commandLine.setExpandAtFiles(false);
    commandLine.setOut(out);
    commandLine.setErr(err);
    commandLine.setCaseInsensitiveEnumValuesAllowed(true);
    Failures failures = new Failures(err);
    commandLine.setParameterExceptionHandler(failures::onUsageError);
    commandLine.setExecutionExceptionHandler(failures::onExecutionError);
    return commandLine;
  }
}
