package dev.switchboard.cli.titan;

import dev.switchboard.cli.ClientTlsOptions;
import dev.switchboard.cli.ExitCode;
import dev.switchboard.cli.LogOptions;
import dev.switchboard.cli.TargetConverter;
import dev.switchboard.runtime.Target;
import dev.switchboard.titancompute.client.InferenceResult;
import dev.switchboard.titancompute.client.TitanClient;
import dev.switchboard.titancompute.v1.InferenceRequest;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
    name = "infer",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = "Ask the coordinator for a route, then stream the answer from the agent.",
    footer = {
      "",
      "TLS: the flags apply to the coordinator and to the agent the request is routed to,",
      "which is dialled at the host:port it advertises (its certificate must name that host).",
      "Loopback coordinators are dialled in plaintext, others over TLS with the JDK's trust",
      "store, unless --plaintext or --cacert (and --cert/--key for mTLS) say otherwise.",
      "",
      "Examples:",
      "  titan infer --coordinator 127.0.0.1:50051 --model llama3 --prompt Hi",
      "  titan infer --coordinator localhost:50051 --cacert ca.pem --model llama3 --prompt Hi"
    })
final class InferCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--coordinator",
      paramLabel = "HOST:PORT",
      converter = TargetConverter.class,
      description = "The coordinator (default ${DEFAULT-VALUE}).")
  Target coordinator = TitanDefaults.COORDINATOR;

  @Option(names = "--model", required = true, paramLabel = "NAME", description = "The model.")
  String model = "";

  @Option(names = "--prompt", required = true, paramLabel = "TEXT", description = "The prompt.")
  String prompt = "";

  @Option(names = "--max-tokens", paramLabel = "N", description = "Default 100.")
  @Nullable Integer maxTokens;

  @Option(names = "--temperature", paramLabel = "T", description = "0..2, default 0.7.")
  @Nullable Float temperature;

  @Option(
      names = "--client-id",
      paramLabel = "ID",
      description = "Who is asking (the token's subject; default ${DEFAULT-VALUE}).")
  String clientId = "titan-cli";

  @Mixin ClientTlsOptions tls = new ClientTlsOptions();
  @Mixin LogOptions log = new LogOptions();

  @Override
  public Integer call() throws Exception {
    InferenceRequest.Builder request =
        InferenceRequest.newBuilder().setClientId(clientId).setModel(model).setPrompt(prompt);
    if (maxTokens != null) {
      request.setMaxTokens(maxTokens);
    }
    if (temperature != null) {
      request.setTemperature(temperature);
    }
    TitanClient.Builder clientBuilder = TitanClient.builder(coordinator);
    tls.forTarget(coordinator).ifPresent(clientBuilder::tls);
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    long started = System.nanoTime();
    try (TitanClient client = clientBuilder.build()) {
      InferenceResult result =
          client.infer(
              request.build(),
              text -> {
                out.print(text);
                out.flush();
              });
      out.println();
      out.flush();
      err.println(
          String.format(
              Locale.ROOT,
              "[%s, request %s, %d tokens, finish %s, %.0f ms%s]",
              result.agentId(),
              result.requestId(),
              result.usage().getCompletionTokens(),
              result.finishReason().name().replace("FINISH_REASON_", "").toLowerCase(Locale.ROOT),
              (System.nanoTime() - started) / 1e6,
              result.routes() > 1 ? ", second route" : ""));
    }
    return ExitCode.OK;
  }
}
