package dev.switchboard.interop.internal;

import dev.switchboard.interop.internal.InteropFlags.UsageException;
import dev.switchboard.runtime.SwitchboardChannel;
import dev.switchboard.runtime.Target;
import dev.switchboard.runtime.TlsConfig;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * {@code interop client}: runs interop cases with our client stack against any TestService,
 * configured by grpc-java TestServiceClient's flags. Exit code 0 when every requested case passed,
 * 1 when one failed (its name and what differed on stderr), 2 for bad usage.
 */
public final class InteropClient {
  private static final Set<String> FLAGS =
      Set.of(
          "server_host",
          "server_host_override",
          "server_port",
          "test_case",
          "num_times",
          "use_tls",
          "use_test_ca",
          "use_alts",
          "local_handshaker_port",
          "use_upgrade",
          "custom_credentials_type",
          "use_okhttp",
          "default_service_account",
          "service_account_key_file",
          "oauth_scope",
          "service_config_json",
          "soak_iterations",
          "soak_max_failures",
          "soak_per_iteration_max_acceptable_latency_ms",
          "soak_min_time_ms_between_rpcs",
          "soak_overall_timeout_seconds",
          "ca_file");
  private static final int MAX_MESSAGE_SIZE = 16 * 1024 * 1024;

  /** Cases that need Google Cloud credentials, ALTS or xDS/ORCA load balancing: not ours. */
  private static final Set<String> UNSUPPORTED =
      Set.of(
          "compute_engine_creds",
          "compute_engine_channel_credentials",
          "service_account_creds",
          "jwt_token_creds",
          "oauth2_auth_token",
          "per_rpc_creds",
          "google_default_credentials",
          "orca_per_rpc",
          "orca_oob");

  private InteropClient() {}

  /** The cases this client implements, in grpc-java's TestCases order. */
  public static List<String> cases() {
    return List.copyOf(caseTable(null).keySet());
  }

  private static Map<String, Consumer<InteropCases>> caseTable(@Nullable Object unused) {
    Map<String, Consumer<InteropCases>> table = new LinkedHashMap<>();
    table.put("empty_unary", InteropCases::emptyUnary);
    table.put(
        "cacheable_unary",
        c -> {
          throw new AssertionError(
              "cacheable_unary needs GET requests, which grpc-java clients"
                  + " (and so ours) do not send");
        });
    table.put("large_unary", InteropCases::largeUnary);
    table.put("client_compressed_unary", c -> c.clientCompressedUnary(true));
    table.put("client_compressed_unary_noprobe", c -> c.clientCompressedUnary(false));
    table.put("server_compressed_unary", InteropCases::serverCompressedUnary);
    table.put("client_streaming", InteropCases::clientStreaming);
    table.put("client_compressed_streaming", c -> c.clientCompressedStreaming(true));
    table.put("client_compressed_streaming_noprobe", c -> c.clientCompressedStreaming(false));
    table.put("server_streaming", InteropCases::serverStreaming);
    table.put("server_compressed_streaming", InteropCases::serverCompressedStreaming);
    table.put("ping_pong", InteropCases::pingPong);
    table.put("empty_stream", InteropCases::emptyStream);
    table.put("custom_metadata", InteropCases::customMetadata);
    table.put("status_code_and_message", InteropCases::statusCodeAndMessage);
    table.put("special_status_message", InteropCases::specialStatusMessage);
    table.put("unimplemented_method", InteropCases::unimplementedMethod);
    table.put("unimplemented_service", InteropCases::unimplementedService);
    table.put("cancel_after_begin", InteropCases::cancelAfterBegin);
    table.put("cancel_after_first_response", InteropCases::cancelAfterFirstResponse);
    table.put("timeout_on_sleeping_server", InteropCases::timeoutOnSleepingServer);
    table.put("very_large_request", InteropCases::veryLargeRequest);
    table.put("pick_first_unary", InteropCases::pickFirstUnary);
    table.put("rpc_soak", InteropCases::rpcSoak);
    table.put("channel_soak", InteropCases::channelSoak);
    return table;
  }

  public static int run(PrintWriter out, PrintWriter err, String... args) {
    try {
      InteropFlags flags = InteropFlags.parse(args, FLAGS);
      return runCases(flags, out, err);
    } catch (UsageException e) {
      if (!e.getMessage().isEmpty()) {
        err.println("interop client: " + e.getMessage());
      }
      err.println(usage());
      err.flush();
      return 2;
    }
  }

  private static int runCases(InteropFlags flags, PrintWriter out, PrintWriter err)
      throws UsageException {
    String testCase = flags.string("test_case", "empty_unary");
    Map<String, Consumer<InteropCases>> table = caseTable(null);
    if (UNSUPPORTED.contains(testCase)) {
      throw new UsageException(
          "--test_case="
              + testCase
              + ": needs Google Cloud credentials or xDS load balancing; not supported");
    }
    Consumer<InteropCases> body = table.get(testCase);
    if (body == null) {
      throw new UsageException(
          "--test_case="
              + testCase
              + ": unknown case; known: "
              + String.join(", ", table.keySet()));
    }
    if (flags.bool("use_alts", false)
        || flags.bool("use_upgrade", false)
        || flags.bool("use_okhttp", false)
        || flags.has("custom_credentials_type")) {
      throw new UsageException(
          "--use_alts, --use_upgrade, --use_okhttp and"
              + " --custom_credentials_type select grpc-java transports we do not use; not supported");
    }
    int numTimes = flags.integer("num_times", 1);
    InteropCases.SoakSettings soak =
        new InteropCases.SoakSettings(
            flags.integer("soak_iterations", 10),
            flags.integer("soak_max_failures", 0),
            flags.integer("soak_per_iteration_max_acceptable_latency_ms", 1000),
            flags.integer("soak_overall_timeout_seconds", 10));
    Supplier<ManagedChannel> channels = channelFactory(flags);
    ManagedChannel channel = channels.get();
    try {
      InteropCases cases = new InteropCases(channel, channels, soak);
      for (int i = 0; i < numTimes; i++) {
        out.println("Running test " + testCase);
        out.flush();
        body.accept(cases);
      }
      out.println("Test completed.");
      out.flush();
      return 0;
    } catch (AssertionError | StatusRuntimeException e) {
      err.println("interop client: " + testCase + " FAILED: " + e.getMessage());
      err.flush();
      return 1;
    } finally {
      channel.shutdownNow();
      try {
        channel.awaitTermination(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private static Supplier<ManagedChannel> channelFactory(InteropFlags flags) throws UsageException {
    String host = flags.string("server_host", "localhost");
    int port = flags.integer("server_port", 8080);
    boolean useTls = flags.bool("use_tls", true);
    boolean useTestCa = flags.bool("use_test_ca", false);
    String override = flags.string("server_host_override", "");
    String caFile = flags.string("ca_file", "");
    Target target = Target.tcp(host, port);
    if (!useTls) {
      return () ->
          SwitchboardChannel.builder(target)
              .plaintext()
              .maxInboundMessageSize(MAX_MESSAGE_SIZE)
              .build();
    }
    if (!caFile.isEmpty() && useTestCa) {
      throw new UsageException("--ca_file and --use_test_ca=true both choose the CA; pick one");
    }
    TlsConfig tls =
        !caFile.isEmpty()
            ? TlsConfig.trustOnly(Path.of(caFile))
            : useTestCa ? TlsConfig.trustOnly(TestCertificates.ca()) : TlsConfig.systemTrust();
    return () -> {
      var builder =
          SwitchboardChannel.builder(target).tls(tls).maxInboundMessageSize(MAX_MESSAGE_SIZE);
      if (!override.isEmpty()) {
        // The name the certificate must carry when we dial an address it does not name
        // (the grpc test CA's server1 is for *.test.google.fr).
        builder.overrideAuthority(override);
      }
      return builder.build();
    };
  }

  static String usage() {
    return String.join(
        "\n",
        "Usage: interop client [--key=value ...]",
        "  --server_host=HOST           Server to connect to. Default localhost",
        "  --server_host_override=HOST  Name the server's certificate must carry (TLS)",
        "  --server_port=PORT           Port to connect to. Default 8080",
        "  --test_case=CASE             Case to run. Default empty_unary. One of:",
        "                               " + String.join(", ", cases()),
        "  --num_times=N                Run the case N times. Default 1",
        "  --use_tls=true|false         Whether to use TLS. Default true",
        "  --use_test_ca=true|false     Trust the grpc test CA. Default false (system trust)",
        "  --ca_file=PEM                Trust this CA instead (Switchboard extension)",
        "  --soak_iterations, --soak_max_failures, --soak_per_iteration_max_acceptable_latency_ms,",
        "  --soak_overall_timeout_seconds  As in grpc-java, for rpc_soak and channel_soak",
        "Example: interop client --server_port=8080 --use_tls=false --test_case=large_unary");
  }
}
