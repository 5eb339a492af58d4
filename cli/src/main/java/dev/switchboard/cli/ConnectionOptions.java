package dev.switchboard.cli;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Option;

/**
 * How to reach the server: transport security, metadata, deadline, verbosity. Shared by every
 * command.
 */
final class ConnectionOptions {
  @Option(
      names = "--plaintext",
      description =
          "Use plain-text HTTP/2 (no TLS). TCP targets use TLS unless this is given; "
              + "unix: and inproc: targets are always plain text.")
  boolean plaintext;

  @Option(
      names = "--cacert",
      paramLabel = "FILE",
      description =
          "PEM file with the CA certificates that verify the server (default: the JDK's trust store).")
  @Nullable Path cacert;

  @Option(
      names = "--cert",
      paramLabel = "FILE",
      description = "PEM certificate chain that identifies this client (mutual TLS); needs --key.")
  @Nullable Path cert;

  @Option(
      names = "--key",
      paramLabel = "FILE",
      description = "PEM private key for --cert (unencrypted).")
  @Nullable Path key;

  @Option(
      names = {"-H", "--header"},
      paramLabel = "'NAME: VALUE'",
      description = "Request metadata, repeatable. Values of names ending in -bin are base64.")
  List<String> headers = new ArrayList<>();

  @Option(
      names = "--deadline",
      paramLabel = "DURATION",
      converter = DeadlineConverter.class,
      description = "Deadline of the call (and of each reflection lookup), e.g. 500ms, 5s, 2m.")
  @Nullable Duration deadline;

  @Option(
      names = {"-v", "--verbose"},
      description = "Print request metadata and response headers and trailers to stderr.")
  boolean verbose;

  @Option(
      names = "--debug-log",
      description = "Log at DEBUG level to stderr and show stack traces of failures.")
  void debugLog(boolean on) {
    if (on) {
      LogSetup.debug();
    }
  }
}
