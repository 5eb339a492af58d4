package dev.switchboard.cli.titan;

import dev.switchboard.cli.ExitCode;
import dev.switchboard.cli.LogOptions;
import dev.switchboard.runtime.Target;
import dev.switchboard.titancompute.agent.Agent;
import dev.switchboard.titancompute.agent.InferenceEngine;
import dev.switchboard.titancompute.client.InferenceResult;
import dev.switchboard.titancompute.client.StatusTable;
import dev.switchboard.titancompute.client.TitanClient;
import dev.switchboard.titancompute.coordinator.Coordinator;
import dev.switchboard.titancompute.v1.InferenceRequest;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description =
        "Start a coordinator and two demo agents on loopback, run one inference, print the status.",
    footer = {"", "Examples:", "  titan demo", "  titan demo --prompt \"What is gRPC?\""})
final class DemoCommand implements Callable<Integer> {
  private static final String MODEL = "demo-llm";

  @Spec CommandSpec spec;

  @Option(names = "--prompt", paramLabel = "TEXT", description = "Default: ${DEFAULT-VALUE}")
  String prompt = "Why is the sky blue?";

  @Mixin LogOptions log = new LogOptions();

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    Duration heartbeat = Duration.ofMillis(200);
    out.println(
        "TitanCompute demo: a coordinator and two demo agents on loopback, speaking real gRPC.");
    out.println();
    try (Coordinator coordinator =
        Coordinator.builder(Target.tcp("127.0.0.1", 0))
            .heartbeatTimeout(Duration.ofSeconds(2))
            .build()
            .start()) {
      Target target = coordinator.target();
      out.println("  coordinator  " + target);
      try (Agent a = agent(target, "agent-a", heartbeat);
          Agent b = agent(target, "agent-b", heartbeat)) {
        out.println("  agent-a      " + a.endpoint() + "  serving " + MODEL + " (demo engine)");
        out.println("  agent-b      " + b.endpoint() + "  serving " + MODEL + " (demo engine)");
        out.flush();
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (coordinator.status().getHealthyAgents() < 2) {
          if (System.nanoTime() > deadline) {
            spec.commandLine()
                .getErr()
                .println("titan: the demo agents did not register within 10 s");
            return ExitCode.FAILED;
          }
          Thread.sleep(20);
        }
        // One heartbeat after registration, so that the router and the table have measured RTTs.
        Thread.sleep(heartbeat.toMillis() + 50);
        out.println();
        out.println(
            "$ titan infer --coordinator "
                + target
                + " --model "
                + MODEL
                + " --prompt \""
                + prompt
                + "\"");
        out.flush();
        try (TitanClient client = TitanClient.connect(target)) {
          long started = System.nanoTime();
          InferenceResult result =
              client.infer(
                  InferenceRequest.newBuilder()
                      .setClientId("titan-demo")
                      .setModel(MODEL)
                      .setPrompt(prompt)
                      .setMaxTokens(60)
                      .build(),
                  text -> {
                    out.print(text);
                    out.flush();
                  });
          out.println();
          out.println(
              String.format(
                  Locale.ROOT,
                  "[served by %s, %d tokens, finish %s, %.0f ms]",
                  result.agentId(),
                  result.usage().getCompletionTokens(),
                  result
                      .finishReason()
                      .name()
                      .replace("FINISH_REASON_", "")
                      .toLowerCase(Locale.ROOT),
                  (System.nanoTime() - started) / 1e6));
          // Let the agent's next heartbeat carry the finished stream to the coordinator.
          Thread.sleep(heartbeat.toMillis() + 50);
          out.println();
          out.println("$ titan status --coordinator " + target);
          out.print(StatusTable.format(client.status()));
        }
      }
    }
    out.println();
    out.println(
        "Run it for real: bin/titan coordinator --port 50051 --http-port 8080, then bin/titan agent ... (docs/titancompute.md)");
    out.flush();
    return ExitCode.OK;
  }

  private static Agent agent(Target coordinator, String id, Duration heartbeat)
      throws java.io.IOException {
    return Agent.builder(coordinator, id)
        .model(MODEL)
        .engine(InferenceEngine.demo(Duration.ofMillis(15)))
        .heartbeat(heartbeat)
        .capacity(4)
        .build()
        .start();
  }
}
