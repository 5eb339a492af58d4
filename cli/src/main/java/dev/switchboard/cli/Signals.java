package dev.switchboard.cli;

/**
 * SIGTERM and SIGINT as a request to stop, for commands that run until told to: the command then
 * shuts down in its own thread and exits with its own code (0 for a clean stop), where the JVM's
 * default would run shutdown hooks and exit 143.
 */
final class Signals {
  private Signals() {}

  /** Runs {@code stop} (on a signal thread) when the process gets SIGTERM or SIGINT. */
  @SuppressWarnings("removal") // sun.misc.Signal is the only way to handle a signal on Java 17
  static void onTermination(Runnable stop) {
    for (String name : new String[] {"TERM", "INT"}) {
      try {
        sun.misc.Signal.handle(new sun.misc.Signal(name), signal -> stop.run());
      } catch (IllegalArgumentException | UnsupportedOperationException e) {
        // This platform reserves the signal; the JVM's default handling still stops the process.
      }
    }
  }
}
