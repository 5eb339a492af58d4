package dev.switchboard.cli.titan;

import dev.switchboard.cli.DurationConverter;
import dev.switchboard.cli.ExitCode;
import dev.switchboard.cli.LogOptions;
import dev.switchboard.cli.ServerTlsOptions;
import dev.switchboard.runtime.Target;
import dev.switchboard.titancompute.coordinator.Coordinator;
import java.io.PrintWriter;
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
    name = "coordinator",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description =
        "Run the coordinator: registration, heartbeats, routing, tokens, status, dashboard.",
    footer = {
      "",
      "TLS: plaintext unless --tls-cert and --tls-key are given. With --client-ca,",
      "agents and clients must also present a certificate from that CA (mTLS).",
      "The dashboard (--http-port) stays plain HTTP.",
      "",
      "Examples:",
      "  titan coordinator --port 50051 --http-port 8080",
      "  titan coordinator --port 50051 --tls-cert server.pem --tls-key server.key \\",
      "      --client-ca ca.pem"
    })
final class CoordinatorCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--port",
      description = "gRPC port (0 for any free port; default ${DEFAULT-VALUE}).")
  int port = 50051;

  @Option(
      names = "--bind",
      paramLabel = "HOST",
      description = "Address to listen on (default ${DEFAULT-VALUE}; 0.0.0.0 for all).")
  String bind = "127.0.0.1";

  @Option(
      names = "--heartbeat-timeout",
      paramLabel = "DURATION",
      converter = DurationConverter.Positive.class,
      description = "An agent silent this long leaves routing (default 3s).")
  Duration heartbeatTimeout = Duration.ofSeconds(3);

  @Option(
      names = "--token-ttl",
      paramLabel = "DURATION",
      converter = DurationConverter.Positive.class,
      description = "Lifetime of routing tokens (default 60s).")
  Duration tokenTtl = Duration.ofSeconds(60);

  @Option(
      names = "--key-rotation",
      paramLabel = "DURATION",
      converter = DurationConverter.Positive.class,
      description = "Rotate the token signing key this often (e.g. 1h; default never).")
  @Nullable Duration keyRotation;

  @Option(
      names = "--http-port",
      paramLabel = "PORT",
      description = "Serve the HTML dashboard on this port (0 for any free port).")
  @Nullable Integer httpPort;

  @Mixin ServerTlsOptions tls = new ServerTlsOptions();
  @Mixin LogOptions log = new LogOptions();

  @Override
  public Integer call() throws Exception {
    Coordinator.Builder builder =
        Coordinator.builder(Target.tcp(bind, port))
            .heartbeatTimeout(heartbeatTimeout)
            .tokenTtl(tokenTtl);
    if (keyRotation != null) {
      builder.keyRotation(keyRotation);
    }
    if (httpPort != null) {
      builder.dashboard(bind, httpPort);
    }
    tls.config().ifPresent(builder::tls);
    Coordinator coordinator = builder.build().start();
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  coordinator.close();
                  stopped.countDown();
                },
                "titan-coordinator-shutdown"));
    PrintWriter out = spec.commandLine().getOut();
    out.println("coordinator listening on " + coordinator.target() + tls.label());
    if (coordinator.httpPort() >= 0) {
      out.println("dashboard on http://" + bind + ":" + coordinator.httpPort() + "/");
    }
    out.flush();
    stopped.await();
    return ExitCode.OK;
  }
}
