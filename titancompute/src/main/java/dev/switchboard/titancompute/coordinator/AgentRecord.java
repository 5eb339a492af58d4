package dev.switchboard.titancompute.coordinator;

import dev.switchboard.titancompute.v1.AgentInfo;
import dev.switchboard.titancompute.v1.AgentRegistration;
import dev.switchboard.titancompute.v1.AgentState;
import dev.switchboard.titancompute.v1.SystemMetrics;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One registered agent. Routing reads the volatile fields without locking (a slightly stale load
 * figure only makes a routing choice slightly worse); state changes and the load history are
 * guarded by {@code this}.
 */
final class AgentRecord implements AgentView {
  static final int HISTORY_POINTS = 120;

  /** One point of a load chart. */
  record LoadPoint(long atUnixMs, double load, double cpuPercent) {}

  private final AgentRegistration registration;
  private final List<String> models;
  private final AtomicInteger routedSinceHeartbeat = new AtomicInteger();
  private volatile SystemMetrics metrics;
  private volatile AgentState state;
  private volatile long lastSeenMillis;
  private volatile double rttMs;
  // Identifies the health stream that currently speaks for this agent; an older stream that breaks
  // late must not mark a reconnected agent unhealthy.
  private volatile Object healthStream = new Object();

  private final ArrayDeque<LoadPoint> history = new ArrayDeque<>(); // guarded by this

  AgentRecord(AgentRegistration registration, long nowMillis) {
    this.registration = registration;
    this.models = List.copyOf(registration.getModelsList());
    this.metrics = registration.getMetrics();
    this.state = AgentState.AGENT_STATE_HEALTHY;
    this.lastSeenMillis = nowMillis;
  }

  AgentRegistration registration() {
    return registration;
  }

  @Override
  public String agentId() {
    return registration.getAgentId();
  }

  @Override
  public String endpoint() {
    return registration.getEndpoint();
  }

  @Override
  public List<String> models() {
    return models;
  }

  @Override
  public Map<String, String> labels() {
    return registration.getLabelsMap();
  }

  @Override
  public AgentState state() {
    return state;
  }

  @Override
  public int capacity() {
    return Math.max(1, registration.getCapacity());
  }

  @Override
  public int activeStreams() {
    return metrics.getActiveStreams();
  }

  @Override
  public int queueDepth() {
    return metrics.getQueueDepth();
  }

  @Override
  public int routedSinceHeartbeat() {
    return routedSinceHeartbeat.get();
  }

  @Override
  public double rttMs() {
    return rttMs;
  }

  @Override
  public double cpuPercent() {
    return metrics.getCpuPercent();
  }

  SystemMetrics metrics() {
    return metrics;
  }

  long lastSeenMillis() {
    return lastSeenMillis;
  }

  Object healthStream() {
    return healthStream;
  }

  void routed() {
    routedSinceHeartbeat.incrementAndGet();
  }

  boolean routable(long nowMillis, long timeoutMillis) {
    AgentState s = state;
    return (s == AgentState.AGENT_STATE_HEALTHY || s == AgentState.AGENT_STATE_DEGRADED)
        && nowMillis - lastSeenMillis <= timeoutMillis;
  }

  /** Applies a heartbeat; returns the previous state. */
  synchronized AgentState heartbeat(
      Object stream,
      SystemMetrics newMetrics,
      AgentState declared,
      double measuredRttMs,
      long nowMillis) {
    AgentState previous = state;
    healthStream = stream;
    metrics = newMetrics;
    if (measuredRttMs > 0) {
      rttMs = measuredRttMs;
    }
    lastSeenMillis = nowMillis;
    routedSinceHeartbeat.set(0);
    state =
        declared == AgentState.AGENT_STATE_DEGRADED || declared == AgentState.AGENT_STATE_DRAINING
            ? declared
            : AgentState.AGENT_STATE_HEALTHY;
    double load =
        (newMetrics.getActiveStreams() + newMetrics.getQueueDepth()) / (double) capacity();
    history.addLast(new LoadPoint(nowMillis, load, newMetrics.getCpuPercent()));
    while (history.size() > HISTORY_POINTS) {
      history.removeFirst();
    }
    return previous;
  }

  /** Marks the agent unhealthy; returns true when that is a change. */
  synchronized boolean markUnhealthy() {
    if (state == AgentState.AGENT_STATE_UNHEALTHY) {
      return false;
    }
    state = AgentState.AGENT_STATE_UNHEALTHY;
    return true;
  }

  synchronized List<LoadPoint> history() {
    return new ArrayList<>(history);
  }

  AgentInfo toInfo() {
    return AgentInfo.newBuilder()
        .setAgentId(agentId())
        .setEndpoint(endpoint())
        .addAllModels(models)
        .setState(state)
        .setMetrics(metrics)
        .setCapacity(capacity())
        .putAllLabels(labels())
        .setEngine(registration.getEngine())
        .setLastHeartbeatUnixMs(lastSeenMillis)
        .setRttMs(rttMs)
        .build();
  }
}
