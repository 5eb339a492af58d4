package dev.switchboard.titancompute.coordinator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.titancompute.v1.AgentState;
import dev.switchboard.titancompute.v1.InferenceRequest;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LoadAwarePolicyTest {
  private record Fake(
      String agentId,
      AgentState state,
      int capacity,
      int activeStreams,
      int queueDepth,
      int routedSinceHeartbeat,
      double rttMs,
      double cpuPercent)
      implements AgentView {
    @Override
    public String endpoint() {
      return "127.0.0.1:1";
    }

    @Override
    public List<String> models() {
      return List.of("m");
    }

    @Override
    public Map<String, String> labels() {
      return Map.of();
    }
  }

  private static Fake agent(String id, int capacity, int active, int queued, double rtt) {
    return new Fake(id, AgentState.AGENT_STATE_HEALTHY, capacity, active, queued, 0, rtt, 10);
  }

  private final RoutingPolicy policy = RoutingPolicy.loadAware();
  private final InferenceRequest request =
      InferenceRequest.newBuilder().setModel("m").setPrompt("p").build();

  private String choose(AgentView... agents) {
    return policy.choose(request, List.of(agents)).orElseThrow().agentId();
  }

  @Test
  void weighsActiveStreamsAndQueuePerSlotOfCapacity() {
    assertThat(choose(agent("busy", 4, 3, 0, 1), agent("idle", 4, 0, 0, 1))).isEqualTo("idle");
    assertThat(choose(agent("queued", 4, 1, 3, 1), agent("active", 4, 2, 0, 1)))
        .isEqualTo("active");
    // 4 of 8 slots busy is less loaded than 2 of 2.
    assertThat(choose(agent("small", 2, 2, 0, 1), agent("big", 8, 4, 0, 1))).isEqualTo("big");
  }

  @Test
  void measuredRttBreaksEvenLoad() {
    assertThat(choose(agent("far", 4, 1, 0, 80), agent("near", 4, 1, 0, 0.5))).isEqualTo("near");
    // ...but does not beat a large difference in load.
    assertThat(choose(agent("far-idle", 4, 0, 0, 20), agent("near-full", 4, 4, 2, 0.5)))
        .isEqualTo("far-idle");
  }

  @Test
  void degradedAgentOnlyWhenHealthyOnesAreFuller() {
    Fake degraded = new Fake("degraded", AgentState.AGENT_STATE_DEGRADED, 4, 0, 0, 0, 1, 10);
    assertThat(choose(degraded, agent("healthy", 4, 2, 0, 1))).isEqualTo("healthy");
    assertThat(choose(degraded, agent("swamped", 4, 4, 8, 1))).isEqualTo("degraded");
  }

  @Test
  void spreadsEquallyLoadedAgentsAndCountsRoutesSinceTheLastHeartbeat() {
    Map<String, Integer> counts = new HashMap<>();
    List<AgentView> same =
        List.of(agent("a", 4, 0, 0, 1), agent("b", 4, 0, 0, 1), agent("c", 4, 0, 0, 1));
    for (int i = 0; i < 30; i++) {
      counts.merge(policy.choose(request, same).orElseThrow().agentId(), 1, Integer::sum);
    }
    assertThat(counts).containsOnlyKeys("a", "b", "c");
    Fake justRouted = new Fake("just-routed", AgentState.AGENT_STATE_HEALTHY, 4, 0, 0, 3, 1, 10);
    assertThat(choose(justRouted, agent("other", 4, 1, 0, 1))).isEqualTo("other");
  }

  @Test
  void manyCandidatesAreSampledTwoAtATimeAndTheLessLoadedWins() {
    List<AgentView> many = new java.util.ArrayList<>();
    for (int i = 0; i < 100; i++) {
      many.add(i % 2 == 0 ? agent("idle-" + i, 4, 0, 0, 1) : agent("full-" + i, 4, 4, 2, 1));
    }
    Map<String, Integer> counts = new HashMap<>();
    int idle = 0;
    for (int i = 0; i < 400; i++) {
      String id = policy.choose(request, many).orElseThrow().agentId();
      counts.merge(id, 1, Integer::sum);
      idle += id.startsWith("idle") ? 1 : 0;
    }
    // A full agent wins only when both draws are full: about a quarter of the time.
    assertThat(idle).isBetween(250, 350);
    assertThat(counts.size()).isGreaterThan(60);
    // Two candidates above the scan limit still always yield the better one of a drawn pair.
    List<AgentView> oneIdle = new java.util.ArrayList<>();
    for (int i = 0; i <= LoadAwarePolicy.FULL_SCAN_LIMIT; i++) {
      oneIdle.add(agent("full-" + i, 4, 4, 0, 1));
    }
    oneIdle.set(3, agent("idle", 4, 0, 0, 1));
    int idlePicks = 0;
    for (int i = 0; i < 200; i++) {
      idlePicks += policy.choose(request, oneIdle).orElseThrow().agentId().equals("idle") ? 1 : 0;
    }
    assertThat(idlePicks).isPositive();
  }
}
