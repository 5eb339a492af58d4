package dev.switchboard.titancompute.agent;

import dev.switchboard.messaging.Backoff;
import dev.switchboard.messaging.Liveness;
import dev.switchboard.titancompute.v1.AgentRegistration;
import dev.switchboard.titancompute.v1.AgentState;
import dev.switchboard.titancompute.v1.CoordinatorServiceGrpc;
import dev.switchboard.titancompute.v1.HealthAck;
import dev.switchboard.titancompute.v1.HealthUpdate;
import dev.switchboard.titancompute.v1.RegistrationResponse;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the agent registered: register, then stream a heartbeat every interval on ReportHealth.
 * Heartbeats go both ways: the coordinator acks each one, and the messaging module's dead-peer rule
 * ({@link Liveness}) watches the acks, so a coordinator that is frozen or cut off (its socket still
 * open) is dead after 3 silent intervals, as one whose stream breaks is at once. Then, or when the
 * coordinator is unreachable, or an ack says it no longer knows the agent (it restarted), the link
 * waits messaging's jittered exponential {@link Backoff} and registers again. Every transition runs
 * on the single-threaded scheduler, so the state needs no lock.
 */
final class CoordinatorLink implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(CoordinatorLink.class);

  private enum State {
    IDLE,
    REGISTERING,
    STREAMING,
    BACKOFF,
    CLOSED
  }

  private final ManagedChannel channel;
  private final Supplier<AgentRegistration> registration;
  private final Supplier<HealthUpdate.Builder> heartbeat;
  private final ScheduledExecutorService scheduler;
  private final Liveness liveness;
  private final Backoff backoff;

  // Only touched on the scheduler thread.
  private State state = State.IDLE;
  private long sequence;
  private long lastSentNanos;
  private long lastSentSequence = -1;
  private double rttMs;
  private @Nullable ClientCallStreamObserver<HealthUpdate> stream;
  // Sends the heartbeats and watches the acks of the open stream.
  private Liveness.@Nullable Peer coordinator;
  private volatile boolean registered;
  private final AtomicInteger registrations = new AtomicInteger();
  // Only touched on the link's thread.
  private @Nullable ScheduledFuture<?> retry;

  CoordinatorLink(
      ManagedChannel channel,
      Supplier<AgentRegistration> registration,
      Supplier<HealthUpdate.Builder> heartbeat,
      ScheduledExecutorService scheduler,
      Duration interval) {
    this.channel = channel;
    this.registration = registration;
    this.heartbeat = heartbeat;
    this.scheduler = scheduler;
    this.liveness = Liveness.builder().interval(interval).scheduler(scheduler).build();
    this.backoff =
        Backoff.exponential(
            Duration.ofMillis(100),
            Duration.ofMillis(Math.max(1000, Math.min(5000, interval.toMillis() * 2))));
  }

  void start() {
    scheduler.execute(this::register);
  }

  boolean registered() {
    return registered;
  }

  /** How many times the agent has registered (1 after the first success; more after reconnects). */
  int registrations() {
    return registrations.get();
  }

  double rttMs() {
    return rttMs;
  }

  private void register() {
    if (state == State.CLOSED) {
      return;
    }
    state = State.REGISTERING;
    // The channel's own reconnect backoff grows to minutes; our backoff decides when to retry.
    channel.resetConnectBackoff();
    AgentRegistration request = registration.get();
    CoordinatorServiceGrpc.newStub(channel)
        .withDeadlineAfter(
            Math.max(5000, liveness.interval().toMillis() * 2), TimeUnit.MILLISECONDS)
        .registerAgent(
            request,
            new StreamObserver<>() {
              @Override
              public void onNext(RegistrationResponse response) {
                onLink(() -> registeredOk(response));
              }

              @Override
              public void onError(Throwable t) {
                onLink(() -> failed("registration failed", t));
              }

              @Override
              public void onCompleted() {}
            });
  }

  /**
   * Runs a gRPC callback's consequence on the link's thread; after close there is nothing to do.
   */
  private void onLink(Runnable task) {
    try {
      scheduler.execute(task);
    } catch (java.util.concurrent.RejectedExecutionException closed) {
      // the agent is shutting down
    }
  }

  private void registeredOk(RegistrationResponse response) {
    if (state != State.REGISTERING) {
      return;
    }
    backoff.reset();
    registered = true;
    registrations.incrementAndGet();
    log.info("registered with the coordinator (instance {})", response.getCoordinatorInstanceId());
    openStream();
    tick();
  }

  private void openStream() {
    state = State.STREAMING;
    sequence = 0;
    lastSentSequence = -1;
    coordinator =
        liveness.watch(
            "coordinator",
            this::tick,
            silence ->
                failed(
                    "the coordinator acknowledged no heartbeat for " + silence.toMillis() + " ms",
                    null));
    CoordinatorServiceGrpc.newStub(channel)
        .reportHealth(
            new ClientResponseObserver<HealthUpdate, HealthAck>() {
              private @Nullable ClientCallStreamObserver<HealthUpdate> mine;

              @Override
              public void beforeStart(ClientCallStreamObserver<HealthUpdate> requestStream) {
                mine = requestStream;
                stream = requestStream;
              }

              @Override
              public void onNext(HealthAck ack) {
                long now = System.nanoTime();
                onLink(() -> acked(mine, ack, now));
              }

              @Override
              public void onError(Throwable t) {
                onLink(
                    () -> {
                      if (stream == mine) {
                        failed("health stream broke", t);
                      }
                    });
              }

              @Override
              public void onCompleted() {
                onLink(
                    () -> {
                      if (stream == mine) {
                        failed("coordinator ended the health stream", null);
                      }
                    });
              }
            });
  }

  private void acked(
      @Nullable ClientCallStreamObserver<HealthUpdate> from, HealthAck ack, long atNanos) {
    if (from != stream || state != State.STREAMING) {
      return;
    }
    Liveness.Peer watch = coordinator;
    if (watch != null) {
      watch.heard();
    }
    if (ack.getSequence() == lastSentSequence) {
      rttMs = (atNanos - lastSentNanos) / 1e6;
    }
    if (!ack.getRegistered()) {
      log.warn("the coordinator no longer knows this agent (restarted?); registering again");
      closeStream();
      registered = false;
      register();
    }
  }

  private void tick() {
    ClientCallStreamObserver<HealthUpdate> s = stream;
    if (state != State.STREAMING || s == null) {
      return;
    }
    HealthUpdate update =
        heartbeat
            .get()
            .setSequence(++sequence)
            .setSentAtUnixMs(System.currentTimeMillis())
            .setRttMs(rttMs)
            .build();
    lastSentSequence = sequence;
    lastSentNanos = System.nanoTime();
    try {
      s.onNext(update);
    } catch (RuntimeException e) {
      failed("cannot send heartbeat", e);
    }
  }

  private void failed(String what, @Nullable Throwable cause) {
    if (state == State.CLOSED || state == State.BACKOFF) {
      return;
    }
    registered = false;
    closeStream();
    long delay = backoff.next().toMillis();
    String reason =
        cause instanceof StatusRuntimeException sre
            ? sre.getStatus().getCode()
                + (sre.getStatus().getDescription() == null
                    ? ""
                    : " " + sre.getStatus().getDescription())
            : cause == null ? "" : cause.toString();
    log.warn("{}{}; retrying in {} ms", what, reason.isEmpty() ? "" : ": " + reason, delay);
    state = State.BACKOFF;
    retry = scheduler.schedule(this::register, delay, TimeUnit.MILLISECONDS);
  }

  private void closeStream() {
    Liveness.Peer watch = coordinator;
    coordinator = null;
    if (watch != null) {
      watch.close();
    }
    ClientCallStreamObserver<HealthUpdate> s = stream;
    stream = null;
    if (s != null) {
      try {
        s.cancel("agent reconnecting", null);
      } catch (RuntimeException ignored) {
        // already broken
      }
    }
  }

  /** Sends a last update with the given state (DRAINING on shutdown), then stops. */
  void sendFinal(AgentState finalState) {
    try {
      scheduler
          .submit(
              () -> {
                ClientCallStreamObserver<HealthUpdate> s = stream;
                if (state == State.STREAMING && s != null) {
                  s.onNext(heartbeat.get().setSequence(++sequence).setState(finalState).build());
                  s.onCompleted();
                  // Completed, not cancelled: a cancel would overtake the last update, and the
                  // coordinator would see a lost stream instead of a goodbye.
                  stream = null;
                }
                state = State.CLOSED;
                closeStream();
              })
          .get(1, TimeUnit.SECONDS);
    } catch (Exception e) {
      log.debug("final heartbeat not sent: {}", e.toString());
    }
  }

  @Override
  public void close() {
    try {
      scheduler
          .submit(
              () -> {
                state = State.CLOSED;
                ScheduledFuture<?> pending = retry;
                if (pending != null) {
                  pending.cancel(false);
                }
                closeStream();
              })
          .get(1, TimeUnit.SECONDS);
    } catch (Exception e) {
      log.debug("link close: {}", e.toString());
    }
  }
}
