package dev.switchboard.cli;

import java.io.BufferedWriter;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.InputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;

/**
 * The {@code sb} entry point. {@link #run} returns the exit code, so tests drive it in-process;
 * only {@link #main} exits the JVM.
 */
public final class Sb {
  private Sb() {}

  public static void main(String[] args) {
    PrintWriter out =
        new PrintWriter(
            new BufferedWriter(
                new OutputStreamWriter(
                    new FileOutputStream(FileDescriptor.out), StandardCharsets.UTF_8)),
            false);
    PrintWriter err =
        new PrintWriter(
            new BufferedWriter(
                new OutputStreamWriter(
                    new FileOutputStream(FileDescriptor.err), StandardCharsets.UTF_8)),
            true);
    int code = run(out, err, args);
    out.flush();
    err.flush();
    System.exit(code);
  }

  /**
   * Runs one {@code sb} command line.
   *
   * @return the exit code: {@link ExitCode#OK}, {@link ExitCode#RPC_FAILED} or {@link
   *     ExitCode#BAD_INPUT} (and {@link ExitCode#INTERNAL} for a bug in sb itself)
   */
  public static int run(PrintWriter out, PrintWriter err, String... args) {
    return run(System.in, out, err, args);
  }

  /**
   * Like {@link #run(PrintWriter, PrintWriter, String...)}, reading {@code -d @-} from {@code in}.
   */
  public static int run(InputStream in, PrintWriter out, PrintWriter err, String... args) {
    CommandLine commandLine = commandLine(out, err, args);
    CommandLine call = commandLine.getSubcommands().get("call");
    if (call != null) {
      ((CallCommand) call.getCommand()).stdin = in;
    }
    CommandLine helpFor = helpRequested(commandLine, args);
    if (helpFor != null) {
      helpFor.usage(helpFor.getOut());
      helpFor.getOut().flush();
      return ExitCode.OK;
    }
    return commandLine.execute(args);
  }

  /**
   * The (sub)command whose help {@code args} ask for with -h or --help, or null. Help wins over
   * everything else on the line: picocli still validates some constraints (required argument
   * groups) before it looks at the help flag, and "sb x --help" must always show x's help.
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

  /**
   * The command tree for {@code args}. Building picocli's model of every subcommand costs start-up
   * time (reflection over each class and its mixins), so when the first argument names a
   * subcommand, only that one is built, under a bare root; help and errors get the full tree.
   */
  static CommandLine commandLine(PrintWriter out, PrintWriter err, String... args) {
    Class<?> only = args.length == 0 ? null : subcommandNamed(args[0]);
    if (only == null) {
      return commandLine(out, err);
    }
    CommandSpec root = CommandSpec.create().name("sb");
    root.usageMessage().description(SbCommand.class.getAnnotation(Command.class).description());
    CommandLine commandLine = new CommandLine(root);
    try {
      commandLine.addSubcommand(new CommandLine(CommandLine.defaultFactory().create(only)));
    } catch (Exception e) {
      throw new IllegalStateException("cannot create the " + args[0] + " command", e);
    }
    return configure(commandLine, out, err);
  }

  private static @Nullable Class<?> subcommandNamed(String name) {
    for (Class<?> candidate : SbCommand.class.getAnnotation(Command.class).subcommands()) {
      Command command = candidate.getAnnotation(Command.class);
      if (command == null || candidate == CommandLine.HelpCommand.class) {
        continue;
      }
      if (command.name().equals(name)
          || java.util.Arrays.asList(command.aliases()).contains(name)) {
        return candidate;
      }
    }
    return null;
  }

  /** The full command tree; visible for the help tests. */
  static CommandLine commandLine(PrintWriter out, PrintWriter err) {
    return configure(new CommandLine(new SbCommand()), out, err);
  }

  private static CommandLine configure(CommandLine commandLine, PrintWriter out, PrintWriter err) {
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
