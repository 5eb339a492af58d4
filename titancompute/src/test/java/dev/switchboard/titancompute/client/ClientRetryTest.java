package dev.switchboard.titancompute.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.runtime.SwitchboardChannel;
import dev.switchboard.runtime.Target;
import dev.switchboard.testing.Await;
import dev.switchboard.testing.FreePorts;
import dev.switchboard.titancompute.agent.Agent;
import dev.switchboard.titancompute.agent.InferenceEngine;
import dev.switchboard.titancompute.coordinator.Coordinator;
import dev.switchboard.titancompute.coordinator.RoutingPolicy;
import dev.switchboard.titancompute.v1.AgentRegistration;
import dev.switchboard.titancompute.v1.CoordinatorServiceGrpc;
import dev.switchboard.titancompute.v1.HealthAck;
import dev.switchboard.titancompute.v1.HealthUpdate;
import dev.switchboard.titancompute.v1.InferenceRequest;
import io.grpc.ManagedChannel;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The client's one retry: a pluggable policy that always prefers a registered agent whose port is
 * closed, so that the first route fails before any output and the second avoids it.
 */
class ClientRetryTest {
  @Test
  void failureBeforeFirstOutputIsRetriedOnceOnAnotherAgent() throws Exception {
    RoutingPolicy preferDead =
        (request, candidates) ->
            candidates.stream()
                .filter(a -> a.agentId().equals("dead"))
                .findFirst()
                .or(() -> Optional.of(candidates.get(0)));
    int closedPort = FreePorts.pick();
    try (Coordinator coordinator =
            Coordinator.builder(Target.tcp("127.0.0.1", 0))
                .routingPolicy(preferDead)
                .heartbeatTimeout(Duration.ofSeconds(30))
                .build()
                .start();
        Agent live =
            Agent.builder(coordinator.target(), "live")
                .model("m")
                .engine(InferenceEngine.demo(Duration.ZERO))
                .heartbeat(Duration.ofMillis(100))
                .build()
                .start()) {
      ManagedChannel channel = SwitchboardChannel.builder(coordinator.target()).plaintext().build();
      try {
        CoordinatorServiceGrpc.newBlockingStub(channel)
            .registerAgent(
                AgentRegistration.newBuilder()
                    .setAgentId("dead")
                    .setEndpoint("127.0.0.1:" + closedPort)
                    .addModels("m")
                    .setCapacity(4)
                    .build());
        StreamObserver<HealthUpdate> beats =
            CoordinatorServiceGrpc.newStub(channel)
                .reportHealth(
                    new StreamObserver<HealthAck>() {
                      @Override
                      public void onNext(HealthAck ack) {}

                      @Override
                      public void onError(Throwable t) {}

                      @Override
                      public void onCompleted() {}
                    });
        beats.onNext(HealthUpdate.newBuilder().setAgentId("dead").build());
        Await.until("the live agent registered", Duration.ofSeconds(10), live::registered);
        try (TitanClient client = TitanClient.connect(coordinator.target())) {
          StringBuilder text = new StringBuilder();
          InferenceResult result =
              client.infer(
                  InferenceRequest.newBuilder()
                      .setModel("m")
                      .setPrompt("hi")
                      .setMaxTokens(4)
                      .build(),
                  text::append);
          assertThat(result.routes()).isEqualTo(2);
          assertThat(result.agentId()).isEqualTo("live");
          assertThat(text.toString()).isEqualTo(result.text()).startsWith("[demo engine:");
          assertThat(coordinator.status().getRequestsRouted()).isEqualTo(2);
        }
        beats.onCompleted();
      } finally {
        channel.shutdownNow();
      }
    }
  }
}
