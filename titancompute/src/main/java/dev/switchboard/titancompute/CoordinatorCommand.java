package dev.switchboard.titancompute;

import dev.switchboard.runtime.Target;
import dev.switchboard.titancompute.coordinator.Coordinator;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

@Command(
    name = "coordinator",
    mixinStandardHelpOptions = true,
    description =
        "Run the coordinator: registration, heartbeats, routing, tokens, status, dashboard.",
    footer = {
      "",
      "TLS: plaintext unless --tls-cert and --tls-key are given. With --client-ca,",
      "agents and clients must also present a certificate from that CA (mTLS).",
      "The dashboard (--http-port) stays plain HTTP.",
      "  titan coordinator --port 50051 --tls-cert server.pem --tls-key server.key \\",
      "      --client-ca ca.pem"
    })
final class CoordinatorCommand implements Callable<Integer> {
  @ParentCommand private TitanCommand root;

  @Option(
      names = "--port",
      description = "gRPC port (0 for any free port; default ${DEFAULT-VALUE}).",
      defaultValue = "50051")
  private int port;

  @Option(
      names = "--bind",
      description = "Address to listen on (default ${DEFAULT-VALUE}; 0.0.0.0 for all).",
      defaultValue = "127.0.0.1")
  private String bind;

  @Option(
      names = "--heartbeat-timeout",
      converter = DurationConverter.class,
      defaultValue = "3s",
      description = "An agent silent this long leaves routing (default ${DEFAULT-VALUE}).")
  private Duration heartbeatTimeout;

  @Option(
      names = "--token-ttl",
      converter = DurationConverter.class,
      defaultValue = "60s",
      description = "Lifetime of routing tokens (default ${DEFAULT-VALUE}).")
  private Duration tokenTtl;

  @Option(
      names = "--key-rotation",
      converter = DurationConverter.class,
      description = "Rotate the token signing key this often (e.g. 1h; default never).")
  private Duration keyRotation;

  @Mixin private TlsOptions.Server tls;

  @Option(
      names = "--http-port",
      description = "Serve the HTML dashboard on this port (0 for any free port).")
  private Integer httpPort;

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
    root.out.println(
        "coordinator listening on "
            + coordinator.target()
            + (tls.cert == null ? "" : tls.clientCa == null ? " (TLS)" : " (mTLS)"));
    if (coordinator.httpPort() >= 0) {
      root.out.println("dashboard on http://" + bind + ":" + coordinator.httpPort() + "/");
    }
    root.out.flush();
    stopped.await();
    return TitanMain.EXIT_OK;
  }
}
