package dev.switchboard.cli;

import dev.switchboard.messaging.Messaging;
import dev.switchboard.runtime.Target;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.concurrent.Executor;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code --hub}, {@code --name}, {@code --connect-timeout} and the client TLS flags: where an
 * {@code sb msg} verb connects and as whom. One way to connect for every verb: {@link #connect()}.
 */
final class HubOptions {
  private static final String NATS = "nats://";

  @Option(
      names = "--hub",
      paramLabel = "ADDRESS",
      description =
          "The hub: HOST:PORT or unix:PATH for sb hub, nats://HOST:PORT for a NATS server"
              + " (JetStream for queues). Default ${DEFAULT-VALUE}.")
  String hub = "localhost:4222";

  @Option(
      names = "--name",
      paramLabel = "PEER",
      description =
          "This client's peer name (notifications are addressed to it). Default: sb- and random"
              + " hex digits.")
  @Nullable String name;

  @Option(
      names = "--connect-timeout",
      paramLabel = "DURATION",
      converter = DurationConverter.Positive.class,
      description = "How long to wait for the hub (default 10s).")
  Duration connectTimeout = Duration.ofSeconds(10);

  @Mixin ClientTlsOptions tls = new ClientTlsOptions();

  /**
   * Connects: the TLS rule of {@link ClientTlsOptions} applies to the hub's host (or the NATS
   * server's).
   *
   * @throws BadInputException for an address that does not parse or a TLS flag at fault
   */
  Messaging connect() throws BadInputException {
    return connect(null);
  }

  /** The same, running handlers on {@code handlers} (null: the client's own threads). */
  Messaging connect(@Nullable Executor handlers) throws BadInputException {
    Target target = target();
    Messaging.Builder builder = Messaging.builder(hub).connectTimeout(connectTimeout);
    if (handlers != null) {
      builder.executor(handlers);
    }
    if (name != null) {
      try {
        builder.name(name);
      } catch (IllegalArgumentException e) {
        throw new BadInputException("--name '" + name + "': " + e.getMessage());
      }
    }
    tls.forTarget(target).ifPresentOrElse(builder::tls, builder::plaintext);
    return builder.build();
  }

  /** Whether the address names a NATS server. */
  boolean nats() {
    return hub.startsWith(NATS);
  }

  /** The hub's target, or a NATS server's host and port as one (for the TLS rule). */
  private Target target() throws BadInputException {
    if (!nats()) {
      return TargetConverter.parse("--hub", hub);
    }
    try {
      URI uri = new URI(hub);
      if (uri.getHost() == null) {
        throw new BadInputException("--hub '" + hub + "': write nats://HOST:PORT");
      }
      return Target.tcp(uri.getHost(), uri.getPort() < 0 ? 4222 : uri.getPort());
    } catch (URISyntaxException e) {
      throw new BadInputException("--hub '" + hub + "': " + e.getMessage());
    }
  }
}
