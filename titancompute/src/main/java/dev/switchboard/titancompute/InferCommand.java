package dev.switchboard.titancompute;

import dev.switchboard.runtime.Target;
import dev.switchboard.titancompute.client.InferenceResult;
import dev.switchboard.titancompute.client.TitanClient;
import dev.switchboard.titancompute.v1.InferenceRequest;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(
    name = "infer",
    mixinStandardHelpOptions = true,
    description = "Ask the coordinator for a route, then stream the answer from the agent.",
    footer = {
      "",
      "TLS: --cacert (and --cert/--key for mTLS) apply to the coordinator and to",
      "the agent the request is routed to. The agent is dialled at the host:port it",
      "advertises, so its certificate must name that host. Default: plaintext.",
      "  titan infer --coordinator localhost:50051 --cacert ca.pem \\",
      "      --model llama3 --prompt Hi"
    })
final class InferCommand implements Callable<Integer> {
  @ParentCommand private TitanCommand root;

  @Spec private CommandSpec spec;

  @Option(
      names = "--coordinator",
      required = true,
      paramLabel = "HOST:PORT",
      description = "The coordinator.")
  private String coordinator;

  @Mixin private TlsOptions.Client tls;

  @Option(names = "--model", required = true)
  private String model;

  @Option(names = "--prompt", required = true)
  private String prompt;

  @Option(names = "--max-tokens", description = "Default 100.")
  private Integer maxTokens;

  @Option(names = "--temperature", description = "0..2, default 0.7.")
  private Float temperature;

  @Option(names = "--client-id", defaultValue = "titan-cli")
  private String clientId;

  @Override
  public Integer call() {
    Target target;
    try {
      target = Target.parse(coordinator);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), "--coordinator: " + e.getMessage());
    }
    InferenceRequest.Builder request =
        InferenceRequest.newBuilder().setClientId(clientId).setModel(model).setPrompt(prompt);
    if (maxTokens != null) {
      request.setMaxTokens(maxTokens);
    }
    if (temperature != null) {
      request.setTemperature(temperature);
    }
    long started = System.nanoTime();
    TitanClient.Builder clientBuilder = TitanClient.builder(target);
    tls.config().ifPresent(clientBuilder::tls);
    try (TitanClient client = clientBuilder.build()) {
      InferenceResult result =
          client.infer(
              request.build(),
              text -> {
                root.out.print(text);
                root.out.flush();
              });
      root.out.println();
      root.err.println(
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
    return TitanMain.EXIT_OK;
  }
}
