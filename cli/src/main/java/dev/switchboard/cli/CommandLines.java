package dev.switchboard.cli;

import java.io.PrintWriter;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine;
import picocli.CommandLine.ParseResult;

/**
 * Runs a program's picocli command tree the same way for every program here ({@code sb}, {@code
 * titan}): output to the given writers, usage width 100, case-insensitive enum values, no
 * {@code @file} expansion ({@code -d @file} is ours to read), help that wins over everything else
 * on the line, and {@code Failures} as the one place exceptions become exit codes and messages.
 *
 * <pre>{@code
 * public static int run(PrintWriter out, PrintWriter err, String... args) {
 *   return CommandLines.execute(CommandLines.configure(new CommandLine(new MyRoot()), out, err),
 *       parsed -> {}, args);
 * }
 * }</pre>
 */
public final class CommandLines {
  private CommandLines() {}

  /** Applies the house settings to {@code commandLine} and returns it. */
  public static CommandLine configure(CommandLine commandLine, PrintWriter out, PrintWriter err) {
    commandLine.setUsageHelpWidth(100);
    commandLine.setExpandAtFiles(false);
    commandLine.setOut(out);
    commandLine.setErr(err);
    commandLine.setCaseInsensitiveEnumValuesAllowed(true);
    Failures failures = new Failures(err);
    commandLine.setParameterExceptionHandler(failures::onUsageError);
    commandLine.setExecutionExceptionHandler(failures::onExecutionError);
    return commandLine;
  }

  /**
   * Runs {@code args} and returns the exit code ({@link ExitCode}).
   *
   * @param onParsed called once the line has parsed, before the command runs: where a {@code main}
   *     method sets process-wide things such as the log level ({@link LogSetup#level}); others pass
   *     {@code parsed -> {}}
   */
  public static int execute(
      CommandLine commandLine, Consumer<ParseResult> onParsed, String... args) {
    CommandLine helpFor = helpRequested(commandLine, args);
    if (helpFor != null) {
      helpFor.usage(helpFor.getOut());
      helpFor.getOut().flush();
      return ExitCode.OK;
    }
    commandLine.setExecutionStrategy(
        parsed -> {
          onParsed.accept(parsed);
          return new CommandLine.RunLast().execute(parsed);
        });
    return commandLine.execute(args);
  }

  /**
   * The (sub)command whose help {@code args} ask for with -h or --help, or null. Help wins over
   * everything else on the line: picocli still validates some constraints (required options and
   * argument groups) before it looks at the help flag, and "x --help" must always show x's help.
   */
  private static @Nullable CommandLine helpRequested(CommandLine root, String... args) {
    CommandLine command = root;
    int i = 0;
    while (i < args.length && command.getSubcommands().containsKey(args[i])) {
      command = command.getSubcommands().get(args[i]);
      i++;
    }
    for (; i < args.length; i++) {
      if (args[i].equals("--")) {
        return null;
      }
      if (args[i].equals("-h") || args[i].equals("--help")) {
        return command;
      }
    }
    return null;
  }
}
