package dev.switchboard.titancompute.coordinator;

import dev.switchboard.messaging.Liveness;
import dev.switchboard.titancompute.v1.AgentInfo;
import dev.switchboard.titancompute.v1.AgentRegistration;
import dev.switchboard.titancompute.v1.AgentState;
import dev.switchboard.titancompute.v1.HealthUpdate;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ScheduledExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The coordinator's agents and their health. Liveness is the messaging module's dead-peer rule
 * ({@link Liveness}), the same one the messaging hub applies to its clients: the heartbeat timeout
 * is 3 heartbeat intervals, every heartbeat counts as hearing from the agent, and the rule's
 * scheduled check marks an agent silent for the timeout unhealthy at that moment. Routing also asks
 * the rule on every request, so an overdue agent is out of routing at once even before its check
 * has run; {@link #sweep()} applies the rule to every agent on demand. Thread-safe.
 */
final class AgentRegistry {
  private static final Logger log = LoggerFactory.getLogger(AgentRegistry.class);

  private final Clock clock;
  private final Duration heartbeatTimeout;
  private final Liveness liveness;
  private final ConcurrentMap<String, AgentRecord> agents = new ConcurrentHashMap<>();
  // Per model, the agents registered for it; rebuilt on registration.
  private volatile java.util.Map<String, List<AgentRecord>> byModel = java.util.Map.of();
  // Per model, the agents whose recorded state is HEALTHY or DEGRADED: what routing reads on every
  // request, without copying or filtering. Rebuilt lazily after a state change (state changes are
  // rare next to requests and heartbeats), so a batch of changes costs one rebuild.
  private volatile java.util.Map<String, List<AgentView>> routableByModel = java.util.Map.of();
  private volatile boolean routableStale = true;

  /**
   * @param clock measures silences (and stamps heartbeats)
   * @param heartbeatTimeout the silence after which an agent is dead: 3 heartbeat intervals
   * @param scheduler runs the rule's checks; the caller owns it
   */
  AgentRegistry(Clock clock, Duration heartbeatTimeout, ScheduledExecutorService scheduler) {
    this.clock = clock;
    this.heartbeatTimeout = heartbeatTimeout;
    this.liveness =
        Liveness.builder()
            .interval(heartbeatTimeout.dividedBy(Liveness.DEFAULT_MISSES))
            .misses(Liveness.DEFAULT_MISSES)
            .clock(clock)
            .scheduler(scheduler)
            .build();
  }

  Duration heartbeatTimeout() {
    return heartbeatTimeout;
  }

  AgentRecord register(AgentRegistration registration) {
    AgentRecord record = new AgentRecord(registration, clock.millis());
    record.watch(liveness, silence -> silent(record, silence));
    AgentRecord previous = agents.put(registration.getAgentId(), record);
    if (previous != null) {
      previous.unwatch();
    }
    rebuildIndex();
    routableStale = true;
    if (previous == null) {
      log.info(
          "agent {} registered at {} serving {}",
          registration.getAgentId(),
          registration.getEndpoint(),
          registration.getModelsList());
    } else {
      log.info(
          "agent {} registered again at {}", registration.getAgentId(), registration.getEndpoint());
    }
    return record;
  }

  /** Applies a heartbeat; empty when the agent is unknown and must register again. */
  Optional<AgentRecord> heartbeat(Object stream, HealthUpdate update) {
    AgentRecord record = agents.get(update.getAgentId());
    if (record == null) {
      return Optional.empty();
    }
    AgentState previous =
        record.heartbeat(
            stream,
            update.getMetrics(),
            update.getState(),
            update.getRttMs(),
            clock.millis(),
            liveness,
            silence -> silent(record, silence));
    if (previous != record.state()) {
      routableStale = true;
    }
    if (previous == AgentState.AGENT_STATE_UNHEALTHY) {
      log.info("agent {} is reporting again", update.getAgentId());
    }
    return Optional.of(record);
  }

  /** The health stream of an agent ended: unless a newer stream took over, it is unhealthy now. */
  void streamEnded(String agentId, Object stream) {
    AgentRecord record = agents.get(agentId);
    if (record == null || record.healthStream() != stream) {
      return;
    }
    if (record.state() == AgentState.AGENT_STATE_DRAINING) {
      // A draining agent says goodbye this way; it is already out of routing.
      log.info("agent {} finished draining", agentId);
    } else if (record.lostStream()) {
      routableStale = true;
      log.warn("agent {} lost its health stream; out of routing", agentId);
    }
  }

  /** The rule declared the agent dead; its record is already marked unhealthy. */
  private void silent(AgentRecord record, Duration silence) {
    routableStale = true;
    log.warn(
        "agent {} missed heartbeats for {} ms; out of routing",
        record.agentId(),
        silence.toMillis());
  }

  /** Applies the dead-peer rule to every agent now (its scheduled checks do it on time anyway). */
  void sweep() {
    for (AgentRecord record : agents.values()) {
      record.checkLiveness();
    }
  }

  /** Stops watching every agent: the coordinator is closing. */
  void close() {
    for (AgentRecord record : agents.values()) {
      record.unwatch();
    }
  }

  /**
   * The agents serving {@code model} whose recorded state is healthy or degraded, in O(1): a shared
   * snapshot, not a copy. It may still hold an agent that went silent since the last sweep, so a
   * choice from it must be confirmed with {@link #routableNow}.
   */
  List<AgentView> routable(String model) {
    if (routableStale) {
      rebuildRoutable();
    }
    return routableByModel.getOrDefault(model, List.of());
  }

  /** Whether the agent may take a request at this moment (state and heartbeat age). */
  boolean routableNow(AgentView agent) {
    return agent instanceof AgentRecord record
        && agents.get(record.agentId()) == record
        && record.routable();
  }

  /** The routable agents for the model, except those excluded: filtered now, O(agents). */
  List<AgentView> candidates(String model, Collection<String> excluded) {
    List<AgentRecord> serving = byModel.getOrDefault(model, List.of());
    List<AgentView> result = new ArrayList<>(serving.size());
    for (AgentRecord record : serving) {
      if (record.routable() && (excluded.isEmpty() || !excluded.contains(record.agentId()))) {
        result.add(record);
      }
    }
    return result;
  }

  /** Models served by at least one routable agent, sorted. */
  Set<String> servedModels() {
    Set<String> models = new TreeSet<>();
    for (AgentRecord record : agents.values()) {
      if (record.routable()) {
        models.addAll(record.models());
      }
    }
    return models;
  }

  Optional<AgentRecord> get(String agentId) {
    return Optional.ofNullable(agents.get(agentId));
  }

  /** Every agent, sorted by id, with states brought up to date first. */
  List<AgentRecord> all() {
    sweep();
    List<AgentRecord> list = new ArrayList<>(agents.values());
    list.sort(java.util.Comparator.comparing(AgentRecord::agentId));
    return list;
  }

  List<AgentInfo> infos() {
    List<AgentInfo> infos = new ArrayList<>();
    for (AgentRecord record : all()) {
      infos.add(record.toInfo());
    }
    return infos;
  }

  private synchronized void rebuildRoutable() {
    if (!routableStale) {
      return;
    }
    // Cleared first: a state change during the rebuild sets it again and forces another one.
    routableStale = false;
    java.util.Map<String, List<AgentView>> index = new java.util.HashMap<>();
    for (AgentRecord record : agents.values()) {
      AgentState state = record.state();
      if (state == AgentState.AGENT_STATE_HEALTHY || state == AgentState.AGENT_STATE_DEGRADED) {
        for (String model : record.models()) {
          index.computeIfAbsent(model, m -> new ArrayList<>()).add(record);
        }
      }
    }
    index.replaceAll((model, list) -> List.copyOf(list));
    routableByModel = java.util.Map.copyOf(index);
  }

  private synchronized void rebuildIndex() {
    java.util.Map<String, List<AgentRecord>> index = new java.util.HashMap<>();
    for (AgentRecord record : agents.values()) {
      for (String model : record.models()) {
        index.computeIfAbsent(model, m -> new ArrayList<>()).add(record);
      }
    }
    index.replaceAll((model, list) -> List.copyOf(list));
    byModel = java.util.Map.copyOf(index);
  }
}
