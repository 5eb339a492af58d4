package dev.switchboard.testing;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.Callable;
import java.util.concurrent.Delayed;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A {@link ScheduledExecutorService} whose time moves only when a test calls {@link #advance}:
 * tasks due by then run on the test's thread, in time order, each with the {@link #clock()} showing
 * its own due time. For single-threaded tests of timers (heartbeats, expiries, retries) without
 * sleeping; not thread-safe.
 *
 * <pre>{@code
 * ManualScheduler scheduler = new ManualScheduler();
 * Liveness liveness = Liveness.builder().scheduler(scheduler).clock(scheduler.clock()).build();
 * scheduler.advance(Duration.ofSeconds(3));
 * }</pre>
 */
public final class ManualScheduler extends AbstractExecutorService
    implements ScheduledExecutorService {
  private final FakeClock clock;
  private long nowNanos;
  private long sequence;
  private final PriorityQueue<Task<?>> tasks = new PriorityQueue<>();
  private boolean shutdown;

  /** A scheduler whose clock starts at the epoch. */
  public ManualScheduler() {
    this(FakeClock.at(Instant.EPOCH));
  }

  /** A scheduler that moves {@code clock} as its time passes; nothing else should move it. */
  public ManualScheduler(FakeClock clock) {
    this.clock = clock;
  }

  /** The clock this scheduler moves. */
  public FakeClock clock() {
    return clock;
  }

  /** Moves time forward, running every task that falls due, each at its own time. */
  public void advance(Duration duration) {
    long target = nowNanos + duration.toNanos();
    while (!tasks.isEmpty() && tasks.peek().dueNanos <= target) {
      Task<?> task = tasks.poll();
      moveTo(Math.max(nowNanos, task.dueNanos));
      task.run();
    }
    moveTo(target);
  }

  private void moveTo(long nanos) {
    clock.advance(Duration.ofNanos(nanos - nowNanos));
    nowNanos = nanos;
  }

  /** Tasks waiting to run. */
  public int pending() {
    return (int) tasks.stream().filter(t -> !t.isCancelled()).count();
  }

  private final class Task<V> implements ScheduledFuture<V>, Runnable {
    final Callable<V> body;
    long dueNanos;
    final long periodNanos;
    final long order = sequence++;
    boolean cancelled;
    boolean done;

    Task(Callable<V> body, long dueNanos, long periodNanos) {
      this.body = body;
      this.dueNanos = dueNanos;
      this.periodNanos = periodNanos;
    }

    @Override
    public void run() {
      if (cancelled) {
        return;
      }
      try {
        body.call();
      } catch (Exception e) {
        throw new AssertionError("scheduled task failed", e);
      }
      if (periodNanos > 0 && !cancelled) {
        dueNanos += periodNanos;
        tasks.add(this);
      } else {
        done = true;
      }
    }

    @Override
    public long getDelay(TimeUnit unit) {
      return unit.convert(dueNanos - nowNanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public int compareTo(Delayed o) {
      Task<?> other = (Task<?>) o;
      int byTime = Long.compare(dueNanos, other.dueNanos);
      return byTime != 0 ? byTime : Long.compare(order, other.order);
    }

    @Override
    public boolean cancel(boolean mayInterrupt) {
      boolean wasActive = !cancelled && !done;
      cancelled = true;
      tasks.remove(this);
      return wasActive;
    }

    @Override
    public boolean isCancelled() {
      return cancelled;
    }

    @Override
    public boolean isDone() {
      return done || cancelled;
    }

    @Override
    public V get() {
      throw new UnsupportedOperationException("manual tasks are not awaited");
    }

    @Override
    public V get(long timeout, TimeUnit unit) {
      throw new UnsupportedOperationException("manual tasks are not awaited");
    }
  }

  @Override
  public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
    return schedule(
        () -> {
          command.run();
          return null;
        },
        delay,
        unit);
  }

  @Override
  public <V> ScheduledFuture<V> schedule(Callable<V> callable, long delay, TimeUnit unit) {
    Task<V> task = new Task<>(callable, nowNanos + unit.toNanos(Math.max(0, delay)), 0);
    tasks.add(task);
    return task;
  }

  @Override
  public ScheduledFuture<?> scheduleAtFixedRate(
      Runnable command, long initialDelay, long period, TimeUnit unit) {
    Task<Object> task =
        new Task<>(
            () -> {
              command.run();
              return null;
            },
            nowNanos + unit.toNanos(initialDelay),
            unit.toNanos(period));
    tasks.add(task);
    return task;
  }

  @Override
  public ScheduledFuture<?> scheduleWithFixedDelay(
      Runnable command, long initialDelay, long delay, TimeUnit unit) {
    return scheduleAtFixedRate(command, initialDelay, delay, unit);
  }

  @Override
  public void execute(Runnable command) {
    schedule(command, 0, TimeUnit.NANOSECONDS);
  }

  @Override
  public void shutdown() {
    shutdown = true;
  }

  @Override
  public List<Runnable> shutdownNow() {
    shutdown = true;
    List<Runnable> left = new ArrayList<>(tasks);
    tasks.clear();
    return left;
  }

  @Override
  public boolean isShutdown() {
    return shutdown;
  }

  @Override
  public boolean isTerminated() {
    return shutdown && tasks.isEmpty();
  }

  @Override
  public boolean awaitTermination(long timeout, TimeUnit unit) {
    return isTerminated();
  }

  @Override
  public <T> List<java.util.concurrent.Future<T>> invokeAll(
      Collection<? extends Callable<T>> callables) {
    throw new UnsupportedOperationException();
  }
}
