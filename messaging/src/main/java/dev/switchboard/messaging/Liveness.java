package dev.switchboard.messaging;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Objects;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * The heartbeat rule of every session: each side sends a heartbeat every {@link #interval()}, and a
 * peer not heard from for {@link #misses()} intervals is dead. Anything received from the peer
 * counts as hearing from it, so a busy session needs no extra traffic to stay alive; a peer that is
 * frozen ({@code SIGSTOP}) or cut off goes silent and is declared dead on time, whether or not its
 * socket ever closes.
 *
 * <p>This is the Paranoid Pirate rule from the ZeroMQ guide, with the check scheduled at the exact
 * moment the peer would be overdue rather than polled, so detection takes {@code misses × interval}
 * plus scheduler latency.
 *
 * <pre>{@code
 * Liveness liveness = Liveness.builder().interval(Duration.ofSeconds(1)).scheduler(scheduler).build();
 * Liveness.Peer peer = liveness.watch("agent-7", () -> stream.send(heartbeat()), silence -> drop("agent-7"));
 * // on every message from the agent:
 * peer.heard();
 * // when the session ends normally:
 * peer.close();
 * }</pre>
 *
 * <p>Time comes from the injected {@link Clock} and {@link ScheduledExecutorService}, so tests move
 * time forward instead of sleeping. Immutable and thread-safe; callbacks run on the scheduler (or
 * on the thread of {@link Peer#checkNow()}).
 *
 * <p>Reconnecting after a peer was declared dead is the other half of the rule: {@link Backoff}
 * spaces the attempts.
 */
public final class Liveness {
  /** The default interval between heartbeats: 1 second. */
  public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(1);

  /** The default number of silent intervals after which a peer is dead: 3. */
  public static final int DEFAULT_MISSES = 3;

  private final Duration interval;
  private final int misses;
  private final Clock clock;
  private final ScheduledExecutorService scheduler;

  private Liveness(Builder builder) {
    this.interval = builder.interval;
    this.misses = builder.misses;
    this.clock = builder.clock;
    this.scheduler = Objects.requireNonNull(builder.scheduler, "scheduler");
  }

  /** A builder; {@link Builder#scheduler} is required. */
  public static Builder builder() {
    return new Builder();
  }

  /** The time between heartbeats. */
  public Duration interval() {
    return interval;
  }

  /** Silent intervals after which a peer is dead. */
  public int misses() {
    return misses;
  }

  /** The silence after which a peer is dead: {@code misses × interval}. */
  public Duration deadAfter() {
    return interval.multipliedBy(misses);
  }

  /**
   * Starts watching a peer, counting it as heard from now.
   *
   * @param name the peer, for logs and {@link Peer#toString()}
   * @param sendHeartbeat sends one heartbeat to the peer; called every interval ({@code null}: this
   *     side sends none, it only listens)
   * @param onDead called once, with how long the peer was silent, when it is declared dead
   */
  public Peer watch(String name, @Nullable Runnable sendHeartbeat, Consumer<Duration> onDead) {
    Peer peer = new Peer(name, sendHeartbeat, onDead);
    peer.start();
    return peer;
  }

  /** One watched peer. Thread-safe. */
  public final class Peer implements AutoCloseable {
    private final String name;
    private final @Nullable Runnable sendHeartbeat;
    private final Consumer<Duration> onDead;
    private final Object lock = new Object();
    private volatile long lastHeardMillis;
    // @GuardedBy("lock")
    private State state = State.ALIVE;
    // @GuardedBy("lock")
    private @Nullable ScheduledFuture<?> beats;
    // @GuardedBy("lock")
    private @Nullable ScheduledFuture<?> check;

    private Peer(String name, @Nullable Runnable sendHeartbeat, Consumer<Duration> onDead) {
      this.name = Objects.requireNonNull(name, "name");
      this.sendHeartbeat = sendHeartbeat;
      this.onDead = Objects.requireNonNull(onDead, "onDead");
      this.lastHeardMillis = clock.millis();
    }

    private void start() {
      synchronized (lock) {
        long period = interval.toNanos();
        Runnable beat = sendHeartbeat;
        if (beat != null) {
          beats =
              scheduler.scheduleAtFixedRate(
                  () -> sendIfAlive(beat), period, period, TimeUnit.NANOSECONDS);
        }
        check = scheduler.schedule(this::check, deadAfter().toMillis(), TimeUnit.MILLISECONDS);
      }
    }

    private void sendIfAlive(Runnable beat) {
      if (state == State.ALIVE) {
        beat.run();
      }
    }

    /** Records that something arrived from the peer. Cheap: a clock read and a volatile write. */
    public void heard() {
      lastHeardMillis = clock.millis();
    }

    /** Whether the peer is neither dead nor closed. */
    public boolean alive() {
      synchronized (lock) {
        return state == State.ALIVE;
      }
    }

    /** When the peer was last heard from. */
    public Instant lastHeard() {
      return Instant.ofEpochMilli(lastHeardMillis);
    }

    /** How long the peer has been silent. */
    public Duration silence() {
      return Duration.ofMillis(Math.max(0, clock.millis() - lastHeardMillis));
    }

    /**
     * Whether the peer has been silent for {@link #deadAfter()} or longer: dead by the rule, even
     * if the scheduled check has not declared it yet (scheduler latency, or a clock the scheduler
     * does not follow). Cheap: a clock read and a volatile read; declares nothing.
     */
    public boolean overdue() {
      return clock.millis() - lastHeardMillis >= deadAfter().toMillis();
    }

    /**
     * Applies the rule now instead of at the scheduled moment: a peer silent for {@link
     * #deadAfter()} is declared dead at once, and {@code onDead} runs on the calling thread. For
     * callers that sweep their peers on demand.
     *
     * @return whether the peer is still alive (neither dead nor closed)
     */
    public boolean checkNow() {
      check();
      return alive();
    }

    private void check() {
      long silentMillis = clock.millis() - lastHeardMillis;
      long deadAfterMillis = deadAfter().toMillis();
      synchronized (lock) {
        if (state != State.ALIVE) {
          return;
        }
        if (silentMillis < deadAfterMillis) {
          if (check != null) {
            check.cancel(false);
          }
          check =
              scheduler.schedule(
                  this::check, deadAfterMillis - silentMillis, TimeUnit.MILLISECONDS);
          return;
        }
        state = State.DEAD;
        cancelTimers();
      }
      onDead.accept(Duration.ofMillis(silentMillis));
    }

    /** Stops watching without declaring the peer dead. Idempotent. */
    @Override
    public void close() {
      synchronized (lock) {
        if (state == State.ALIVE) {
          state = State.CLOSED;
        }
        cancelTimers();
      }
    }

    // @GuardedBy("lock")
    private void cancelTimers() {
      if (beats != null) {
        beats.cancel(false);
        beats = null;
      }
      if (check != null) {
        check.cancel(false);
        check = null;
      }
    }

    @Override
    public String toString() {
      synchronized (lock) {
        return "Liveness.Peer{" + name + ", " + state + ", silent " + silence() + "}";
      }
    }
  }

  private enum State {
    ALIVE,
    DEAD,
    CLOSED
  }

  /** Builds a {@link Liveness}. */
  public static final class Builder {
    private Duration interval = DEFAULT_INTERVAL;
    private int misses = DEFAULT_MISSES;
    private Clock clock = MonotonicClock.INSTANCE;
    private @Nullable ScheduledExecutorService scheduler;

    private Builder() {}

    /** Time between heartbeats; at least 1 ms. Default 1 s. */
    public Builder interval(Duration interval) {
      Objects.requireNonNull(interval, "interval");
      if (interval.toMillis() < 1) {
        throw new IllegalArgumentException("heartbeat interval must be at least 1 ms: " + interval);
      }
      this.interval = interval;
      return this;
    }

    /** Silent intervals after which a peer is dead; at least 1. Default 3. */
    public Builder misses(int misses) {
      if (misses < 1) {
        throw new IllegalArgumentException("misses must be at least 1, was " + misses);
      }
      this.misses = misses;
      return this;
    }

    /**
     * The clock silences are measured with. Default: a monotonic clock (wall-clock jumps do not
     * kill peers).
     */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** Where heartbeats are sent from and deadlines checked; the caller owns it. Required. */
    public Builder scheduler(ScheduledExecutorService scheduler) {
      this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
      return this;
    }

    /**
     * Builds the rule.
     *
     * @throws NullPointerException if no scheduler was given
     */
    public Liveness build() {
      return new Liveness(this);
    }
  }

  /** Milliseconds from {@link System#nanoTime()}: never jumps with the wall clock. */
  private static final class MonotonicClock extends Clock {
    static final MonotonicClock INSTANCE = new MonotonicClock();
    private static final long ORIGIN = System.nanoTime();

    @Override
    public ZoneOffset getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      throw new UnsupportedOperationException("a monotonic clock has no zone");
    }

    @Override
    public long millis() {
      return (System.nanoTime() - ORIGIN) / 1_000_000L;
    }

    @Override
    public Instant instant() {
      return Instant.ofEpochMilli(millis());
    }
  }
}
