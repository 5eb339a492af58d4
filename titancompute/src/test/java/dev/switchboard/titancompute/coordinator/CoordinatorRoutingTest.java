package dev.switchboard.titancompute.coordinator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.testing.FakeClock;
import dev.switchboard.testing.ManualScheduler;
import dev.switchboard.titancompute.v1.AgentRegistration;
import dev.switchboard.titancompute.v1.AgentState;
import dev.switchboard.titancompute.v1.InferenceRequest;
import dev.switchboard.titancompute.v1.InferenceResponse;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** RequestInference's use of the routing index: a pick that went silent is never routed to. */
class CoordinatorRoutingTest {
  private final FakeClock clock = FakeClock.at(Instant.parse("2026-01-01T00:00:00Z"));
  // Its time never moves, so the scheduled liveness checks never run: the tests move the clock
  // and sweep, or let routing ask the rule.
  private final ManualScheduler scheduler = new ManualScheduler();
  private final AgentRegistry registry = new AgentRegistry(clock, Duration.ofSeconds(3), scheduler);

  private final List<List<String>> offered = new ArrayList<>();
  // Prefers agent "a" whenever it is offered: the worst case for the index's staleness.
  private final RoutingPolicy prefersA =
      (request, candidates) -> {
        offered.add(candidates.stream().map(AgentView::agentId).toList());
        return candidates.stream()
            .filter(c -> c.agentId().equals("a"))
            .findFirst()
            .or(() -> Optional.of(candidates.get(0)));
      };
  private final CoordinatorGrpcService service =
      new CoordinatorGrpcService(
          registry,
          prefersA,
          new TokenIssuer(clock, Duration.ofSeconds(30)),
          new RequestLog(),
          clock);

  private static AgentRegistration agent(String id) {
    return AgentRegistration.newBuilder()
        .setAgentId(id)
        .setEndpoint("127.0.0.1:1")
        .addModels("m")
        .setCapacity(2)
        .build();
  }

  @Test
  void silentPickIsSweptAndTheRequestGoesToALiveAgent() {
    registry.register(agent("a"));
    clock.advance(Duration.ofSeconds(2));
    registry.register(agent("b"));
    clock.advance(Duration.ofSeconds(2)); // a: 4 s silent (out), b: 2 s (in); no sweep has run
    assertThat(route().getAgentId()).isEqualTo("b");
    assertThat(offered.get(0)).containsExactlyInAnyOrder("a", "b"); // the index as it was
    assertThat(offered.get(1)).containsExactly("b"); // filtered after the sweep
    assertThat(registry.get("a").orElseThrow().state()).isEqualTo(AgentState.AGENT_STATE_UNHEALTHY);
    offered.clear();
    assertThat(route().getAgentId()).isEqualTo("b");
    assertThat(offered).containsExactly(List.of("b")); // one pass: a left the index
  }

  @Test
  void noLiveAgentIsNotFoundListingServedModels() {
    registry.register(agent("a"));
    clock.advance(Duration.ofSeconds(4));
    Status status = fail(InferenceRequest.newBuilder().setModel("m").setPrompt("p").build());
    assertThat(status.getCode()).isEqualTo(Status.Code.NOT_FOUND);
    assertThat(status.getDescription())
        .contains("no healthy agent serves model 'm'")
        .contains("(none)");
  }

  private InferenceResponse route() {
    List<Object> out = new ArrayList<>();
    service.requestInference(
        InferenceRequest.newBuilder().setModel("m").setPrompt("p").build(), observer(out));
    assertThat(out).hasSize(1);
    return (InferenceResponse) out.get(0);
  }

  private Status fail(InferenceRequest request) {
    List<Object> out = new ArrayList<>();
    service.requestInference(request, observer(out));
    assertThat(out).hasSize(1);
    return Status.fromThrowable((Throwable) out.get(0));
  }

  private static StreamObserver<InferenceResponse> observer(List<Object> out) {
    return new StreamObserver<>() {
      @Override
      public void onNext(InferenceResponse value) {
        out.add(value);
      }

      @Override
      public void onError(Throwable t) {
        out.add(t);
      }

      @Override
      public void onCompleted() {}
    };
  }
}
