package dev.switchboard.titancompute.agent;

import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Admission for streams: {@code capacity} run at once, up to {@code maxQueue} more wait in arrival
 * order, and the rest are refused. The counts are what heartbeats report as active streams and
 * queue depth. Thread-safe.
 */
final class StreamSlots {
  private final int capacity;
  private final int maxQueue;
  private final Semaphore permits;
  private final AtomicInteger active = new AtomicInteger();
  private final AtomicInteger queued = new AtomicInteger();

  StreamSlots(int capacity, int maxQueue) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be at least 1, got " + capacity);
    }
    this.capacity = capacity;
    this.maxQueue = maxQueue;
    this.permits = new Semaphore(capacity, true);
  }

  /** Takes a slot, waiting in line when all are busy; false when the line is full. */
  boolean acquire() throws InterruptedException {
    if (!permits.tryAcquire()) {
      if (queued.incrementAndGet() > maxQueue) {
        queued.decrementAndGet();
        return false;
      }
      try {
        permits.acquire();
      } finally {
        queued.decrementAndGet();
      }
    }
    active.incrementAndGet();
    return true;
  }

  /**
   * Takes a slot only if one is free and nobody is waiting in line for it (the semaphore is fair,
   * and the timed form honours that); false otherwise, without queuing.
   */
  boolean tryAcquireNow() {
    try {
      if (!permits.tryAcquire(0, TimeUnit.NANOSECONDS)) {
        return false;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
    active.incrementAndGet();
    return true;
  }

  void release() {
    active.decrementAndGet();
    permits.release();
  }

  int capacity() {
    return capacity;
  }

  int active() {
    return active.get();
  }

  int queued() {
    return queued.get();
  }
}
