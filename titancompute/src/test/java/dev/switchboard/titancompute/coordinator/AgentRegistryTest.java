package dev.switchboard.titancompute.coordinator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.testing.FakeClock;
import dev.switchboard.testing.ManualScheduler;
import dev.switchboard.titancompute.v1.AgentRegistration;
import dev.switchboard.titancompute.v1.AgentState;
import dev.switchboard.titancompute.v1.HealthUpdate;
import dev.switchboard.titancompute.v1.SystemMetrics;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class AgentRegistryTest {
  private final FakeClock clock = FakeClock.at(Instant.parse("2026-01-01T00:00:00Z"));
  // Its time never moves, so the scheduled liveness checks never run: the tests move the clock
  // and sweep, or let routing ask the rule.
  private final ManualScheduler scheduler = new ManualScheduler();
  private final AgentRegistry registry = new AgentRegistry(clock, Duration.ofSeconds(3), scheduler);

  private static AgentRegistration agent(String id, String... models) {
    return AgentRegistration.newBuilder()
        .setAgentId(id)
        .setEndpoint("127.0.0.1:1")
        .addAllModels(List.of(models))
        .setCapacity(2)
        .build();
  }

  private static HealthUpdate beat(String id) {
    return HealthUpdate.newBuilder()
        .setAgentId(id)
        .setMetrics(SystemMetrics.newBuilder().setActiveStreams(1))
        .build();
  }

  private List<String> candidates(String model) {
    return registry.candidates(model, List.of()).stream().map(AgentView::agentId).toList();
  }

  @Test
  void silentAgentLeavesRoutingAtTheTimeoutWithoutWaitingForTheSweep() {
    registry.register(agent("a", "m"));
    registry.register(agent("b", "m"));
    Object stream = new Object();
    clock.advance(Duration.ofSeconds(2));
    registry.heartbeat(stream, beat("a"));
    clock.advance(Duration.ofMillis(1500));
    // b was last seen 3.5 s ago, a 1.5 s ago: b is out even though no sweep ran yet.
    assertThat(candidates("m")).containsExactly("a");
    assertThat(registry.get("b").orElseThrow().state()).isEqualTo(AgentState.AGENT_STATE_HEALTHY);
    registry.sweep();
    assertThat(registry.get("b").orElseThrow().state()).isEqualTo(AgentState.AGENT_STATE_UNHEALTHY);
    assertThat(registry.servedModels()).containsExactly("m");
  }

  @Test
  void theDeadPeerRuleMarksASilentAgentUnhealthyAtTheTimeoutWithoutASweep() {
    ManualScheduler time = new ManualScheduler(FakeClock.at(Instant.parse("2026-01-01T00:00:00Z")));
    AgentRegistry ruled = new AgentRegistry(time.clock(), Duration.ofSeconds(3), time);
    ruled.register(agent("a", "m"));
    time.advance(Duration.ofSeconds(2));
    ruled.heartbeat(new Object(), beat("a"));
    time.advance(Duration.ofMillis(2999));
    assertThat(ruled.get("a").orElseThrow().state()).isEqualTo(AgentState.AGENT_STATE_HEALTHY);

    time.advance(Duration.ofMillis(1));
    assertThat(ruled.get("a").orElseThrow().state()).isEqualTo(AgentState.AGENT_STATE_UNHEALTHY);
    assertThat(ruled.routable("m")).isEmpty();

    ruled.heartbeat(new Object(), beat("a"));
    assertThat(ids(ruled.routable("m"))).as("back, and watched anew").containsExactly("a");
    time.advance(Duration.ofSeconds(3));
    assertThat(ruled.get("a").orElseThrow().state()).isEqualTo(AgentState.AGENT_STATE_UNHEALTHY);
  }

  @Test
  void routingIndexFollowsStateChanges() {
    registry.register(agent("a", "m"));
    registry.register(agent("b", "m", "n"));
    assertThat(ids(registry.routable("m"))).containsExactlyInAnyOrder("a", "b");
    assertThat(ids(registry.routable("n"))).containsExactly("b");
    clock.advance(Duration.ofSeconds(2));
    registry.heartbeat(new Object(), beat("a"));
    clock.advance(Duration.ofMillis(1500));
    // b is silent for 3.5 s: still in the index until a sweep, but never routable now.
    AgentView b = registry.routable("n").get(0);
    assertThat(registry.routableNow(b)).isFalse();
    assertThat(registry.routableNow(registry.get("a").orElseThrow())).isTrue();
    registry.sweep();
    assertThat(ids(registry.routable("m"))).containsExactly("a");
    assertThat(registry.routable("n")).isEmpty();
    registry.heartbeat(new Object(), beat("b"));
    assertThat(ids(registry.routable("n"))).containsExactly("b");
    registry.heartbeat(
        new Object(), beat("b").toBuilder().setState(AgentState.AGENT_STATE_DRAINING).build());
    assertThat(registry.routable("n")).isEmpty();
    // A record replaced by a new registration is not routable through the old view.
    AgentView oldA = registry.get("a").orElseThrow();
    registry.register(agent("a", "m"));
    assertThat(registry.routableNow(oldA)).isFalse();
  }

  private static List<String> ids(List<AgentView> agents) {
    return agents.stream().map(AgentView::agentId).toList();
  }

  @Test
  void agentComesBackWhenItReportsAgain() {
    registry.register(agent("a", "m"));
    clock.advance(Duration.ofSeconds(4));
    registry.sweep();
    assertThat(candidates("m")).isEmpty();
    assertThat(registry.heartbeat(new Object(), beat("a"))).isPresent();
    assertThat(candidates("m")).containsExactly("a");
    assertThat(registry.get("a").orElseThrow().state()).isEqualTo(AgentState.AGENT_STATE_HEALTHY);
    assertThat(registry.get("a").orElseThrow().activeStreams()).isEqualTo(1);
  }

  @Test
  void unknownAgentIsToldToRegister() {
    assertThat(registry.heartbeat(new Object(), beat("ghost"))).isEmpty();
  }

  @Test
  void brokenHealthStreamMarksUnhealthyUnlessANewerStreamTookOver() {
    registry.register(agent("a", "m"));
    Object old = new Object();
    Object current = new Object();
    registry.heartbeat(old, beat("a"));
    registry.heartbeat(current, beat("a"));
    registry.streamEnded("a", old);
    assertThat(candidates("m")).containsExactly("a");
    registry.streamEnded("a", current);
    assertThat(candidates("m")).isEmpty();
  }

  @Test
  void drainingAgentsAreNotRoutedAndExclusionsAreHonoured() {
    registry.register(agent("a", "m", "n"));
    registry.register(agent("b", "m"));
    registry.heartbeat(
        new Object(), beat("a").toBuilder().setState(AgentState.AGENT_STATE_DRAINING).build());
    assertThat(candidates("m")).containsExactly("b");
    assertThat(registry.candidates("m", List.of("b"))).isEmpty();
    assertThat(candidates("n")).isEmpty();
    assertThat(registry.servedModels()).containsExactly("m");
  }

  @Test
  void keepsABoundedLoadHistoryPerAgent() {
    registry.register(agent("a", "m"));
    for (int i = 0; i < AgentRecord.HISTORY_POINTS + 30; i++) {
      clock.advance(Duration.ofSeconds(1));
      registry.heartbeat(new Object(), beat("a"));
    }
    List<AgentRecord.LoadPoint> history = registry.get("a").orElseThrow().history();
    assertThat(history).hasSize(AgentRecord.HISTORY_POINTS);
    assertThat(history.get(0).load()).isEqualTo(0.5); // 1 active stream of capacity 2
  }
}
