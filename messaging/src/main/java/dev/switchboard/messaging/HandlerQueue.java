package dev.switchboard.messaging;

import dev.switchboard.messaging.SubscribeOptions.Overflow;
import java.util.ArrayDeque;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.ToLongFunction;
import org.jspecify.annotations.Nullable;

/**
 * Runs one registration's handler on the client's executor, one item at a time and in arrival
 * order, so the transport's threads (which also carry heartbeats) never wait for user code. The
 * queue is bounded: past {@code capacity} it drops the oldest item and counts it, or refuses the
 * item so the caller can end the registration.
 */
final class HandlerQueue<T> {

  /** Handles one item; {@code droppedBefore} counts items dropped just before it. */
  interface Handler<T> {
    void handle(T item, long droppedBefore);
  }

  /** How many items one turn on the executor handles before letting others run. */
  private static final int TURN = 64;

  private final Executor executor;
  private final int capacity;
  private final Overflow overflow;
  private final Handler<T> handler;
  private final ToLongFunction<T> weight;
  private final ArrayDeque<T> items = new ArrayDeque<>();
  // @GuardedBy("this")
  private boolean scheduled;
  // @GuardedBy("this")
  private long dropped;
  // @GuardedBy("this")
  private boolean stopped;

  HandlerQueue(Executor executor, int capacity, Overflow overflow, Handler<T> handler) {
    this(executor, capacity, overflow, handler, item -> 1);
  }

  /**
   * A queue whose dropped items count as {@code weight} each: a message that already carries a
   * count of messages missed before it accounts for those too when it is dropped.
   */
  HandlerQueue(
      Executor executor,
      int capacity,
      Overflow overflow,
      Handler<T> handler,
      ToLongFunction<T> weight) {
    this.executor = executor;
    this.capacity = capacity;
    this.overflow = overflow;
    this.handler = handler;
    this.weight = weight;
  }

  /**
   * Queues an item.
   *
   * @return false if the queue is full and its policy is {@link Overflow#DISCONNECT}
   */
  boolean offer(T item) {
    synchronized (this) {
      if (stopped) {
        return true;
      }
      if (items.size() >= capacity) {
        if (overflow == Overflow.DISCONNECT) {
          return false;
        }
        dropped += weight.applyAsLong(items.poll());
      }
      items.add(item);
      if (scheduled) {
        return true;
      }
      scheduled = true;
    }
    schedule();
    return true;
  }

  /** Drops whatever waits and handles nothing more. */
  synchronized void stop() {
    stopped = true;
    items.clear();
  }

  private void schedule() {
    try {
      executor.execute(this::drain);
    } catch (RejectedExecutionException e) {
      // The client is closing: nothing will handle these items.
      stop();
    }
  }

  private void drain() {
    for (int i = 0; i < TURN; i++) {
      T item;
      long droppedBefore;
      synchronized (this) {
        item = stopped ? null : items.poll();
        if (item == null) {
          scheduled = false;
          return;
        }
        droppedBefore = dropped;
        dropped = 0;
      }
      handler.handle(item, droppedBefore);
    }
    @Nullable T next;
    synchronized (this) {
      next = items.peek();
      if (next == null || stopped) {
        scheduled = false;
        return;
      }
    }
    schedule();
  }
}
