package dev.switchboard.cli.titan;

import ch.qos.logback.classic.Level;
import dev.switchboard.cli.CommandLines;
import dev.switchboard.cli.ExitCode;
import dev.switchboard.cli.LogOptions;
import dev.switchboard.cli.LogSetup;
import java.io.BufferedWriter;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;
import picocli.CommandLine;
import picocli.CommandLine.ParseResult;

/**
 * {@code bin/titan}, TitanCompute's command line: {@code demo}, {@code coordinator}, {@code agent},
 * {@code infer}, {@code status}. Each command is a thin shell over the {@code titancompute}
 * library. {@link #run} returns the exit code ({@link ExitCode}), so tests drive it in-process;
 * only {@link #main} exits the JVM and sets the log level.
 */
public final class Titan {
  private Titan() {}

  public static void main(String[] args) {
    PrintWriter out =
        new PrintWriter(
            new BufferedWriter(
                new OutputStreamWriter(
                    new FileOutputStream(FileDescriptor.out), StandardCharsets.UTF_8)),
            true);
    PrintWriter err =
        new PrintWriter(
            new BufferedWriter(
                new OutputStreamWriter(
                    new FileOutputStream(FileDescriptor.err), StandardCharsets.UTF_8)),
            true);
    int code = run(out, err, Titan::configureLogging, args);
    out.flush();
    err.flush();
    System.exit(code);
  }

  /** Runs one {@code titan} command line without exiting the JVM. */
  public static int run(PrintWriter out, PrintWriter err, String... args) {
    return run(out, err, parsed -> {}, args);
  }

  private static int run(
      PrintWriter out, PrintWriter err, Consumer<ParseResult> onParsed, String... args) {
    CommandLine commandLine = CommandLines.configure(new CommandLine(new TitanCommand()), out, err);
    return CommandLines.execute(commandLine, onParsed, args);
  }

  /**
   * Servers (coordinator, agent) log at INFO; the short-lived commands at WARN, so that their
   * output is only the story; {@code --debug-log}: DEBUG.
   */
  private static void configureLogging(ParseResult parsed) {
    ParseResult command = parsed.subcommand();
    boolean server =
        command != null
            && (command.commandSpec().userObject() instanceof CoordinatorCommand
                || command.commandSpec().userObject() instanceof AgentCommand);
    LogSetup.level(LogOptions.requested(parsed) ? Level.DEBUG : server ? Level.INFO : Level.WARN);
  }
}
