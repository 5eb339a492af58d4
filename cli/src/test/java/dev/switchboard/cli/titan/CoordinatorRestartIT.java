package dev.switchboard.cli.titan;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.runtime.Target;
import dev.switchboard.testing.Await;
import dev.switchboard.testing.FreePorts;
import dev.switchboard.testing.TestProcess;
import dev.switchboard.titancompute.client.InferenceResult;
import dev.switchboard.titancompute.client.TitanClient;
import dev.switchboard.titancompute.v1.InferenceRequest;
import java.time.Duration;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The coordinator is SIGKILLed and started again on the same port with no memory of its agents and
 * new signing keys: every agent registers again on its own within a few heartbeats, and routing and
 * token checks work again (agents refetch the new key).
 */
class CoordinatorRestartIT {
  private static final Duration START = Duration.ofSeconds(60);

  @Test
  void agentsRegisterAgainAfterACoordinatorRestart() throws Exception {
    int port = FreePorts.pick();
    String address = "127.0.0.1:" + port;
    String[] coordinatorArgs = {
      "coordinator", "--port", String.valueOf(port), "--heartbeat-timeout", "2s"
    };
    TestProcess first = TitanJar.start("coordinator-1", coordinatorArgs);
    TestProcess agentA =
        TitanJar.start(
            "agent-a",
            "agent",
            "--coordinator",
            address,
            "--agent-id",
            "agent-a",
            "--model",
            "m",
            "--heartbeat",
            "200ms",
            "--demo-delay",
            "0ms");
    TestProcess agentB =
        TitanJar.start(
            "agent-b",
            "agent",
            "--coordinator",
            address,
            "--agent-id",
            "agent-b",
            "--model",
            "m",
            "--heartbeat",
            "200ms",
            "--demo-delay",
            "0ms");
    TestProcess second = null;
    try (TitanClient client = TitanClient.connect(Target.parse(address))) {
      first.awaitLine(Pattern.compile("coordinator listening on"), START);
      agentA.awaitLine(Pattern.compile("listening on"), START);
      agentB.awaitLine(Pattern.compile("listening on"), START);
      Await.until("both agents registered", START, () -> client.status().getHealthyAgents() == 2);
      InferenceRequest request =
          InferenceRequest.newBuilder().setModel("m").setPrompt("hi").setMaxTokens(3).build();
      client.infer(request, t -> {});

      first.kill();
      second = TitanJar.start("coordinator-2", coordinatorArgs);
      second.awaitLine(Pattern.compile("coordinator listening on"), START);
      long up = System.nanoTime();
      Await.until(
          "both agents registered again",
          Duration.ofSeconds(20),
          () -> client.status().getHealthyAgents() == 2);
      Duration took = Duration.ofNanos(System.nanoTime() - up);
      // The agents' backoff is capped at 1 s with 200 ms heartbeats: a few heartbeats, not minutes.
      assertThat(took).isLessThan(Duration.ofSeconds(5));
      InferenceResult after = client.infer(request, t -> {});
      assertThat(after.text()).startsWith("[demo engine:");
      assertThat(client.status().getRequestsRouted()).isEqualTo(1); // the new coordinator's count
      System.out.println(
          "agents registered again " + took.toMillis() + " ms after the coordinator restarted");
    } finally {
      for (TestProcess p : new TestProcess[] {agentA, agentB, first, second}) {
        if (p != null) {
          p.close();
        }
      }
    }
  }
}
