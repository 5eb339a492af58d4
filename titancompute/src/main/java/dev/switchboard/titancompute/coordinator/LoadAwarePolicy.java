package dev.switchboard.titancompute.coordinator;

import dev.switchboard.titancompute.v1.AgentState;
import dev.switchboard.titancompute.v1.InferenceRequest;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/** See {@link RoutingPolicy#loadAware()}. One pass over the candidates, no allocation. */
final class LoadAwarePolicy implements RoutingPolicy {
  private final double rttWeightPerMs;
  private final double degradedPenalty;
  // Rotates the starting point so that equally loaded agents share the work.
  private final AtomicInteger rotation = new AtomicInteger();

  LoadAwarePolicy(double rttWeightPerMs, double degradedPenalty) {
    this.rttWeightPerMs = rttWeightPerMs;
    this.degradedPenalty = degradedPenalty;
  }

  @Override
  public Optional<AgentView> choose(InferenceRequest request, List<AgentView> candidates) {
    int n = candidates.size();
    int start = Math.floorMod(rotation.getAndIncrement(), n);
    AgentView best = null;
    double bestScore = Double.MAX_VALUE;
    for (int i = 0; i < n; i++) {
      AgentView agent = candidates.get((start + i) % n);
      double score = score(agent);
      if (score < bestScore) {
        best = agent;
        bestScore = score;
      }
    }
    return Optional.ofNullable(best);
  }

  double score(AgentView agent) {
    double load = (agent.activeStreams() + agent.queueDepth() + agent.routedSinceHeartbeat())
        / (double) Math.max(1, agent.capacity());
    double score = load + agent.rttMs() * rttWeightPerMs + agent.cpuPercent() / 1000.0;
    return agent.state() == AgentState.AGENT_STATE_DEGRADED ? score + degradedPenalty : score;
  }
}
