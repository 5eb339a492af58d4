package dev.switchboard.titancompute;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;
import org.jspecify.annotations.Nullable;
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
    // A usage mistake is one line naming the option (and file) at fault, not the whole help page.
    cli.setParameterExceptionHandler(
        (e, arguments) -> {
          String command = e.getCommandLine().getCommandName();
          err.println(
              "error: "
                  + e.getMessage()
                  + " (titan "
                  + (command.equals("titan") ? "" : command + " ")
                  + "--help for usage)");
          return EXIT_USAGE;
        });
    cli.setExecutionExceptionHandler(
        (e, commandLine, parseResult) -> {
          if (e instanceof StatusRuntimeException sre) {
            String line = "error: " + describe(sre.getStatus());
            boolean plaintext =
                commandLine.getMixins().values().stream()
                    .anyMatch(
                        mixin ->
                            mixin instanceof TlsOptions.Client client && client.dialsPlaintext());
            err.println(line + tlsHint(line, plaintext));
            return EXIT_STATUS;
          }
          if (e instanceof IllegalArgumentException
              || e instanceof CommandLine.ParameterException) {
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
   * {@code CODE: description (cause; root cause)}, one line. "io exception" alone does not say what
   * failed; the transport's cause does, and for TLS failures the root cause ("unable to find valid
   * certification path ...") is the useful part. grpc-java appends a pipeline dump to some
   * descriptions: only the first line is kept.
   */
  static String describe(Status status) {
    StringBuilder line = new StringBuilder(status.getCode().name());
    String description = firstLine(status.getDescription());
    if (!description.isEmpty()) {
      line.append(": ").append(description);
    }
    List<String> causes = new ArrayList<>();
    for (Throwable t = status.getCause();
        t != null && causes.size() < 8;
        t = t.getCause() == t ? null : t.getCause()) {
      String text = firstLine(t.getMessage());
      if (!text.isEmpty()
          && !description.contains(text)
          && causes.stream().noneMatch(c -> c.contains(text))) {
        causes.add(text);
      }
    }
    if (!causes.isEmpty()) {
      // The outermost and the innermost say the most; the layers in between repeat them.
      String because =
          causes.size() == 1 ? causes.get(0) : causes.get(0) + "; " + causes.get(causes.size() - 1);
      line.append(" (").append(because).append(")");
    }
    return line.toString();
  }

  private static String firstLine(@Nullable String text) {
    if (text == null) {
      return "";
    }
    int newline = text.indexOf('\n');
    return (newline < 0 ? text : text.substring(0, newline)).strip();
  }

  /**
   * The transport's TLS failures name neither the cause nor the flag that fixes it; these are the
   * ones a user meets when client and server disagree (grpc-java 1.85 with Netty's BoringSSL).
   */
  static String tlsHint(String error, boolean plaintextClient) {
    // A TLS server drops a plaintext HTTP/2 preface: the client sees the close or a reset, never a
    // reply.
    if (plaintextClient
        && error.startsWith("error: UNAVAILABLE")
        && (error.contains("Network closed for unknown reason")
            || error.contains("Connection reset by peer"))) {
      return "; if the server speaks TLS, give --cacert FILE (titan dials plaintext by default)";
    }
    if (error.contains("not an SSL/TLS record")) {
      return "; the server does not speak TLS on this port: drop --cacert, --cert and --key";
    }
    if (error.contains("CERTIFICATE_REQUIRED")) {
      return "; the server requires a client certificate: give --cert FILE --key FILE";
    }
    if (error.contains("unable to find valid certification path")
        || error.contains("PKIX")
        || error.contains("trust anchors")) {
      return "; the server's certificate is not signed by a CA in --cacert";
    }
    return "";
  }

  /**
   * Servers log at INFO; the short-lived commands at WARN so that their stdout is only the story.
   * Must run before the first logger is created: logback reads the property once.
   */
  private static void configureLogging(String command) {
    boolean server = command.equals("coordinator") || command.equals("agent");
    // The module jar is also a library (benchmarks, embedders), so its config is not named
    // logback.xml.
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
