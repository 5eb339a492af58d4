package dev.switchboard.cli;

import ch.qos.logback.classic.Level;
import java.io.BufferedWriter;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.InputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParseResult;

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
    int code =
        run(
            System.in,
            out,
            err,
            parsed -> {
              if (LogOptions.requested(parsed)) {
                LogSetup.level(Level.DEBUG);
              }
            },
            args);
    out.flush();
    err.flush();
    System.exit(code);
  }

  /**
   * Runs one {@code sb} command line.
   *
   * @return the exit code: {@link ExitCode#OK}, {@link ExitCode#FAILED} or {@link
   *     ExitCode#BAD_INPUT} (and {@link ExitCode#INTERNAL} for a bug in sb itself)
   */
  public static int run(PrintWriter out, PrintWriter err, String... args) {
    return run(System.in, out, err, args);
  }

  /**
   * Like {@link #run(PrintWriter, PrintWriter, String...)}, reading {@code -d @-} from {@code in}.
   */
  public static int run(InputStream in, PrintWriter out, PrintWriter err, String... args) {
    return run(in, out, err, parsed -> {}, args);
  }

  private static int run(
      InputStream in,
      PrintWriter out,
      PrintWriter err,
      Consumer<ParseResult> onParsed,
      String... args) {
    CommandLine commandLine = commandLine(out, err, args);
    feedStdin(commandLine, in);
    return CommandLines.execute(commandLine, onParsed, args);
  }

  /** Every command that reads {@code -d @-} reads it from {@code in}. */
  private static void feedStdin(CommandLine command, InputStream in) {
    for (Object mixin : command.getMixins().values()) {
      if (mixin instanceof CallOptions call) {
        call.stdin = in;
      }
      if (mixin instanceof PayloadOptions payload) {
        payload.stdin = in;
      }
    }
    command.getSubcommands().values().forEach(sub -> feedStdin(sub, in));
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
    return CommandLines.configure(commandLine, out, err);
  }

  private static @Nullable Class<?> subcommandNamed(String name) {
    for (Class<?> candidate : SbCommand.class.getAnnotation(Command.class).subcommands()) {
      Command command = candidate.getAnnotation(Command.class);
      if (command == null || candidate == CommandLine.HelpCommand.class) {
        continue;
      }
      if (command.name().equals(name) || Arrays.asList(command.aliases()).contains(name)) {
        return candidate;
      }
    }
    return null;
  }

  /** The full command tree; visible for the help tests. */
  static CommandLine commandLine(PrintWriter out, PrintWriter err) {
    return CommandLines.configure(new CommandLine(new SbCommand()), out, err);
  }
}
