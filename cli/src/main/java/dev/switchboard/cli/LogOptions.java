package dev.switchboard.cli;

import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParseResult;

/**
 * {@code --debug-log}: log at DEBUG to stderr and show the stack traces of failures. Every command
 * takes it as a {@code @Mixin}. The flag only records the wish: the program's {@code main} sets the
 * level after parsing (see {@link LogSetup}), and {@code Failures} prints stack traces.
 */
public final class LogOptions {
  /** The option's name, which {@code Failures} and the mains look for in a parse result. */
  public static final String DEBUG_LOG = "--debug-log";

  @Option(
      names = DEBUG_LOG,
      description = "Log at DEBUG level to stderr and show stack traces of failures.")
  boolean debug;

  /** Whether {@code --debug-log} was given to the command or any command above it. */
  public static boolean requested(@Nullable ParseResult parsed) {
    for (ParseResult current = parsed; current != null; current = current.subcommand()) {
      if (current.hasMatchedOption(DEBUG_LOG)) {
        return true;
      }
    }
    return false;
  }
}
