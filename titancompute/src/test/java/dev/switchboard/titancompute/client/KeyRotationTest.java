package dev.switchboard.titancompute.client;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jwt.SignedJWT;
import dev.switchboard.runtime.SwitchboardChannel;
import dev.switchboard.runtime.Target;
import dev.switchboard.testing.Await;
import dev.switchboard.titancompute.agent.Agent;
import dev.switchboard.titancompute.agent.InferenceEngine;
import dev.switchboard.titancompute.coordinator.Coordinator;
import dev.switchboard.titancompute.v1.AgentServiceGrpc;
import dev.switchboard.titancompute.v1.InferenceRequest;
import dev.switchboard.titancompute.v1.InferenceResponse;
import dev.switchboard.titancompute.v1.StreamRequest;
import dev.switchboard.titancompute.v1.StreamResponse;
import io.grpc.ManagedChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Keys rotate without disturbing anyone: after a rotation new tokens carry the new key id, the
 * agent learns it through GetPublicKey on first sight, and a token signed before the rotation still
 * works until it expires.
 */
class KeyRotationTest {
  @Test
  void agentsFollowARotationAndOldTokensStayValid() throws Exception {
    try (Coordinator coordinator = Coordinator.builder(Target.tcp("127.0.0.1", 0)).build().start();
        Agent agent =
            Agent.builder(coordinator.target(), "agent-1")
                .model("m")
                .engine(InferenceEngine.demo(Duration.ZERO))
                .heartbeat(Duration.ofMillis(100))
                .build()
                .start();
        TitanClient client = TitanClient.connect(coordinator.target())) {
      Await.until("agent-1 registered", Duration.ofSeconds(20), agent::registered);
      InferenceRequest request =
          InferenceRequest.newBuilder().setModel("m").setPrompt("hi").setMaxTokens(3).build();
      InferenceResponse before = client.route(request);
      assertThat(client.infer(request, t -> {}).usage().getCompletionTokens()).isEqualTo(3);

      String newKey = coordinator.rotateSigningKey();
      InferenceResponse after = client.route(request);
      assertThat(SignedJWT.parse(after.getToken()).getHeader().getKeyID())
          .isEqualTo(newKey)
          .isNotEqualTo(SignedJWT.parse(before.getToken()).getHeader().getKeyID());
      assertThat(stream(agent, after)).isEqualTo(3);
      assertThat(stream(agent, before)).isEqualTo(3);
    }
  }

  private static int stream(Agent agent, InferenceResponse route) {
    ManagedChannel channel =
        SwitchboardChannel.builder(Target.parse(agent.endpoint())).plaintext().build();
    try {
      List<StreamResponse> messages = new ArrayList<>();
      AgentServiceGrpc.newBlockingStub(channel)
          .streamInference(
              StreamRequest.newBuilder()
                  .setToken(route.getToken())
                  .setModel("m")
                  .setPrompt("hi")
                  .setMaxTokens(3)
                  .build())
          .forEachRemaining(messages::add);
      return messages.get(messages.size() - 1).getUsage().getCompletionTokens();
    } finally {
      channel.shutdownNow();
    }
  }
}
