package dev.switchboard.messaging.internal.hub;

import dev.switchboard.messaging.internal.proto.Envelope;
import dev.switchboard.messaging.internal.proto.HubFrame;
import dev.switchboard.messaging.internal.proto.QueueDelivery;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import org.jspecify.annotations.Nullable;

/**
 * One work queue: its durable messages waiting in sequence order, the ones in flight with a
 * consumer, its consumers, and the message ids seen within the dedup window. Every method runs
 * under the hub's lock.
 */
final class WorkQueue {

  /** A durable message of the queue. */
  static final class Item {
    final long seq;
    final Envelope envelope;
    final long enqueuedMillis;
    int deliveries;

    Item(long seq, Envelope envelope, long enqueuedMillis) {
      this.seq = seq;
      this.envelope = envelope;
      this.enqueuedMillis = enqueuedMillis;
    }
  }

  /** A consumer registration of one session. */
  static final class Consumer {
    final Session session;
    final long id;
    final int maxInFlight;
    final long ackTimeoutMillis;
    final int maxDeliveries;
    final String deadLetterQueue;
    int inFlight;
    boolean closed;

    Consumer(
        Session session,
        long id,
        int maxInFlight,
        long ackTimeoutMillis,
        int maxDeliveries,
        String deadLetterQueue) {
      this.session = session;
      this.id = id;
      this.maxInFlight = maxInFlight;
      this.ackTimeoutMillis = ackTimeoutMillis;
      this.maxDeliveries = maxDeliveries;
      this.deadLetterQueue = deadLetterQueue;
    }
  }

  /** A message delivered and not yet acknowledged. */
  static final class InFlight {
    final WorkQueue queue;
    final Item item;
    final Consumer consumer;
    final long tag;
    @Nullable ScheduledFuture<?> timer;

    InFlight(WorkQueue queue, Item item, Consumer consumer, long tag) {
      this.queue = queue;
      this.item = item;
      this.consumer = consumer;
      this.tag = tag;
    }
  }

  /** A message id seen on this queue: when, and the future of that message's durability. */
  record Seen(long millis, CompletableFuture<Void> durable) {}

  final String name;
  long nextSeq = 1;
  final TreeMap<Long, Item> waiting = new TreeMap<>();
  final Map<Long, InFlight> inFlight = new HashMap<>();
  final List<Consumer> consumers = new ArrayList<>();
  final LinkedHashMap<String, Seen> seen = new LinkedHashMap<>();
  private int next;

  WorkQueue(String name) {
    this.name = name;
  }

  int depth() {
    return waiting.size() + inFlight.size();
  }

  /** Forgets ids older than the window; ids arrive in time order, so the oldest come first. */
  void expireIds(long cutoffMillis) {
    for (Iterator<Seen> it = seen.values().iterator(); it.hasNext(); ) {
      Seen s = it.next();
      if (s.millis() >= cutoffMillis) {
        return;
      }
      it.remove();
    }
  }

  /**
   * Hands waiting messages to consumers with room, round-robin.
   *
   * @param deliver makes the delivery (tag, timer, frame) and returns the outbox to flush
   */
  void dispatch(Delivering deliver) {
    while (!waiting.isEmpty() && !consumers.isEmpty()) {
      Consumer chosen = null;
      for (int i = 0; i < consumers.size(); i++) {
        Consumer candidate = consumers.get((next + i) % consumers.size());
        if (!candidate.closed && candidate.inFlight < candidate.maxInFlight) {
          chosen = candidate;
          next = (next + i + 1) % consumers.size();
          break;
        }
      }
      if (chosen == null) {
        return;
      }
      Map.Entry<Long, Item> first = waiting.pollFirstEntry();
      Item item = first.getValue();
      item.deliveries++;
      chosen.inFlight++;
      deliver.deliver(this, item, chosen);
    }
  }

  /** Makes one delivery. */
  interface Delivering {
    void deliver(WorkQueue queue, Item item, Consumer consumer);
  }

  static HubFrame frame(Consumer consumer, long tag, Item item) {
    return HubFrame.newBuilder()
        .setDelivery(
            QueueDelivery.newBuilder()
                .setId(consumer.id)
                .setTag(tag)
                .setMessage(item.envelope)
                .setDeliveryCount(item.deliveries))
        .build();
  }
}
