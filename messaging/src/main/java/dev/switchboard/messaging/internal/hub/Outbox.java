package dev.switchboard.messaging.internal.hub;

import com.google.protobuf.ByteString;
import dev.switchboard.messaging.internal.proto.Deliver;
import dev.switchboard.messaging.internal.proto.HubBatch;
import dev.switchboard.messaging.internal.proto.HubFrame;
import io.grpc.stub.ServerCallStreamObserver;
import java.util.ArrayDeque;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * What the hub has to send one client, written only while gRPC says the stream is ready.
 *
 * <p>Control frames (heartbeats, answers, queue deliveries, broadcasts, notifications) go first and
 * are bounded by the protocol itself (in-flight limits, one answer per call). Pub/sub messages wait
 * in one bounded buffer per subscription, drained round-robin: a subscriber that stops reading
 * fills only its own buffers, and then its overflow policy applies (drop the oldest and count it,
 * or end the subscription), so the publisher and other subscribers never wait for it.
 *
 * <p>Whoever finds the outbox idle writes it, in batches of everything queued, until it is empty or
 * the stream is not ready; gRPC's on-ready callback resumes. Thread-safe.
 */
final class Outbox {
  private static final int BATCH_BYTES = 256 * 1024;

  /** A subscription's buffer of messages not yet written. */
  static final class Buffer {
    final long id;
    final int capacity;
    final boolean dropOldest;
    // @GuardedBy("outbox")
    final ArrayDeque<ByteString> messages = new ArrayDeque<>();
    // @GuardedBy("outbox")
    long missed;
    // @GuardedBy("outbox")
    boolean scheduled;
    // @GuardedBy("outbox")
    boolean closed;

    Buffer(long id, int capacity, boolean dropOldest) {
      this.id = id;
      this.capacity = capacity;
      this.dropOldest = dropOldest;
    }
  }

  /** What {@link #message} did. */
  enum Offer {
    QUEUED,
    DROPPED_OLDEST,
    OVERFLOWED
  }

  private final ServerCallStreamObserver<HubBatch> stream;
  private final ArrayDeque<HubFrame> control = new ArrayDeque<>();
  private final ArrayDeque<Buffer> ready = new ArrayDeque<>();
  private boolean writing;
  private boolean closed;
  private @Nullable Runnable afterWrite;

  /**
   * The last set of outboxes to flush this one was added to. Only ever set to a set it is in, and
   * each set belongs to one thread, so a thread that reads its own set here (however stale the
   * read) knows the outbox is in it: fan-out then skips hashing into the set once per message.
   */
  private @Nullable Set<Outbox> touchedIn;

  Outbox(ServerCallStreamObserver<HubBatch> stream) {
    this.stream = stream;
  }

  /** Adds this outbox to {@code touched}, the outboxes its thread flushes when done. */
  void touchedIn(Set<Outbox> touched) {
    if (touchedIn != touched) {
      touched.add(this);
      touchedIn = touched;
    }
  }

  /** Queues a control frame; call {@link #flush()} after. */
  synchronized void control(HubFrame frame) {
    if (!closed) {
      control.add(frame);
    }
  }

  /** Queues a heartbeat ahead of everything else. */
  synchronized void heartbeat(HubFrame frame) {
    if (!closed) {
      control.addFirst(frame);
    }
  }

  /**
   * Queues a pub/sub message (an encoded envelope) for one subscription; call {@link #flush()}
   * after.
   */
  synchronized Offer message(Buffer buffer, ByteString envelope) {
    if (closed || buffer.closed) {
      return Offer.QUEUED;
    }
    Offer offer = Offer.QUEUED;
    if (buffer.messages.size() >= buffer.capacity) {
      if (!buffer.dropOldest) {
        buffer.closed = true;
        buffer.messages.clear();
        return Offer.OVERFLOWED;
      }
      buffer.messages.poll();
      buffer.missed++;
      offer = Offer.DROPPED_OLDEST;
    }
    buffer.messages.add(envelope);
    if (!buffer.scheduled) {
      buffer.scheduled = true;
      ready.add(buffer);
    }
    return offer;
  }

  /** Forgets a subscription's unsent messages. */
  synchronized void drop(Buffer buffer) {
    buffer.closed = true;
    buffer.messages.clear();
  }

  /**
   * Sends nothing more, then runs {@code last} (which may end the stream): at once, or when the
   * write in progress returns, so the stream is never used from two threads.
   */
  void close(Runnable last) {
    synchronized (this) {
      closed = true;
      control.clear();
      ready.clear();
      if (writing) {
        afterWrite = last;
        return;
      }
    }
    last.run();
  }

  /** Writes while there is something to write and the stream is ready. */
  void flush() {
    while (true) {
      HubBatch batch;
      synchronized (this) {
        if (writing || closed) {
          return;
        }
        if (!stream.isReady()) {
          return;
        }
        batch = takeBatch();
        if (batch == null) {
          return;
        }
        writing = true;
      }
      boolean failed = false;
      try {
        stream.onNext(batch);
      } catch (RuntimeException e) {
        // The call was cancelled under us; the session's end handling cleans up.
        failed = true;
      }
      Runnable last;
      synchronized (this) {
        writing = false;
        closed |= failed;
        last = afterWrite;
        afterWrite = null;
      }
      if (last != null) {
        last.run();
        return;
      }
    }
  }

  // @GuardedBy("this")
  private @Nullable HubBatch takeBatch() {
    if (control.isEmpty() && ready.isEmpty()) {
      return null;
    }
    HubBatch.Builder batch = HubBatch.newBuilder();
    int bytes = 0;
    while (!control.isEmpty() && bytes < BATCH_BYTES) {
      HubFrame frame = control.poll();
      bytes += frame.getSerializedSize() + 4;
      batch.addFrames(frame);
    }
    while (!ready.isEmpty() && bytes < BATCH_BYTES) {
      Buffer buffer = ready.poll();
      ByteString envelope = buffer.messages.poll();
      if (envelope == null || buffer.closed) {
        buffer.scheduled = false;
        continue;
      }
      Deliver.Builder deliver = Deliver.newBuilder().setId(buffer.id).setEnvelope(envelope);
      if (buffer.missed > 0) {
        deliver.setMissed(buffer.missed);
        buffer.missed = 0;
      }
      HubFrame frame = HubFrame.newBuilder().setDeliver(deliver).build();
      bytes += frame.getSerializedSize() + 4;
      batch.addFrames(frame);
      if (buffer.messages.isEmpty()) {
        buffer.scheduled = false;
      } else {
        ready.add(buffer);
      }
    }
    return batch.getFramesCount() == 0 ? null : batch.build();
  }
}
