package dev.switchboard.titancompute.coordinator;

import dev.switchboard.titancompute.v1.InferenceRequest;
import java.util.List;
import java.util.Optional;

/**
 * Chooses the agent for a request among the candidates: agents that serve the model, are recorded
 * healthy or degraded, and are not excluded by the client. The coordinator hands over its index of
 * such agents as it is (no copy per request), so a candidate may have gone silent since the last
 * heartbeat sweep; the coordinator checks the choice, and if it is no longer routable it sweeps and
 * asks again with a freshly filtered list. An unhealthy agent is therefore never routed to, and a
 * policy only weighs load. Implementations must be thread-safe: requests route concurrently.
 */
@FunctionalInterface
public interface RoutingPolicy {
  /** An agent from {@code candidates} (never empty), or empty to refuse the request. */
  Optional<AgentView> choose(InferenceRequest request, List<AgentView> candidates);

  /**
   * The default: the lowest estimated wait. Load is (active + queued + just routed) per slot of
   * capacity; measured RTT adds 0.01 per millisecond; a degraded agent costs one extra slot's worth
   * of load. Among up to 16 candidates, the least loaded wins (so a degraded agent is used only
   * when every healthy one is fuller than it); among more, the less loaded of two drawn at random
   * wins (power of two choices), which keeps a request O(1) with thousands of agents.
   */
  static RoutingPolicy loadAware() {
    return new LoadAwarePolicy(0.01, 1.0);
  }
}
