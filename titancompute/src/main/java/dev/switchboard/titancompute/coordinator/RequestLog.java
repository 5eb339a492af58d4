package dev.switchboard.titancompute.coordinator;

import dev.switchboard.titancompute.v1.CompletedStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The most recent requests for the dashboard: the routing decision with its latency, completed
 * later by the agent's report of the stream (duration, time to first token, tokens, outcome).
 */
final class RequestLog {
  static final int CAPACITY = 50;

  /** One request as the dashboard shows it. Stream fields are negative until the agent reports. */
  record Entry(
      String requestId,
      String clientId,
      String model,
      String agentId,
      long routedAtUnixMs,
      double routeMs,
      double streamMs,
      double firstTokenMs,
      int tokens,
      String outcome) {
    Entry completed(CompletedStream stream) {
      return new Entry(
          requestId,
          clientId,
          model,
          agentId,
          routedAtUnixMs,
          routeMs,
          stream.getDurationMs(),
          stream.getTimeToFirstTokenMs(),
          stream.getCompletionTokens(),
          stream.getOutcome());
    }
  }

  private final AtomicLong routed = new AtomicLong();
  // Insertion order = routing order; the eldest entry leaves when full. Guarded by this.
  private final Map<String, Entry> entries =
      new LinkedHashMap<>(64, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Entry> eldest) {
          return size() > CAPACITY;
        }
      };

  void routed(
      String requestId,
      String clientId,
      String model,
      String agentId,
      long atMillis,
      double routeMs) {
    routed.incrementAndGet();
    Entry entry = new Entry(requestId, clientId, model, agentId, atMillis, routeMs, -1, -1, -1, "");
    synchronized (this) {
      entries.put(requestId, entry);
    }
  }

  synchronized void completed(CompletedStream stream) {
    entries.computeIfPresent(stream.getRequestId(), (id, entry) -> entry.completed(stream));
  }

  long routedCount() {
    return routed.get();
  }

  /** Newest first. */
  synchronized List<Entry> recent() {
    List<Entry> list = new ArrayList<>(entries.values());
    Collections.reverse(list);
    return list;
  }
}
