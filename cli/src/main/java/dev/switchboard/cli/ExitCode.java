package dev.switchboard.cli;

/** The exit codes of {@code sb}; the meaning of each is part of the documented interface. */
final class ExitCode {
  /** The command did what was asked. */
  static final int OK = 0;

  /** The call failed with a gRPC status, printed as {@code CODE: message}. */
  static final int RPC_FAILED = 1;

  /** Bad usage, a bad contract or bad input; printed with its location. */
  static final int BAD_INPUT = 2;

  /** A bug in sb itself; printed as one line with a hint to rerun with --debug-log. */
  static final int INTERNAL = 3;

  private ExitCode() {}
}
