package dev.switchboard.durable;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Durable execution at the level of individual calls: each {@link Worker} records every call it
 * makes in its oplog and, when it runs again after a crash, replays the recorded results instead of
 * calling again.
 *
 * <pre>{@code
 * try (OplogStore store = OplogStore.sqlite(dataDir);
 *     Durable durable = Durable.open(store);
 *     Worker worker = durable.worker("order-42")) {
 *   Outcome created = worker.call(call, key -> http.send(request, key));
 * }
 * }</pre>
 *
 * <p>A {@code Durable} does not own its store: close the store after it. It is thread-safe; each
 * worker is used by one logical thread at a time.
 */
public final class Durable implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Durable.class);

  private final OplogStore store;
  private final Clock clock;
  private final ScheduledExecutorService scheduler;
  private final boolean ownsScheduler;
  private final Redactor redactor;
  private final Duration leaseTtl;
  private final ProcessOwner owner;

  private Durable(Builder b) {
    this.store = b.store;
    this.clock = b.clock;
    ScheduledExecutorService given = b.scheduler;
    if (given != null) {
      this.scheduler = given;
      this.ownsScheduler = false;
    } else {
      this.scheduler =
          Executors.newSingleThreadScheduledExecutor(
              r -> {
                Thread t = new Thread(r, "sb-durable-leases");
                t.setDaemon(true);
                return t;
              });
      this.ownsScheduler = true;
    }
    this.redactor = b.redactor;
    this.leaseTtl = b.leaseTtl;
    this.owner = ProcessOwner.current(b.host != null ? b.host : localHost());
  }

  /** Durable execution on {@code store} with the defaults. */
  public static Durable open(OplogStore store) {
    return builder(store).build();
  }

  /** Starts configuring durable execution on {@code store}. */
  public static Builder builder(OplogStore store) {
    return new Builder(store);
  }

  /**
   * Opens the worker {@code id}, taking its lease: replays its oplog if it has one, records new
   * calls after that. Throws {@link LeaseException} if another live process holds the worker; a
   * holder on this host whose process is gone is taken over at once.
   */
  public Worker worker(String id) {
    if (id.isBlank()) {
      throw new IllegalArgumentException("a worker needs a non-blank id");
    }
    Lease lease;
    try {
      lease = store.acquire(id, owner.id(), leaseTtl, 0);
    } catch (LeaseException held) {
      Optional<Lease> current = store.lease(id);
      if (current.isPresent() && current.get().owner().equals(owner.id())) {
        throw new LeaseException("worker " + id + " is already open in this process");
      }
      if (current.isEmpty() || !owner.isDeadLocalProcess(current.get().owner())) {
        throw held;
      }
      log.info(
          "worker {}: its holder {} is no longer running on this host; taking it over",
          id,
          current.get().owner());
      lease = store.acquire(id, owner.id(), leaseTtl, current.get().token());
    }
    try {
      return new Worker(this, lease, store.load(id));
    } catch (RuntimeException e) {
      releaseQuietly(lease);
      throw e;
    }
  }

  /**
   * Opens the worker {@code id}, waiting up to {@code timeout} for another process's lease to be
   * released or to expire.
   */
  public Worker awaitWorker(String id, Duration timeout) throws InterruptedException {
    Instant deadline = Instant.now().plus(timeout);
    long pauseMillis = Math.max(20, Math.min(250, leaseTtl.toMillis() / 8));
    while (true) {
      try {
        return worker(id);
      } catch (LeaseException held) {
        if (Instant.now().isAfter(deadline)) {
          throw held;
        }
        Thread.sleep(pauseMillis);
      }
    }
  }

  /** The worker's oplog as stored, checked against its checksums; nothing is called. */
  public History history(String workerId) {
    return store.load(workerId);
  }

  /** The workers that have an oplog in the store. */
  public List<String> workers() {
    return store.workers();
  }

  OplogStore store() {
    return store;
  }

  Clock clock() {
    return clock;
  }

  ScheduledExecutorService scheduler() {
    return scheduler;
  }

  Redactor redactor() {
    return redactor;
  }

  Duration leaseTtl() {
    return leaseTtl;
  }

  void releaseQuietly(Lease lease) {
    try {
      store.release(lease);
    } catch (DurableException e) {
      log.warn(
          "worker {}: could not release its lease ({}); it lapses in {}",
          lease.workerId(),
          e.getMessage(),
          leaseTtl);
    }
  }

  /**
   * Stops renewing leases if this instance started the scheduler. Workers should be closed first.
   */
  @Override
  public void close() {
    if (ownsScheduler) {
      scheduler.shutdownNow();
    }
  }

  private static String localHost() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      return "localhost";
    }
  }

  /** Configures a {@link Durable}. */
  public static final class Builder {
    private final OplogStore store;
    private Clock clock = Clock.systemUTC();
    private @Nullable ScheduledExecutorService scheduler;
    private Redactor redactor = Redactor.defaults();
    private Duration leaseTtl = Duration.ofSeconds(15);
    private @Nullable String host;

    private Builder(OplogStore store) {
      this.store = store;
    }

    /** The clock that timestamps entries; the system clock unless told. */
    public Builder clock(Clock clock) {
      this.clock = clock;
      return this;
    }

    /** Runs lease renewals; a daemon thread owned by the {@code Durable} unless told. */
    public Builder scheduler(ScheduledExecutorService scheduler) {
      this.scheduler = scheduler;
      return this;
    }

    /** What is masked before requests reach the oplog; {@link Redactor#defaults()} unless told. */
    public Builder redactor(Redactor redactor) {
      this.redactor = redactor;
      return this;
    }

    /**
     * How long a worker's lease lasts without renewal (renewed every third of it): the time another
     * process waits before taking over a worker whose holder died on another host. 15 seconds
     * unless told.
     */
    public Builder leaseTtl(Duration leaseTtl) {
      if (leaseTtl.compareTo(Duration.ofMillis(300)) < 0) {
        throw new IllegalArgumentException("a lease TTL under 300 ms cannot be renewed in time");
      }
      this.leaseTtl = leaseTtl;
      return this;
    }

    /**
     * The host name written into lease owners; a lease whose holder ran on this host and is gone is
     * taken over at once instead of waiting for it to expire. The machine's name unless told.
     */
    public Builder host(String host) {
      this.host = host;
      return this;
    }

    public Durable build() {
      return new Durable(this);
    }
  }
}
