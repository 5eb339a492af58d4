package dev.switchboard.titancompute;

import io.grpc.StatusRuntimeException;
import java.io.PrintWriter;
import java.util.logging.Level;
import picocli.CommandLine;

/**
 * {@code bin/titan}: parses the command line and runs one of the subcommands. Exit codes follow the
 * project's rule: 0 success, 1 a call failed with a gRPC status, 2 bad usage or input.
 */
public final class TitanMain {
  static final int EXIT_OK = 0;
  static final int EXIT_STATUS = 1;
  static final int EXIT_USAGE = 2;

  private TitanMain() {}

  public static void main(String[] args) {
    configureLogging(args.length > 0 ? args[0] : "");
    System.exit(run(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args));
  }

  /** Runs a command line without exiting the JVM (tests and the demo use this). */
  public static int run(PrintWriter out, PrintWriter err, String... args) {
    CommandLine cli = new CommandLine(new TitanCommand(out, err));
    cli.setOut(out);
    cli.setErr(err);
    cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
      if (e instanceof StatusRuntimeException sre) {
        Throwable cause = sre.getStatus().getCause();
        // "io exception" alone does not say what failed; the transport's cause does.
        err.println("error: " + sre.getStatus().getCode()
            + (sre.getStatus().getDescription() == null ? "" : ": " + sre.getStatus().getDescription())
            + (cause == null || cause.getMessage() == null ? "" : " (" + cause.getMessage() + ")"));
        return EXIT_STATUS;
      }
      if (e instanceof IllegalArgumentException || e instanceof CommandLine.ParameterException) {
        err.println("error: " + e.getMessage());
        return EXIT_USAGE;
      }
      if (e instanceof java.io.IOException) {
        err.println("error: " + e.getMessage());
        return EXIT_STATUS;
      }
      throw e;
    });
    return cli.execute(args);
  }

  /**
   * Servers log at INFO; the short-lived commands at WARN so that their stdout is only the story.
   * Must run before the first logger is created: logback reads the property once.
   */
  private static void configureLogging(String command) {
    boolean server = command.equals("coordinator") || command.equals("agent");
    // The module jar is also a library (benchmarks, embedders), so its config is not named logback.xml.
    if (System.getProperty("logback.configurationFile") == null) {
      System.setProperty("logback.configurationFile", "titan-logback.xml");
    }
    if (System.getProperty("titan.log") == null) {
      System.setProperty("titan.log", server ? "INFO" : "WARN");
    }
    // grpc-java and Netty log through java.util.logging; keep their chatter out of the story too.
    java.util.logging.Logger.getLogger("").setLevel(server ? Level.WARNING : Level.SEVERE);
    for (java.util.logging.Handler h : java.util.logging.Logger.getLogger("").getHandlers()) {
      h.setLevel(server ? Level.WARNING : Level.SEVERE);
    }
  }
}
