package dev.switchboard.messaging.internal.client;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.switchboard.messaging.Backoff;
import dev.switchboard.messaging.BroadcastReport;
import dev.switchboard.messaging.ConsumerOptions;
import dev.switchboard.messaging.Delivery;
import dev.switchboard.messaging.Liveness;
import dev.switchboard.messaging.Message;
import dev.switchboard.messaging.NotifyOptions;
import dev.switchboard.messaging.RequestOptions;
import dev.switchboard.messaging.SubscribeOptions;
import dev.switchboard.messaging.Subscription;
import dev.switchboard.messaging.internal.Envelopes;
import dev.switchboard.messaging.internal.proto.Ack;
import dev.switchboard.messaging.internal.proto.Broadcast;
import dev.switchboard.messaging.internal.proto.BroadcastOutcome;
import dev.switchboard.messaging.internal.proto.ClientBatch;
import dev.switchboard.messaging.internal.proto.ClientFrame;
import dev.switchboard.messaging.internal.proto.Consume;
import dev.switchboard.messaging.internal.proto.Deliver;
import dev.switchboard.messaging.internal.proto.Ended;
import dev.switchboard.messaging.internal.proto.Flush;
import dev.switchboard.messaging.internal.proto.Heartbeat;
import dev.switchboard.messaging.internal.proto.Hello;
import dev.switchboard.messaging.internal.proto.HubBatch;
import dev.switchboard.messaging.internal.proto.HubFrame;
import dev.switchboard.messaging.internal.proto.HubGrpc;
import dev.switchboard.messaging.internal.proto.Inbound;
import dev.switchboard.messaging.internal.proto.Join;
import dev.switchboard.messaging.internal.proto.Listen;
import dev.switchboard.messaging.internal.proto.Notify;
import dev.switchboard.messaging.internal.proto.Overflow;
import dev.switchboard.messaging.internal.proto.Publish;
import dev.switchboard.messaging.internal.proto.Push;
import dev.switchboard.messaging.internal.proto.QueueDelivery;
import dev.switchboard.messaging.internal.proto.Receipt;
import dev.switchboard.messaging.internal.proto.Reply;
import dev.switchboard.messaging.internal.proto.Request;
import dev.switchboard.messaging.internal.proto.Respond;
import dev.switchboard.messaging.internal.proto.Result;
import dev.switchboard.messaging.internal.proto.Subscribe;
import dev.switchboard.messaging.internal.proto.Unregister;
import dev.switchboard.messaging.internal.proto.Welcome;
import dev.switchboard.messaging.spi.IncomingRequest;
import dev.switchboard.messaging.spi.Transport;
import dev.switchboard.runtime.SwitchboardChannel;
import dev.switchboard.runtime.Target;
import dev.switchboard.runtime.TlsConfig;
import io.grpc.Deadline;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.grpc.stub.MetadataUtils;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.LongFunction;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link Transport} over the hub protocol: one session stream at a time, kept alive with
 * heartbeats ({@link Liveness}); when the hub goes silent or the stream breaks, the transport
 * reconnects with {@link Backoff} and, once the hub welcomes the new session, registers every open
 * registration again and resends what the old session left unanswered:
 *
 * <ul>
 *   <li>pushes (the hub deduplicates them when they carry an id);
 *   <li>idempotent requests, until their deadline; other requests that were already sent fail with
 *       {@code UNAVAILABLE}, because the hub may have run them;
 *   <li>publishes still in the outgoing buffer (sent ones are gone, as in NATS core).
 * </ul>
 *
 * <p>Frames are written on one thread (the transport's scheduler), in batches of whatever queued
 * while the previous batch was written, and only while gRPC says the stream is ready; a full buffer
 * blocks publishers while connected and fails them with {@code UNAVAILABLE} while not.
 *
 * <p>Thread-safe. All mutable state is guarded by {@code lock}.
 */
public final class HubTransport implements Transport {
  private static final Logger log = LoggerFactory.getLogger(HubTransport.class);
  private static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

  /** A push is answered once durable; this only bounds a hub that never answers. */
  private static final Duration PUSH_TIMEOUT = Duration.ofMinutes(2);

  /** Batches stop growing at this size, far below any sane gRPC message limit. */
  private static final int BATCH_BYTES = 256 * 1024;

  private enum State {
    CONNECTING,
    CONNECTED,
    WAITING,
    CLOSED
  }

  /** What a transport needs to know. */
  public record Settings(
      Target target,
      String peer,
      @Nullable TlsConfig tls,
      @Nullable String token,
      Duration connectTimeout,
      Duration backoffInitial,
      Duration backoffMax,
      int bufferedFrames) {

    public static Settings of(Target target, String peer) {
      return new Settings(
          target,
          peer,
          null,
          null,
          Duration.ofSeconds(5),
          Duration.ofMillis(100),
          Duration.ofSeconds(5),
          65_536);
    }

    public Settings withTls(@Nullable TlsConfig tls) {
      return new Settings(
          target, peer, tls, token, connectTimeout, backoffInitial, backoffMax, bufferedFrames);
    }

    public Settings withToken(@Nullable String token) {
      return new Settings(
          target, peer, tls, token, connectTimeout, backoffInitial, backoffMax, bufferedFrames);
    }

    public Settings withConnectTimeout(Duration connectTimeout) {
      return new Settings(
          target, peer, tls, token, connectTimeout, backoffInitial, backoffMax, bufferedFrames);
    }

    public Settings withBackoff(Duration initial, Duration max) {
      return new Settings(target, peer, tls, token, connectTimeout, initial, max, bufferedFrames);
    }

    @Override
    public String toString() {
      return "Settings{" + target + ", peer=" + peer + (token == null ? "" : ", token=***") + "}";
    }
  }

  private final Settings settings;
  private final ManagedChannel channel;
  private final ScheduledExecutorService scheduler;
  private final Backoff backoff;
  private final Object lock = new Object();
  private final CompletableFuture<Void> firstSession = new CompletableFuture<>();

  // @GuardedBy("lock") from here on
  private State state = State.CONNECTING;
  private long epoch;
  private @Nullable SessionStream current;
  private final Map<Long, Registration> registrations = new LinkedHashMap<>();
  private final TreeMap<Long, PendingCall> pending = new TreeMap<>();
  private final ArrayDeque<ClientFrame> outbox = new ArrayDeque<>();
  private boolean flushScheduled;
  private boolean writing;
  private long nextId = 1;
  private long nextSeq = 1;
  private int maxMessageBytes = Integer.MAX_VALUE;
  private @Nullable Status lastFailure;

  private HubTransport(Settings settings) {
    this.settings = settings;
    ScheduledThreadPoolExecutor timers =
        new ScheduledThreadPoolExecutor(
            1,
            runnable -> {
              Thread thread = new Thread(runnable, "sb-hub-client-" + settings.peer());
              thread.setDaemon(true);
              return thread;
            });
    // Every call arms a timeout that its answer cancels: without this, cancelled timers stay
    // queued until they would have fired, thousands per second of traffic.
    timers.setRemoveOnCancelPolicy(true);
    this.scheduler = timers;
    SwitchboardChannel.Builder channelBuilder = SwitchboardChannel.builder(settings.target());
    if (settings.tls() != null) {
      channelBuilder.tls(settings.tls());
    } else {
      channelBuilder.plaintext();
    }
    if (settings.token() != null) {
      Metadata headers = new Metadata();
      headers.put(AUTHORIZATION, "Bearer " + settings.token());
      channelBuilder.interceptor(MetadataUtils.newAttachHeadersInterceptor(headers));
    }
    this.channel = channelBuilder.build();
    this.backoff = Backoff.exponential(settings.backoffInitial(), settings.backoffMax());
  }

  /**
   * Connects and waits for the hub's Welcome.
   *
   * @throws StatusRuntimeException the hub's refusal, or {@code UNAVAILABLE} after the connect
   *     timeout
   */
  public static HubTransport connect(Settings settings) {
    HubTransport transport = new HubTransport(settings);
    transport.scheduler.execute(transport::openSession);
    try {
      transport.firstSession.get(settings.connectTimeout().toNanos(), TimeUnit.NANOSECONDS);
      return transport;
    } catch (TimeoutException e) {
      Status last;
      synchronized (transport.lock) {
        last = transport.lastFailure;
      }
      transport.close();
      throw Status.UNAVAILABLE
          .withDescription(
              "cannot reach the hub at "
                  + settings.target()
                  + " within "
                  + settings.connectTimeout().toMillis()
                  + " ms"
                  + (last == null ? "" : ": " + describe(last)))
          .asRuntimeException();
    } catch (InterruptedException e) {
      transport.close();
      Thread.currentThread().interrupt();
      throw Status.CANCELLED.withDescription("interrupted while connecting").asRuntimeException();
    } catch (java.util.concurrent.ExecutionException e) {
      transport.close();
      Throwable cause = e.getCause();
      throw cause instanceof StatusRuntimeException s
          ? s
          : Status.UNAVAILABLE.withCause(cause).asRuntimeException();
    }
  }

  @Override
  public String peerName() {
    return settings.peer();
  }

  // ---- sessions ----

  /** Runs on the scheduler: starts a new session stream and says Hello. */
  private void openSession() {
    SessionStream stream;
    synchronized (lock) {
      if (state == State.CLOSED) {
        return;
      }
      state = State.CONNECTING;
      epoch++;
      stream = new SessionStream(epoch);
      current = stream;
    }
    try {
      // Ready only when the previous batch has left: see flush().
      HubGrpc.newStub(channel).withOnReadyThreshold(1).session(stream);
      stream.send(
          ClientBatch.newBuilder()
              .addFrames(
                  ClientFrame.newBuilder().setHello(Hello.newBuilder().setPeer(settings.peer())))
              .build());
    } catch (RuntimeException e) {
      sessionEnded(stream, Status.UNAVAILABLE.withDescription(e.getMessage()).withCause(e));
      return;
    }
    stream.welcomeTimeout =
        scheduler.schedule(
            () ->
                stream.cancel(
                    Status.UNAVAILABLE.withDescription(
                        "no welcome from the hub within "
                            + settings.connectTimeout().toMillis()
                            + " ms")),
            settings.connectTimeout().toMillis(),
            TimeUnit.MILLISECONDS);
  }

  private void welcomed(SessionStream stream, Welcome welcome) {
    List<ClientFrame> restore = new ArrayList<>();
    synchronized (lock) {
      if (stream != current || state == State.CLOSED) {
        return;
      }
      ScheduledFuture<?> timeout = stream.welcomeTimeout;
      if (timeout != null) {
        timeout.cancel(false);
      }
      state = State.CONNECTED;
      lastFailure = null;
      maxMessageBytes =
          welcome.getMaxMessageBytes() > 0 ? welcome.getMaxMessageBytes() : Integer.MAX_VALUE;
      backoff.reset();
      for (Registration registration : registrations.values()) {
        restore.add(registration.frame());
      }
      for (PendingCall call : pending.values()) {
        call.sentEpoch = epoch;
        restore.add(call.frame);
      }
      for (int i = restore.size() - 1; i >= 0; i--) {
        outbox.addFirst(restore.get(i));
      }
      Liveness liveness =
          Liveness.builder()
              .interval(Duration.ofMillis(Math.max(1, welcome.getHeartbeatMillis())))
              .misses(Math.max(1, welcome.getMisses()))
              .scheduler(scheduler)
              .build();
      stream.liveness =
          liveness.watch(
              "hub " + settings.target(),
              () ->
                  sendControl(
                      stream,
                      ClientFrame.newBuilder()
                          .setHeartbeat(Heartbeat.getDefaultInstance())
                          .build()),
              silence ->
                  stream.cancel(
                      Status.UNAVAILABLE.withDescription(
                          "the hub was silent for " + silence.toMillis() + " ms")));
      scheduleFlushLocked();
    }
    log.info(
        "messaging session {} to hub {} open (heartbeat {} ms)",
        welcome.getSession(),
        settings.target(),
        welcome.getHeartbeatMillis());
    firstSession.complete(null);
  }

  private void sessionEnded(SessionStream stream, Status status) {
    List<PendingCall> failed = new ArrayList<>();
    synchronized (lock) {
      if (stream != current) {
        return;
      }
      current = null;
      stream.stop();
      if (state == State.CLOSED) {
        return;
      }
      boolean wasConnected = state == State.CONNECTED;
      state = State.WAITING;
      lastFailure = status;
      // Only publishes outlive a session; everything else is rebuilt from the tables on Welcome.
      outbox.removeIf(frame -> !frame.hasPublish());
      for (var it = pending.values().iterator(); it.hasNext(); ) {
        PendingCall call = it.next();
        if (call.sentEpoch == stream.epoch && !call.survivesSessionLoss()) {
          it.remove();
          failed.add(call);
        }
      }
      if (wasConnected) {
        log.warn(
            "messaging session to hub {} lost ({}); reconnecting",
            settings.target(),
            describe(status));
      }
      if (isPermanent(status) && !firstSession.isDone()) {
        firstSession.completeExceptionally(status.asRuntimeException());
      }
      long wait = backoff.next().toMillis();
      var unused = scheduler.schedule(this::openSession, wait, TimeUnit.MILLISECONDS);
      lock.notifyAll();
    }
    for (PendingCall call : failed) {
      call.fail(
          Status.UNAVAILABLE.withDescription(
              "the session to the hub was lost before an answer (" + describe(status) + ")"));
    }
  }

  private static boolean isPermanent(Status status) {
    return switch (status.getCode()) {
      case UNAUTHENTICATED, PERMISSION_DENIED, INVALID_ARGUMENT, ALREADY_EXISTS, UNIMPLEMENTED ->
          true;
      default -> false;
    };
  }

  private static String describe(Status status) {
    return status.getCode()
        + (status.getDescription() == null ? "" : ": " + status.getDescription());
  }

  // ---- outgoing frames ----

  private void sendControl(SessionStream stream, ClientFrame frame) {
    synchronized (lock) {
      if (stream == current && state == State.CONNECTED) {
        outbox.addFirst(frame);
        scheduleFlushLocked();
      }
    }
  }

  /** Queues a frame for the current session; dropped when not connected (callers restore). */
  private void sendIfConnected(ClientFrame frame) {
    synchronized (lock) {
      if (state == State.CONNECTED) {
        outbox.add(frame);
        scheduleFlushLocked();
      }
    }
  }

  /** Has {@link #flush()} run soon on the scheduler, for callers that hold the lock. */
  private void scheduleFlushLocked() {
    if (!flushScheduled && !writing && state == State.CONNECTED) {
      flushScheduled = true;
      scheduler.execute(
          () -> {
            synchronized (lock) {
              flushScheduled = false;
            }
            flush();
          });
    }
  }

  /**
   * Writes batches of everything queued while the stream is ready, on whichever thread finds the
   * outbox idle (never two at once, so frames keep their order). The session stream is ready only
   * while nothing of its previous batch waits in the transport, so what callers queue during a
   * write leaves as one batch when that write is done (on-ready resumes), not frame by frame.
   */
  private void flush() {
    while (true) {
      SessionStream stream;
      ClientBatch.Builder batch = ClientBatch.newBuilder();
      synchronized (lock) {
        stream = current;
        if (writing
            || stream == null
            || state != State.CONNECTED
            || outbox.isEmpty()
            || !stream.isReady()) {
          return;
        }
        int bytes = 0;
        while (!outbox.isEmpty() && (bytes < BATCH_BYTES || batch.getFramesCount() == 0)) {
          ClientFrame frame = outbox.poll();
          bytes += frame.getSerializedSize() + 4;
          batch.addFrames(frame);
        }
        writing = true;
        lock.notifyAll();
      }
      try {
        stream.send(batch.build());
      } finally {
        synchronized (lock) {
          writing = false;
        }
      }
    }
  }

  @Override
  public void publish(Message message) {
    ClientFrame frame =
        ClientFrame.newBuilder()
            .setPublish(Publish.newBuilder().setEnvelope(Envelopes.encode(message)))
            .build();
    synchronized (lock) {
      checkSize(message);
      boolean interrupted = false;
      while (outbox.size() >= settings.bufferedFrames()) {
        if (state == State.CLOSED) {
          throw closedError();
        }
        if (state != State.CONNECTED) {
          throw Status.UNAVAILABLE
              .withDescription(
                  "the hub at "
                      + settings.target()
                      + " is unreachable and "
                      + outbox.size()
                      + " messages are already buffered")
              .asRuntimeException();
        }
        try {
          lock.wait(100);
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
      if (state == State.CLOSED) {
        throw closedError();
      }
      outbox.add(frame);
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
    flush();
  }

  private void checkSize(Message message) {
    if (message.data().size() > maxMessageBytes) {
      throw Status.RESOURCE_EXHAUSTED
          .withDescription(
              "message to "
                  + message.subject()
                  + " is "
                  + message.data().size()
                  + " bytes; the hub accepts at most "
                  + maxMessageBytes)
          .asRuntimeException();
    }
  }

  private static StatusRuntimeException closedError() {
    return Status.CANCELLED.withDescription("the messaging client is closed").asRuntimeException();
  }

  // ---- calls with one answer ----

  private <T> CompletableFuture<T> call(
      Message message,
      LongFunction<ClientFrame> frame,
      boolean survivesSessionLoss,
      Duration timeout,
      Function<Result, T> onResult) {
    CompletableFuture<T> future = new CompletableFuture<>();
    start(
        message,
        frame,
        survivesSessionLoss,
        timeout,
        new PendingCall() {
          @Override
          void complete(Result result) {
            if (result.getCode() == 0) {
              try {
                future.complete(onResult.apply(result));
              } catch (RuntimeException e) {
                future.completeExceptionally(e);
              }
            } else {
              fail(Status.fromCodeValue(result.getCode()).withDescription(result.getDescription()));
            }
          }

          @Override
          void fail(Status status) {
            future.completeExceptionally(status.asRuntimeException());
          }
        });
    return future;
  }

  private void start(
      Message message,
      LongFunction<ClientFrame> frame,
      boolean survivesSessionLoss,
      Duration timeout,
      PendingCall call) {
    synchronized (lock) {
      if (state == State.CLOSED) {
        throw closedError();
      }
      checkSize(message);
      long seq = nextSeq++;
      call.frame = frame.apply(seq);
      call.survivesSessionLoss = survivesSessionLoss;
      pending.put(seq, call);
      if (state == State.CONNECTED) {
        call.sentEpoch = epoch;
        outbox.add(call.frame);
      }
      call.timer =
          scheduler.schedule(
              () -> {
                if (removePending(seq) != null) {
                  call.fail(
                      Status.DEADLINE_EXCEEDED.withDescription(
                          "no answer within " + timeout.toMillis() + " ms"));
                }
              },
              timeout.toMillis(),
              TimeUnit.MILLISECONDS);
    }
    flush();
  }

  private @Nullable PendingCall removePending(long seq) {
    synchronized (lock) {
      PendingCall call = pending.remove(seq);
      if (call != null && call.timer != null) {
        call.timer.cancel(false);
      }
      return call;
    }
  }

  @Override
  public CompletableFuture<Void> flush(Duration timeout) {
    return call(
        Message.of(settings.peer(), ByteString.EMPTY),
        seq -> ClientFrame.newBuilder().setFlush(Flush.newBuilder().setSeq(seq)).build(),
        false,
        timeout,
        result -> null);
  }

  @Override
  public CompletableFuture<Message> request(Message request, RequestOptions options) {
    long timeoutMillis = Math.max(1, options.timeout().toMillis());
    return call(
        request,
        seq ->
            ClientFrame.newBuilder()
                .setRequest(
                    Request.newBuilder()
                        .setSeq(seq)
                        .setMessage(Envelopes.toEnvelope(request))
                        .setTimeoutMillis(timeoutMillis)
                        .setIdempotent(options.isIdempotent()))
                .build(),
        options.isIdempotent(),
        options.timeout(),
        result -> Envelopes.toMessage(result.getReply(), 0));
  }

  @Override
  public CompletableFuture<Void> push(Message message) {
    return call(
        message,
        seq ->
            ClientFrame.newBuilder()
                .setPush(Push.newBuilder().setSeq(seq).setMessage(Envelopes.toEnvelope(message)))
                .build(),
        true,
        PUSH_TIMEOUT,
        result -> null);
  }

  @Override
  public CompletableFuture<BroadcastReport> broadcast(Message message, Duration deadline) {
    long millis = Math.max(1, deadline.toMillis());
    CompletableFuture<BroadcastReport> report = new CompletableFuture<>();
    String group = message.subject();
    start(
        message,
        seq ->
            ClientFrame.newBuilder()
                .setBroadcast(
                    Broadcast.newBuilder()
                        .setSeq(seq)
                        .setMessage(Envelopes.toEnvelope(message))
                        .setDeadlineMillis(millis))
                .build(),
        false,
        deadline.plusSeconds(5),
        new PendingCall() {
          @Override
          void complete(Result result) {
            fail(Status.fromCodeValue(result.getCode()).withDescription(result.getDescription()));
          }

          @Override
          void outcome(BroadcastOutcome outcome) {
            report.complete(
                new BroadcastReport(
                    group,
                    new HashSet<>(outcome.getAcknowledgedList()),
                    new HashSet<>(outcome.getNotAcknowledgedList())));
          }

          @Override
          void fail(Status status) {
            report.completeExceptionally(status.asRuntimeException());
          }
        });
    return report;
  }

  @Override
  public CompletableFuture<Void> notify(Message message, NotifyOptions options) {
    Duration wait =
        options.isAcknowledged()
            ? options.holdTime().plusSeconds(30)
            : options.holdTime().plusSeconds(10);
    return call(
        message,
        seq ->
            ClientFrame.newBuilder()
                .setNotify(
                    Notify.newBuilder()
                        .setSeq(seq)
                        .setMessage(Envelopes.toEnvelope(message))
                        .setAcknowledged(options.isAcknowledged())
                        .setHoldMillis(options.holdTime().toMillis()))
                .build(),
        false,
        wait,
        result -> null);
  }

  // ---- registrations ----

  @Override
  public Subscription subscribe(String subject, SubscribeOptions options, Consumer<Message> sink) {
    return register(
        subject,
        id ->
            ClientFrame.newBuilder()
                .setSubscribe(
                    Subscribe.newBuilder()
                        .setId(id)
                        .setSubject(subject)
                        .setQueueGroup(options.queueGroup().orElse(""))
                        .setBuffer(options.bufferSize())
                        .setOverflow(
                            options.overflow() == SubscribeOptions.Overflow.DISCONNECT
                                ? Overflow.OVERFLOW_DISCONNECT
                                : Overflow.OVERFLOW_DROP_OLDEST))
                .build(),
        registration -> registration.messages = sink);
  }

  @Override
  public Subscription respond(String subject, String group, Consumer<IncomingRequest> sink) {
    return register(
        subject,
        id ->
            ClientFrame.newBuilder()
                .setRespond(Respond.newBuilder().setId(id).setSubject(subject).setGroup(group))
                .build(),
        registration -> registration.requests = sink);
  }

  @Override
  public Subscription consume(String queue, ConsumerOptions options, Consumer<Delivery> sink) {
    return register(
        queue,
        id ->
            ClientFrame.newBuilder()
                .setConsume(
                    Consume.newBuilder()
                        .setId(id)
                        .setQueue(queue)
                        .setMaxInFlight(options.maxInFlight())
                        .setAckTimeoutMillis(options.ackTimeout().toMillis())
                        .setMaxDeliveries(options.maxDeliveries())
                        .setDeadLetterQueue(options.deadLetterQueueFor(queue)))
                .build(),
        registration -> registration.deliveries = sink);
  }

  @Override
  public Subscription join(String group, Consumer<Delivery> sink) {
    return register(
        group,
        id -> ClientFrame.newBuilder().setJoin(Join.newBuilder().setId(id).setGroup(group)).build(),
        registration -> registration.deliveries = sink);
  }

  @Override
  public Subscription listen(Consumer<Delivery> sink) {
    return register(
        settings.peer(),
        id -> ClientFrame.newBuilder().setListen(Listen.newBuilder().setId(id)).build(),
        registration -> registration.deliveries = sink);
  }

  /**
   * Registers, and when connected waits until the hub has the registration in place, so that what
   * is published after this returns reaches it (a refusal has then ended it already). When not
   * connected, the registration is made on the next session.
   */
  private Subscription register(
      String subject, LongFunction<ClientFrame> frame, Consumer<Registration> sinks) {
    Registration registration;
    boolean connected;
    synchronized (lock) {
      if (state == State.CLOSED) {
        throw closedError();
      }
      long id = nextId++;
      registration = new Registration(id, subject, frame.apply(id));
      sinks.accept(registration);
      registrations.put(id, registration);
      connected = state == State.CONNECTED;
      if (connected) {
        outbox.add(registration.frame());
        scheduleFlushLocked();
      }
    }
    if (connected) {
      CompletableFuture<Void> inPlace =
          call(
              Message.of(settings.peer(), ByteString.EMPTY),
              seq ->
                  ClientFrame.newBuilder()
                      .setFlush(Flush.newBuilder().setSeq(seq).setPeek(true))
                      .build(),
              false,
              settings.connectTimeout(),
              result -> null);
      try {
        inPlace.get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (java.util.concurrent.ExecutionException e) {
        // Lost the session meanwhile: the registration is restored on the next one.
        log.debug("registration on {} not confirmed: {}", subject, String.valueOf(e.getCause()));
      }
    }
    return registration;
  }

  // ---- incoming frames ----

  private void received(SessionStream stream, HubBatch batch) {
    Liveness.Peer liveness = stream.liveness;
    if (liveness != null) {
      liveness.heard();
    }
    Registration subscription = null;
    for (HubFrame frame : batch.getFramesList()) {
      switch (frame.getKindCase()) {
        case WELCOME -> welcomed(stream, frame.getWelcome());
        case HEARTBEAT -> {}
        case DELIVER -> subscription = deliver(frame.getDeliver(), subscription);
        case REQUEST -> incomingRequest(stream, frame.getRequest());
        case RESULT -> result(frame.getResult());
        case DELIVERY -> queueDelivery(stream, frame.getDelivery());
        case BROADCAST -> broadcastOutcome(frame.getBroadcast());
        case INBOUND -> inbound(stream, frame.getInbound());
        case ENDED -> ended(frame.getEnded());
        case KIND_NOT_SET -> log.debug("empty frame from the hub");
      }
    }
  }

  private @Nullable Registration registration(long id) {
    synchronized (lock) {
      return registrations.get(id);
    }
  }

  /**
   * Hands a pub/sub message to its subscription; returns the subscription, which the caller passes
   * back for the next message of the batch (mostly the same one) to save the lookup.
   */
  private @Nullable Registration deliver(Deliver deliver, @Nullable Registration previous) {
    Registration registration =
        previous != null && previous.id == deliver.getId() && !previous.closed.isDone()
            ? previous
            : registration(deliver.getId());
    if (registration != null && registration.messages != null) {
      Message message;
      try {
        message = Envelopes.decode(deliver.getEnvelope(), deliver.getMissed());
      } catch (InvalidProtocolBufferException e) {
        log.warn("the hub delivered a malformed envelope on subscription {}", deliver.getId());
        return registration;
      }
      registration.messages.accept(message);
    }
    return registration;
  }

  private void incomingRequest(
      SessionStream stream, dev.switchboard.messaging.internal.proto.IncomingRequest request) {
    Registration registration = registration(request.getId());
    HubIncomingRequest incoming = new HubIncomingRequest(stream, request);
    if (registration == null || registration.requests == null) {
      incoming.fail(Status.UNAVAILABLE.withDescription("responder closed"));
      return;
    }
    registration.requests.accept(incoming);
  }

  private void result(Result result) {
    PendingCall call = removePending(result.getSeq());
    if (call != null) {
      call.complete(result);
    }
  }

  private void broadcastOutcome(BroadcastOutcome outcome) {
    PendingCall call = removePending(outcome.getSeq());
    if (call != null) {
      call.outcome(outcome);
    }
  }

  private void queueDelivery(SessionStream stream, QueueDelivery delivery) {
    Registration registration = registration(delivery.getId());
    HubDelivery hubDelivery =
        new HubDelivery(
            stream,
            delivery.getTag(),
            Envelopes.toMessage(delivery.getMessage(), 0),
            delivery.getDeliveryCount(),
            true);
    if (registration == null || registration.deliveries == null) {
      hubDelivery.nack();
      return;
    }
    registration.deliveries.accept(hubDelivery);
  }

  private void inbound(SessionStream stream, Inbound inbound) {
    Registration registration = registration(inbound.getId());
    HubDelivery delivery =
        new HubDelivery(
            stream, inbound.getTag(), Envelopes.toMessage(inbound.getMessage(), 0), 1, false);
    if (registration == null || registration.deliveries == null) {
      delivery.nack();
      return;
    }
    registration.deliveries.accept(delivery);
  }

  private void ended(Ended ended) {
    Registration registration;
    synchronized (lock) {
      registration = registrations.remove(ended.getId());
    }
    if (registration != null) {
      registration.closed.complete(
          Status.fromCodeValue(ended.getCode()).withDescription(ended.getDescription()));
    }
  }

  @Override
  public void close() {
    List<PendingCall> calls;
    List<Registration> open;
    SessionStream stream;
    synchronized (lock) {
      if (state == State.CLOSED) {
        return;
      }
      state = State.CLOSED;
      stream = current;
      current = null;
      calls = new ArrayList<>(pending.values());
      pending.clear();
      open = new ArrayList<>(registrations.values());
      registrations.clear();
      outbox.clear();
      lock.notifyAll();
    }
    for (PendingCall call : calls) {
      call.fail(Status.CANCELLED.withDescription("the messaging client closed"));
    }
    for (Registration registration : open) {
      registration.closed.complete(Status.OK);
    }
    firstSession.completeExceptionally(closedError());
    if (stream != null) {
      SessionStream closing = stream;
      // Let frames already handed to gRPC go out, then end the session cleanly. Its liveness
      // check is cancelled before the scheduler shuts down: a pending delayed task would hold the
      // scheduler's termination (and this close) for up to 3 heartbeat intervals.
      scheduler.execute(
          () -> {
            closing.complete();
            closing.stop();
          });
    }
    scheduler.execute(
        () -> {
          channel.shutdown();
          scheduler.shutdown();
        });
    try {
      if (!scheduler.awaitTermination(5, TimeUnit.SECONDS)) {
        scheduler.shutdownNow();
      }
      if (!channel.awaitTermination(5, TimeUnit.SECONDS)) {
        channel.shutdownNow();
      }
    } catch (InterruptedException e) {
      channel.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public String toString() {
    synchronized (lock) {
      return "HubTransport{" + settings.peer() + " -> " + settings.target() + ", " + state + "}";
    }
  }

  // ---- pieces ----

  /** One session stream: the gRPC call and its heartbeat watch. */
  private final class SessionStream implements ClientResponseObserver<ClientBatch, HubBatch> {
    final long epoch;
    private @Nullable ClientCallStreamObserver<ClientBatch> requests;
    volatile Liveness.@Nullable Peer liveness;
    volatile @Nullable ScheduledFuture<?> welcomeTimeout;
    private final AtomicBoolean ended = new AtomicBoolean();

    SessionStream(long epoch) {
      this.epoch = epoch;
    }

    @Override
    public void beforeStart(ClientCallStreamObserver<ClientBatch> requestStream) {
      this.requests = requestStream;
      requestStream.setOnReadyHandler(HubTransport.this::flush);
    }

    boolean isReady() {
      ClientCallStreamObserver<ClientBatch> r = requests;
      return r != null && r.isReady();
    }

    /** Writes a batch; runs on the scheduler only. */
    void send(ClientBatch batch) {
      ClientCallStreamObserver<ClientBatch> r = requests;
      if (r == null || ended.get()) {
        return;
      }
      try {
        r.onNext(batch);
      } catch (RuntimeException e) {
        log.debug("session write failed: {}", e.toString());
      }
    }

    void cancel(Status status) {
      ClientCallStreamObserver<ClientBatch> r = requests;
      if (r != null && !ended.get()) {
        r.cancel(status.getDescription(), status.asRuntimeException());
      }
      sessionEnded(this, status);
    }

    void complete() {
      ClientCallStreamObserver<ClientBatch> r = requests;
      if (r != null && ended.compareAndSet(false, true)) {
        try {
          r.onCompleted();
        } catch (RuntimeException e) {
          log.debug("closing the session failed: {}", e.toString());
        }
      }
    }

    void stop() {
      Liveness.Peer peer = liveness;
      if (peer != null) {
        peer.close();
      }
      ScheduledFuture<?> timeout = welcomeTimeout;
      if (timeout != null) {
        timeout.cancel(false);
      }
    }

    @Override
    public void onNext(HubBatch batch) {
      received(this, batch);
    }

    @Override
    public void onError(Throwable t) {
      ended.set(true);
      sessionEnded(this, Status.fromThrowable(t));
    }

    @Override
    public void onCompleted() {
      ended.set(true);
      sessionEnded(this, Status.UNAVAILABLE.withDescription("the hub ended the session"));
    }
  }

  /** A registration the transport restores on every new session. */
  private final class Registration implements Subscription {
    final long id;
    final String subject;
    private final ClientFrame frame;
    final CompletableFuture<Status> closed = new CompletableFuture<>();
    @Nullable Consumer<Message> messages;
    @Nullable Consumer<IncomingRequest> requests;
    @Nullable Consumer<Delivery> deliveries;

    Registration(long id, String subject, ClientFrame frame) {
      this.id = id;
      this.subject = subject;
      this.frame = frame;
    }

    ClientFrame frame() {
      return frame;
    }

    @Override
    public String subject() {
      return subject;
    }

    @Override
    public CompletionStage<Status> closed() {
      return closed;
    }

    @Override
    public void close() {
      boolean removed;
      synchronized (lock) {
        removed = registrations.remove(id) != null;
      }
      if (removed) {
        sendIfConnected(
            ClientFrame.newBuilder().setUnregister(Unregister.newBuilder().setId(id)).build());
      }
      closed.complete(Status.OK);
    }
  }

  /** A call waiting for one answer from the hub; the fields are set once, under the lock. */
  private abstract static class PendingCall {
    ClientFrame frame = ClientFrame.getDefaultInstance();
    boolean survivesSessionLoss;
    long sentEpoch;
    @Nullable ScheduledFuture<?> timer;

    boolean survivesSessionLoss() {
      return survivesSessionLoss;
    }

    abstract void complete(Result result);

    void outcome(BroadcastOutcome outcome) {
      fail(
          Status.INTERNAL.withDescription(
              "unexpected broadcast outcome for call " + outcome.getSeq()));
    }

    abstract void fail(Status status);
  }

  /** A request from the hub for one of our responders. */
  private final class HubIncomingRequest implements IncomingRequest {
    private final SessionStream stream;
    private final dev.switchboard.messaging.internal.proto.IncomingRequest request;
    private final Message message;
    private final Deadline deadline;
    private final AtomicBoolean answered = new AtomicBoolean();

    HubIncomingRequest(
        SessionStream stream, dev.switchboard.messaging.internal.proto.IncomingRequest request) {
      this.stream = stream;
      this.request = request;
      this.message = Envelopes.toMessage(request.getMessage(), 0);
      this.deadline =
          Deadline.after(Math.max(1, request.getTimeoutMillis()), TimeUnit.MILLISECONDS);
    }

    @Override
    public Message message() {
      return message;
    }

    @Override
    public Deadline deadline() {
      return deadline;
    }

    @Override
    public void reply(ByteString data) {
      answer(Reply.newBuilder().setRequest(request.getRequest()).setData(data).build());
    }

    @Override
    public void fail(Status status) {
      answer(
          Reply.newBuilder()
              .setRequest(request.getRequest())
              .setCode(status.isOk() ? Status.Code.UNKNOWN.value() : status.getCode().value())
              .setDescription(status.getDescription() == null ? "" : status.getDescription())
              .build());
    }

    private void answer(Reply reply) {
      if (answered.compareAndSet(false, true)) {
        sendOnSession(stream, ClientFrame.newBuilder().setReply(reply).build());
      }
    }
  }

  /** Sends a frame that only means something on the session it belongs to. */
  private void sendOnSession(SessionStream stream, ClientFrame frame) {
    synchronized (lock) {
      if (stream == current && state == State.CONNECTED) {
        outbox.add(frame);
      }
    }
    flush();
  }

  /** A work-queue delivery, broadcast or notification, acknowledged on its own session. */
  private final class HubDelivery implements Delivery {
    private final SessionStream stream;
    private final long tag;
    private final Message message;
    private final int deliveryCount;
    private final boolean queue;
    private final AtomicBoolean settled = new AtomicBoolean();

    HubDelivery(SessionStream stream, long tag, Message message, int deliveryCount, boolean queue) {
      this.stream = stream;
      this.tag = tag;
      this.message = message;
      this.deliveryCount = deliveryCount;
      this.queue = queue;
    }

    @Override
    public Message message() {
      return message;
    }

    @Override
    public int deliveryCount() {
      return deliveryCount;
    }

    @Override
    public void ack() {
      settle(true);
    }

    @Override
    public void nack() {
      settle(false);
    }

    private void settle(boolean ok) {
      if (tag == 0 || !settled.compareAndSet(false, true)) {
        return;
      }
      ClientFrame frame =
          queue
              ? ClientFrame.newBuilder().setAck(Ack.newBuilder().setTag(tag).setNack(!ok)).build()
              : ClientFrame.newBuilder()
                  .setReceipt(
                      Receipt.newBuilder()
                          .setTag(tag)
                          .setOk(ok)
                          .setError(ok ? "" : "the receiver's handler failed"))
                  .build();
      sendOnSession(stream, frame);
    }

    @Override
    public String toString() {
      return "Delivery{" + message + ", #" + deliveryCount + "}";
    }
  }
}
