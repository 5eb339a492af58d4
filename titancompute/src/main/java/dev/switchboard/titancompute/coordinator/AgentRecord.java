package dev.switchboard.titancompute.coordinator;

import dev.switchboard.messaging.Liveness;
import dev.switchboard.titancompute.v1.AgentInfo;
import dev.switchboard.titancompute.v1.AgentRegistration;
import dev.switchboard.titancompute.v1.AgentState;
import dev.switchboard.titancompute.v1.SystemMetrics;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * One registered agent. Routing reads the volatile fields without locking (a slightly stale load
 * figure only makes a routing choice slightly worse); state changes, the liveness watch and the
 * load history are guarded by {@code this}.
 *
 * <p>Whether the agent is alive is the messaging module's dead-peer rule ({@link Liveness}): every
 * heartbeat counts as hearing from it, and silence for the heartbeat timeout (3 intervals) declares
 * it dead. A watch ends when it declares the agent dead or the health stream ends; the next
 * heartbeat starts a new one.
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
  // The current watch; a watch replaced by a newer one no longer speaks for the agent.
  private volatile Liveness.@Nullable Peer liveness;

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

  /**
   * Whether the agent may take a request now: healthy or degraded, and not silent for the timeout
   * (even if the scheduled liveness check has not declared it yet).
   */
  boolean routable() {
    AgentState s = state;
    Liveness.Peer watch = liveness;
    return (s == AgentState.AGENT_STATE_HEALTHY || s == AgentState.AGENT_STATE_DEGRADED)
        && watch != null
        && !watch.overdue();
  }

  /**
   * Starts watching the agent under {@code rule}, replacing any earlier watch; {@code onSilent}
   * runs once, after the record is marked unhealthy, if this watch finds the agent silent.
   */
  synchronized void watch(Liveness rule, Consumer<Duration> onSilent) {
    unwatch();
    AtomicReference<Liveness.@Nullable Peer> self = new AtomicReference<>();
    Liveness.Peer watch =
        rule.watch(
            agentId(),
            null,
            silence -> {
              if (declareSilent(self.get())) {
                onSilent.accept(silence);
              }
            });
    self.set(watch);
    liveness = watch;
  }

  private synchronized boolean declareSilent(Liveness.@Nullable Peer watch) {
    return watch != null && watch == liveness && markUnhealthy();
  }

  /** Stops watching (the record was replaced, or the coordinator stops). */
  synchronized void unwatch() {
    Liveness.Peer watch = liveness;
    if (watch != null) {
      watch.close();
    }
  }

  /** Applies the dead-peer rule now; the watch's {@code onSilent} runs here if it declares. */
  void checkLiveness() {
    Liveness.Peer watch = liveness;
    if (watch != null) {
      watch.checkNow();
    }
  }

  /**
   * Applies a heartbeat, counting it for liveness (and watching the agent anew if it had been
   * declared dead or had lost its stream); returns the previous state.
   */
  synchronized AgentState heartbeat(
      Object stream,
      SystemMetrics newMetrics,
      AgentState declared,
      double measuredRttMs,
      long nowMillis,
      Liveness rule,
      Consumer<Duration> onSilent) {
    Liveness.Peer watch = liveness;
    if (watch != null && watch.alive()) {
      watch.heard();
    } else {
      watch(rule, onSilent);
    }
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

  /** The health stream ended: unhealthy, and no longer watched until it reports again. */
  synchronized boolean lostStream() {
    unwatch();
    return markUnhealthy();
  }

  /** Marks the agent unhealthy; returns true when that is a change. */
  private synchronized boolean markUnhealthy() {
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
