package dev.switchboard.interop.internal;

import dev.switchboard.interop.internal.InteropFlags.UsageException;
import dev.switchboard.runtime.SwitchboardServer;
import dev.switchboard.runtime.Target;
import dev.switchboard.runtime.TlsConfig;
import io.grpc.ServerInterceptors;
import io.grpc.testing.integration.UnimplementedServiceGrpc;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.jspecify.annotations.Nullable;

/**
 * {@code interop server}: TestService on a {@link SwitchboardServer}, configured by grpc-java
 * TestServiceServer's flags. Like grpc-java's, it uses TLS unless told {@code --use_tls=false}, and
 * allows 16 MiB messages (its MAX_MESSAGE_SIZE), which very_large_request needs.
 */
public final class InteropServer {
  private static final Set<String> FLAGS =
      Set.of(
          "port",
          "use_tls",
          "use_alts",
          "local_handshaker_port",
          "address_type",
          "grpc_version",
          "use_mcs",
          "tls_cert_file",
          "tls_key_file");
  static final int MAX_MESSAGE_SIZE = 16 * 1024 * 1024;

  private InteropServer() {}

  /** Runs the server until the process is stopped; returns an exit code. */
  public static int run(PrintWriter out, PrintWriter err, String... args) {
    SwitchboardServer server;
    ScheduledExecutorService scheduler =
        Executors.newSingleThreadScheduledExecutor(
            runnable -> {
              Thread thread = new Thread(runnable, "interop-response-pacer");
              thread.setDaemon(true);
              return thread;
            });
    try {
      server = start(InteropFlags.parse(args, FLAGS), scheduler, out);
    } catch (UsageException e) {
      scheduler.shutdownNow();
      if (!e.getMessage().isEmpty()) {
        err.println("interop server: " + e.getMessage());
      }
      err.println(usage());
      err.flush();
      return 2;
    } catch (IOException | RuntimeException e) {
      scheduler.shutdownNow();
      err.println("interop server: could not start: " + e.getMessage());
      err.flush();
      return 1;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  server.shutdown(Duration.ofSeconds(2));
                  scheduler.shutdownNow();
                  stopped.countDown();
                },
                "interop-server-shutdown"));
    try {
      server.awaitTermination();
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return 0;
  }

  static SwitchboardServer start(
      InteropFlags flags, ScheduledExecutorService scheduler, PrintWriter out)
      throws UsageException, IOException {
    int port = flags.integer("port", 8080);
    boolean useTls = flags.bool("use_tls", true);
    if (flags.bool("use_alts", false)) {
      throw new UsageException("--use_alts=true: ALTS exists only on Google Cloud; not supported");
    }
    String version = flags.string("grpc_version", "2");
    if (!"2".equals(version)) {
      throw new UsageException("--grpc_version=" + version + ": only grpc version 2 is supported");
    }
    // Accepted for command-line compatibility; our builder has no per-connection call limit.
    flags.bool("use_mcs", false);
    String addressType = flags.string("address_type", "IPV4_IPV6");
    String host = bindHost(addressType);
    @Nullable TlsConfig tls = useTls ? serverTls(flags) : null;
    if (!useTls && (flags.has("tls_cert_file") || flags.has("tls_key_file"))) {
      throw new UsageException("--tls_cert_file/--tls_key_file need --use_tls=true");
    }
    SwitchboardServer server;
    try {
      server = build(host, port, tls, scheduler);
    } catch (IOException e) {
      if (!"::".equals(host) || !"IPV4_IPV6".equalsIgnoreCase(addressType)) {
        throw e;
      }
      // A host without IPv6 cannot bind the v6 wildcard; the v4 one is the best "both" left.
      server = build("0.0.0.0", port, tls, scheduler);
    }
    if (useTls && !flags.has("tls_cert_file")) {
      out.println(
          "Using the grpc test CA's server1 certificate. Clients should expect host "
              + "*.test.google.fr and the test CA: --server_host_override="
              + TestCertificates.SERVER_HOST_OVERRIDE
              + " --use_test_ca=true");
    }
    // The harnesses read the real port from this line (grpc-java prints the same words).
    out.println("Server started on port " + server.port());
    out.flush();
    return server;
  }

  private static SwitchboardServer build(
      String host, int port, @Nullable TlsConfig tls, ScheduledExecutorService scheduler)
      throws IOException {
    var builder =
        SwitchboardServer.builder(Target.tcp(host, port))
            .service(
                ServerInterceptors.intercept(
                    new InteropTestService(scheduler),
                    new EchoMetadataInterceptor(),
                    new RequestCompression()))
            .service(new UnimplementedServiceGrpc.UnimplementedServiceImplBase() {})
            .maxInboundMessageSize(MAX_MESSAGE_SIZE);
    if (tls != null) {
      builder.tls(tls);
    }
    return builder.build().start();
  }

  private static TlsConfig serverTls(InteropFlags flags) throws UsageException {
    boolean cert = flags.has("tls_cert_file");
    boolean key = flags.has("tls_key_file");
    if (cert != key) {
      throw new UsageException("--tls_cert_file and --tls_key_file go together");
    }
    if (cert) {
      try {
        return TlsConfig.fromPem(
            Path.of(flags.string("tls_cert_file", "")), Path.of(flags.string("tls_key_file", "")));
      } catch (IllegalArgumentException e) {
        throw new UsageException(Objects.requireNonNullElse(e.getMessage(), e.toString()));
      }
    }
    return TlsConfig.fromCertificates(TestCertificates.server1Key(), TestCertificates.server1());
  }

  private static String bindHost(String addressType) throws UsageException {
    return switch (addressType.toUpperCase(Locale.ROOT)) {
      // The wildcard; on a dual-stack host it accepts both families, as grpc-java's does.
      case "IPV4_IPV6", "IPV6" -> "::";
      case "IPV4" -> "0.0.0.0";
      default ->
          throw new UsageException(
              "--address_type=" + addressType + ": expected IPV4, IPV6 or IPV4_IPV6");
    };
  }

  static String usage() {
    return """
        Usage: interop server [--key=value ...]
          --port=PORT                 Port to listen on (0: any free port). Default 8080
          --use_tls=true|false        Whether to use TLS. Default true (the grpc test CA's
                                      server1 certificate, for *.test.google.fr)
          --tls_cert_file=PEM         With --tls_key_file: serve this certificate chain instead
          --tls_key_file=PEM          The private key of --tls_cert_file
          --address_type=IPV4|IPV6|IPV4_IPV6
                                      Addresses to listen on. Default IPV4_IPV6
          --use_alts, --local_handshaker_port, --grpc_version=2, --use_mcs
                                      Accepted for compatibility with grpc-java's TestServiceServer;
                                      ALTS is not supported
        Example: interop server --port=8080 --use_tls=false""";
  }
}
