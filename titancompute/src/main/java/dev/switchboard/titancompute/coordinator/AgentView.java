package dev.switchboard.titancompute.coordinator;

import dev.switchboard.titancompute.v1.AgentState;
import java.util.List;
import java.util.Map;

/**
 * What a {@link RoutingPolicy} may know about an agent: a read-only view of the coordinator's
 * latest information, taken from the agent's registration and its most recent heartbeat.
 */
public interface AgentView {
  String agentId();

  String endpoint();

  List<String> models();

  Map<String, String> labels();

  AgentState state();

  /** How many streams the agent runs at once (at least 1). */
  int capacity();

  /** Streams running at the last heartbeat. */
  int activeStreams();

  /** Streams waiting for a slot at the last heartbeat. */
  int queueDepth();

  /**
   * Requests routed to the agent since its last heartbeat: load the agent has not reported yet, so
   * that a burst between two heartbeats does not all land on one agent.
   */
  int routedSinceHeartbeat();

  /** The round trip the agent last measured for a heartbeat, in milliseconds (0 when unknown). */
  double rttMs();

  /** Host CPU use, 0..100. */
  double cpuPercent();
}
