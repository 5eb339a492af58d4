package dev.switchboard.titancompute.coordinator;

import dev.switchboard.titancompute.v1.InferenceRequest;
import java.util.List;
import java.util.Optional;

/**
 * Chooses the agent for a request among the routable candidates. The coordinator has already
 * removed agents that are unhealthy, draining, excluded by the client or do not serve the model,
 * so a policy only weighs load. Implementations must be thread-safe: requests route concurrently.
 */
@FunctionalInterface
public interface RoutingPolicy {
  /** An agent from {@code candidates} (never empty), or empty to refuse the request. */
  Optional<AgentView> choose(InferenceRequest request, List<AgentView> candidates);

  /**
   * The default: the lowest estimated wait. Load is (active + queued + just routed) per slot of
   * capacity; measured RTT adds {@code rttWeightPerMs} per millisecond; a degraded agent is used
   * only when every healthy one is fuller than it.
   */
  static RoutingPolicy loadAware() {
    return new LoadAwarePolicy(0.01, 1.0);
  }
}
