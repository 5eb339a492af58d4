package dev.switchboard.cli;

import dev.switchboard.messaging.MessagingHub;
import dev.switchboard.runtime.Target;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
    name = "hub",
    mixinStandardHelpOptions = true,
    header = "Run the embedded messaging hub.",
    sortOptions = false,
    description =
        "Serve the five messaging patterns (pub/sub, request/response, work queues, broadcast,"
            + " notification) to `sb msg` and to Messaging clients, with no outside service."
            + " Prints one line, `hub listening on HOST:PORT`, once clients can connect, and runs"
            + " until SIGTERM or Ctrl-C, then stops cleanly (exit 0). With --data, work queues are"
            + " durable: a push is confirmed only once it would survive kill -9, and a hub"
            + " restarted on the same directory resumes them. Every session is watched with"
            + " heartbeats: a client silent for 3 intervals is dead, its unacknowledged work goes to"
            + " another consumer.",
    footer = {
      "",
      "TLS: plaintext unless --tls-cert and --tls-key are given; with --client-ca, clients must",
      "present a certificate from that CA (mTLS), whose CN is their identity.",
      "",
      "Examples:",
      "  sb hub --port 4222 --data /var/lib/sb-hub",
      "  sb hub --socket /run/sb/hub.sock --heartbeat 500ms",
      "  sb hub --port 4222 --tls-cert hub.pem --tls-key hub.key --client-ca ca.pem",
    })
final class HubCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--port",
      paramLabel = "N",
      description = "TCP port to listen on (0 for any free port; default ${DEFAULT-VALUE}).")
  int port = 4222;

  @Option(
      names = "--bind",
      paramLabel = "HOST",
      description = "Address to listen on (default ${DEFAULT-VALUE}; 0.0.0.0 for all).")
  String bind = "127.0.0.1";

  @Option(
      names = "--socket",
      paramLabel = "PATH",
      description = "Listen on this unix socket instead of TCP (clients use --hub unix:PATH).")
  @Nullable Path socket;

  @Option(
      names = "--data",
      paramLabel = "DIR",
      description =
          "Keep work queues durable in this directory (created if missing). Without it, queues"
              + " live in memory and die with the hub.")
  @Nullable Path data;

  @Option(
      names = "--heartbeat",
      paramLabel = "DURATION",
      converter = DurationConverter.Positive.class,
      description =
          "Heartbeat interval of every session; a client silent for 3 of them is dead"
              + " (default 1s).")
  Duration heartbeat = Duration.ofSeconds(1);

  @Option(
      names = "--metrics-port",
      paramLabel = "PORT",
      description = "Serve Prometheus metrics on http://HOST:PORT/metrics (0 for any free port).")
  @Nullable Integer metricsPort;

  @Mixin ServerTlsOptions tls = new ServerTlsOptions();
  @Mixin LogOptions log = new LogOptions();

  @Override
  public Integer call() throws Exception {
    Target target = socket == null ? Target.tcp(bind, port) : Target.unix(socket);
    MessagingHub.Builder builder = MessagingHub.builder(target).heartbeat(heartbeat);
    if (data != null) {
      builder.dataDirectory(data);
    }
    if (metricsPort != null) {
      builder.metricsAddress(new InetSocketAddress(bind, metricsPort));
    }
    tls.config().ifPresent(builder::tls);
    CountDownLatch stop = new CountDownLatch(1);
    Signals.onTermination(stop::countDown);
    try (MessagingHub hub = builder.start()) {
      PrintWriter out = spec.commandLine().getOut();
      out.println("hub listening on " + hub.target());
      out.flush();
      InetSocketAddress metrics = hub.metricsAddress();
      if (metrics != null) {
        PrintWriter err = spec.commandLine().getErr();
        err.println("metrics on http://" + bind + ":" + metrics.getPort() + "/metrics");
        err.flush();
      }
      stop.await();
    }
    return ExitCode.OK;
  }
}
