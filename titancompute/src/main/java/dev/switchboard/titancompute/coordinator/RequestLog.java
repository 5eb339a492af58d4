package dev.switchboard.titancompute.coordinator;

import dev.switchboard.titancompute.v1.CompletedStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The most recent requests for the dashboard: the routing decision with its latency, completed
 * later by the agent's report of the stream (duration, time to first token, tokens, outcome).
 *
 * <p>Every routed request writes one slot of a ring without a lock (request {@code i} goes to slot
 * {@code i mod CAPACITY}), so routing threads never wait for each other or for a dashboard reader;
 * a lock here made routes queue behind a descheduled holder on a busy machine. Readers sort by
 * sequence, so a slot rewritten while they read only replaces an older entry by a newer one.
 */
final class RequestLog {
  static final int CAPACITY = 50;

  /** One request as the dashboard shows it. Stream fields are negative until the agent reports. */
  record Entry(
      long sequence,
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
          sequence,
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
  private final AtomicReferenceArray<Entry> ring = new AtomicReferenceArray<>(CAPACITY);

  void routed(
      String requestId,
      String clientId,
      String model,
      String agentId,
      long atMillis,
      double routeMs) {
    long sequence = routed.getAndIncrement();
    ring.set(
        (int) (sequence % CAPACITY),
        new Entry(
            sequence, requestId, clientId, model, agentId, atMillis, routeMs, -1, -1, -1, ""));
  }

  /** Adds the agent's report to its request, if that request is still among the recent ones. */
  void completed(CompletedStream stream) {
    for (int slot = 0; slot < CAPACITY; slot++) {
      Entry entry = ring.get(slot);
      if (entry != null && entry.requestId().equals(stream.getRequestId())) {
        // Fails only when a newer request took the slot: this one has left the log anyway.
        ring.compareAndSet(slot, entry, entry.completed(stream));
        return;
      }
    }
  }

  long routedCount() {
    return routed.get();
  }

  /** Newest first. */
  List<Entry> recent() {
    List<Entry> entries = new ArrayList<>(CAPACITY);
    for (int slot = 0; slot < CAPACITY; slot++) {
      Entry entry = ring.get(slot);
      if (entry != null) {
        entries.add(entry);
      }
    }
    entries.sort(Comparator.comparingLong(Entry::sequence).reversed());
    return entries;
  }
}
