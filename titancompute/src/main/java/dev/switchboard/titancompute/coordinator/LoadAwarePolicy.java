package dev.switchboard.titancompute.coordinator;

import dev.switchboard.titancompute.v1.AgentState;
import dev.switchboard.titancompute.v1.InferenceRequest;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * See {@link RoutingPolicy#loadAware()}. Up to {@link #FULL_SCAN_LIMIT} candidates are all scored
 * (the least loaded wins, exactly); above that, two distinct candidates drawn at random are scored
 * and the less loaded one wins ("power of two choices"): O(1) per request however many agents there
 * are, and, with the routed-since-heartbeat count in the score, it keeps the maximum load within a
 * small margin of the least loaded agent's, without every request racing for that agent. No
 * allocation, no lock.
 */
final class LoadAwarePolicy implements RoutingPolicy {
  /** Scanning this many costs about as much as drawing two; below it the choice stays exact. */
  static final int FULL_SCAN_LIMIT = 16;

  private final double rttWeightPerMs;
  private final double degradedPenalty;
  // Rotates the scan's starting point so that equally loaded agents share the work.
  private final AtomicInteger rotation = new AtomicInteger();

  LoadAwarePolicy(double rttWeightPerMs, double degradedPenalty) {
    this.rttWeightPerMs = rttWeightPerMs;
    this.degradedPenalty = degradedPenalty;
  }

  @Override
  public Optional<AgentView> choose(InferenceRequest request, List<AgentView> candidates) {
    int n = candidates.size();
    if (n > FULL_SCAN_LIMIT) {
      ThreadLocalRandom random = ThreadLocalRandom.current();
      int first = random.nextInt(n);
      int second = random.nextInt(n - 1);
      if (second >= first) {
        second++; // distinct from first, uniformly
      }
      AgentView a = candidates.get(first);
      AgentView b = candidates.get(second);
      return Optional.of(score(b) < score(a) ? b : a);
    }
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
    double load =
        (agent.activeStreams() + agent.queueDepth() + agent.routedSinceHeartbeat())
            / (double) Math.max(1, agent.capacity());
    double score = load + agent.rttMs() * rttWeightPerMs + agent.cpuPercent() / 1000.0;
    return agent.state() == AgentState.AGENT_STATE_DEGRADED ? score + degradedPenalty : score;
  }
}
