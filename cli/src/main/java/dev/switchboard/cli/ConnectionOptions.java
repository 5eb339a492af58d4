package dev.switchboard.cli;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * How a command reaches a server given as TARGET: transport security ({@link ClientTlsOptions}),
 * metadata, deadline, verbosity. {@link Connection#open} turns them into a channel. Shared by every
 * command that talks to a server.
 */
final class ConnectionOptions {
  @Mixin ClientTlsOptions tls = new ClientTlsOptions();

  @Option(
      names = {"-H", "--header"},
      paramLabel = "'NAME: VALUE'",
      description = "Request metadata, repeatable. Values of names ending in -bin are base64.")
  List<String> headers = new ArrayList<>();

  @Option(
      names = "--deadline",
      paramLabel = "DURATION",
      converter = DurationConverter.Positive.class,
      description = "Deadline of the call (and of each reflection lookup), e.g. 500ms, 5s, 2m.")
  @Nullable Duration deadline;

  @Option(
      names = {"-v", "--verbose"},
      description = "Print request metadata and response headers and trailers to stderr.")
  boolean verbose;
}
