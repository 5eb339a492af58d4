package dev.switchboard.cli;

/**
 * The exit codes of every command line here ({@code sb}, {@code titan}); the meaning of each is
 * part of the documented interface. {@code Failures} is the one place that maps exceptions to them;
 * a command returns {@link #OK} or throws.
 */
public final class ExitCode {
  /** The command did what was asked. */
  public static final int OK = 0;

  /**
   * The call failed with a gRPC status (printed as {@code CODE: message}), or the system refused
   * what was asked (a port in use, a file that cannot be written).
   */
  public static final int FAILED = 1;

  /** Bad usage, a bad contract or bad input; printed with its location. */
  public static final int BAD_INPUT = 2;

  /** A bug in the program itself; printed as one line with a hint to rerun with --debug-log. */
  public static final int INTERNAL = 3;

  /** The exit code table for a root command's help footer (after {@code "Exit codes:"}). */
  public static final String HELP_OK = "  0  success";

  public static final String HELP_FAILED =
      "  1  a call failed with a gRPC status (printed as CODE: message), or an I/O operation failed";

  public static final String HELP_BAD_INPUT =
      "  2  bad usage, contract or input, printed with its location";

  public static final String HELP_INTERNAL =
      "  3  a bug in the program (rerun with --debug-log for the details)";

  private ExitCode() {}
}
