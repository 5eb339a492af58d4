package dev.switchboard.messaging;

import com.google.protobuf.ByteString;
import dev.switchboard.messaging.SubscribeOptions.Overflow;
import dev.switchboard.messaging.internal.Subjects;
import dev.switchboard.messaging.internal.client.HubTransport;
import dev.switchboard.messaging.internal.nats.NatsTransport;
import dev.switchboard.messaging.spi.IncomingRequest;
import dev.switchboard.messaging.spi.Transport;
import dev.switchboard.runtime.Target;
import dev.switchboard.runtime.TlsConfig;
import io.grpc.Status;
import io.grpc.StatusException;
import io.grpc.StatusRuntimeException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A messaging client: the five patterns on one connection to the embedded hub or to NATS.
 *
 * <pre>{@code
 * try (Messaging messaging = Messaging.builder("localhost:4222").plaintext().name("billing").build()) {
 *   messaging.subscribe("orders.*", message -> System.out.println(message.text()));
 *   messaging.publish(Message.ofText("orders.eu", "{\"id\":7}"));
 *   Message reply = messaging.request(Message.ofText("prices.get", "sku-1"), RequestOptions.defaults());
 *   messaging.push(Message.builder("invoices").data(pdf).id("invoice-7").build()).join();
 * }
 * }</pre>
 *
 * <p><b>Handlers</b> run on the client's executor, never on the transport's threads: each
 * registration gets its messages one at a time and in order, and a slow handler delays only its own
 * registration. A subscriber that cannot keep up has a bounded buffer here and on the hub ({@link
 * SubscribeOptions}).
 *
 * <p><b>Failures</b> are gRPC statuses: synchronous calls throw {@link StatusRuntimeException},
 * futures fail with one. Bad arguments (a malformed subject, a message that fails validation) are
 * {@link IllegalArgumentException}s or {@code INVALID_ARGUMENT} before anything is sent.
 *
 * <p><b>Connection.</b> {@link Builder#build()} connects and waits for the first session. After
 * that the transport reconnects by itself, with backoff and jitter, and restores every open
 * registration; calls made while it reconnects wait for the new session (publishes are buffered,
 * bounded).
 *
 * <p>Thread-safe.
 */
public final class Messaging implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Messaging.class);
  private static final String NATS_SCHEME = "nats://";

  /** Requests that may wait for one responder before new ones fail with RESOURCE_EXHAUSTED. */
  private static final int RESPONDER_BACKLOG = 1024;

  /** Deliveries and notifications are bounded by the transport; this only guards against bugs. */
  private static final int UNBOUNDED = Integer.MAX_VALUE;

  private final Transport transport;
  private final Executor executor;
  private final @Nullable ExecutorService ownedExecutor;
  private final Set<LocalSubscription> open = ConcurrentHashMap.newKeySet();
  private volatile boolean closed;

  private Messaging(Transport transport, Executor executor, @Nullable ExecutorService owned) {
    this.transport = transport;
    this.executor = executor;
    this.ownedExecutor = owned;
  }

  /**
   * A client of the hub or NATS server at {@code address}: {@code host:port}, {@code unix:/path} or
   * {@code inproc:name} for the embedded hub, {@code nats://host:port} for NATS.
   *
   * @throws IllegalArgumentException if the address does not parse
   */
  public static Builder builder(String address) {
    return new Builder(Objects.requireNonNull(address, "address"), null);
  }

  /** A client over a transport the caller built; closing the client closes it. */
  public static Builder builder(Transport transport) {
    return new Builder(null, Objects.requireNonNull(transport, "transport"));
  }

  /** This client's peer name: notifications to it use this name. */
  public String name() {
    return transport.peerName();
  }

  /**
   * Publishes to every subscriber of the message's subject (one member of each queue group).
   * Returns once the message is queued for sending; fire-and-forget, in order per publisher.
   *
   * @throws IllegalArgumentException if the subject is malformed or holds a wildcard
   */
  public void publish(Message message) {
    checkOpen();
    Subjects.checkSubject(message.subject());
    transport.publish(message);
  }

  /**
   * Waits until everything published so far has reached the hub or server and been handled.
   * Publishing is fire-and-forget; this is how a publisher learns that one was refused.
   *
   * @throws StatusRuntimeException the first refusal of a publish since the previous flush ({@code
   *     PERMISSION_DENIED}, {@code RESOURCE_EXHAUSTED}, {@code INVALID_ARGUMENT}), or {@code
   *     DEADLINE_EXCEEDED} after {@code timeout}
   */
  public void flush(Duration timeout) {
    checkOpen();
    CompletableFuture<Void> done = transport.flush(timeout);
    try {
      done.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw Status.CANCELLED.withDescription("interrupted while flushing").asRuntimeException();
    } catch (ExecutionException e) {
      throw asStatusException(e.getCause());
    }
  }

  /** Subscribes with {@link SubscribeOptions#defaults()}. */
  public Subscription subscribe(String subject, MessageHandler handler) {
    return subscribe(subject, SubscribeOptions.defaults(), handler);
  }

  /**
   * Receives every message published to {@code subject} ({@code *} matches one token, a final
   * {@code >} one or more) after this call returns, in each publisher's order.
   *
   * @throws IllegalArgumentException if the subject filter is malformed
   */
  public Subscription subscribe(String subject, SubscribeOptions options, MessageHandler handler) {
    checkOpen();
    Subjects.checkFilter(subject);
    Objects.requireNonNull(handler, "handler");
    LocalSubscription local = new LocalSubscription(subject);
    HandlerQueue<Message> queue =
        new HandlerQueue<>(
            executor,
            options.bufferSize(),
            options.overflow(),
            (message, dropped) -> {
              Message delivered =
                  dropped == 0
                      ? message
                      : message.toBuilder().missedBefore(message.missedBefore() + dropped).build();
              runHandler(subject, () -> handler.onMessage(delivered));
            },
            message -> 1 + message.missedBefore());
    local.queue = queue;
    Consumer<Message> sink =
        message -> {
          if (!queue.offer(message)) {
            local.end(
                Status.RESOURCE_EXHAUSTED.withDescription(
                    "subscriber to "
                        + subject
                        + " fell "
                        + options.bufferSize()
                        + " messages behind (overflow policy DISCONNECT)"));
          }
        };
    return register(local, transport.subscribe(subject, options, sink));
  }

  /**
   * Sends a request and waits for the reply.
   *
   * @throws StatusRuntimeException {@code UNAVAILABLE} (no responder, or it died and the request is
   *     not idempotent), {@code DEADLINE_EXCEEDED}, or the responder's status
   */
  public Message request(Message request, RequestOptions options) {
    CompletableFuture<Message> reply = requestAsync(request, options);
    try {
      return reply.get();
    } catch (InterruptedException e) {
      reply.cancel(true);
      Thread.currentThread().interrupt();
      throw Status.CANCELLED
          .withDescription("interrupted while waiting for a reply")
          .asRuntimeException();
    } catch (ExecutionException e) {
      throw asStatusException(e.getCause());
    }
  }

  /** Sends a request; the future completes with the reply or fails with a status. */
  public CompletableFuture<Message> requestAsync(Message request, RequestOptions options) {
    checkOpen();
    Subjects.checkSubject(request.subject());
    return transport.request(request, options);
  }

  /**
   * Answers requests to {@code subject} (wildcards allowed) as one member of {@code group}: each
   * request goes to one responder. Requests run one at a time, in arrival order.
   */
  public Subscription respond(String subject, String group, Responder responder) {
    checkOpen();
    Subjects.checkFilter(subject);
    Subjects.checkName(group, "responder group");
    Objects.requireNonNull(responder, "responder");
    LocalSubscription local = new LocalSubscription(subject);
    HandlerQueue<IncomingRequest> queue =
        new HandlerQueue<>(
            executor,
            RESPONDER_BACKLOG,
            Overflow.DISCONNECT,
            (request, dropped) -> answer(request, responder));
    local.queue = queue;
    Consumer<IncomingRequest> sink =
        request -> {
          if (!queue.offer(request)) {
            request.fail(
                Status.RESOURCE_EXHAUSTED.withDescription(
                    "responder " + name() + " has " + RESPONDER_BACKLOG + " requests waiting"));
          }
        };
    return register(local, transport.respond(subject, group, sink));
  }

  private void answer(IncomingRequest request, Responder responder) {
    if (request.deadline().isExpired()) {
      return;
    }
    try {
      ByteString reply = responder.respond(request.message());
      request.reply(Objects.requireNonNull(reply, "responder returned null"));
    } catch (Exception e) {
      Status status = statusOf(e);
      if (status.getCode() == Status.Code.INTERNAL) {
        log.warn("responder for {} failed: {}", request.message().subject(), e.toString());
      }
      request.fail(status);
    }
  }

  /**
   * Appends a message to the work queue named by its subject. The future completes once the message
   * is durable; with an id, a repeated push within the dedup window is dropped (and completes
   * normally).
   */
  public CompletableFuture<Void> push(Message message) {
    checkOpen();
    Subjects.checkName(message.subject(), "queue");
    return transport.push(message);
  }

  /**
   * Consumes the work queue {@code queue}: each message goes to one consumer, which must
   * acknowledge it ({@link Delivery#ack()}); a handler that throws nacks the delivery.
   */
  public Subscription consume(String queue, ConsumerOptions options, DeliveryHandler handler) {
    checkOpen();
    Subjects.checkName(queue, "queue");
    Objects.requireNonNull(handler, "handler");
    LocalSubscription local = new LocalSubscription(queue);
    HandlerQueue<Delivery> deliveries =
        new HandlerQueue<>(
            executor,
            UNBOUNDED,
            Overflow.DROP_OLDEST,
            (delivery, dropped) -> {
              try {
                handler.onDelivery(delivery);
              } catch (Exception e) {
                log.warn("consumer of {} failed, message goes back: {}", queue, e.toString());
                delivery.nack();
              }
            });
    local.queue = deliveries;
    return register(local, transport.consume(queue, options, deliveries::offer));
  }

  /**
   * Sends a message to every live member of the group named by its subject. The future completes at
   * the deadline, or as soon as every member acknowledged, with who did and who did not.
   */
  public CompletableFuture<BroadcastReport> broadcast(Message message, Duration deadline) {
    checkOpen();
    Subjects.checkName(message.subject(), "group");
    if (deadline.isNegative() || deadline.isZero()) {
      throw new IllegalArgumentException("broadcast deadline must be positive, was " + deadline);
    }
    return transport.broadcast(message, deadline);
  }

  /**
   * Joins a broadcast group. Returning from the handler acknowledges the message to its sender;
   * throwing leaves it unacknowledged.
   */
  public Subscription join(String group, MessageHandler handler) {
    checkOpen();
    Subjects.checkName(group, "group");
    return acking(group, handler, sink -> transport.join(group, sink));
  }

  /**
   * Sends a notification to the peer named by the message's subject: fire-and-forget or
   * acknowledged, failing fast or held for an offline peer ({@link NotifyOptions}).
   */
  public CompletableFuture<Void> notify(Message message, NotifyOptions options) {
    checkOpen();
    Subjects.checkName(message.subject(), "peer");
    return transport.notify(message, options);
  }

  /**
   * Receives notifications addressed to this client's {@link #name()}. Returning from the handler
   * acknowledges an acknowledged notification; throwing fails it.
   */
  public Subscription listen(MessageHandler handler) {
    checkOpen();
    return acking(name(), handler, transport::listen);
  }

  private Subscription acking(
      String subject,
      MessageHandler handler,
      java.util.function.Function<Consumer<Delivery>, Subscription> registration) {
    Objects.requireNonNull(handler, "handler");
    LocalSubscription local = new LocalSubscription(subject);
    HandlerQueue<Delivery> queue =
        new HandlerQueue<>(
            executor,
            UNBOUNDED,
            Overflow.DROP_OLDEST,
            (delivery, dropped) -> {
              try {
                handler.onMessage(delivery.message());
                delivery.ack();
              } catch (Exception e) {
                log.warn("handler for {} failed: {}", subject, e.toString());
                delivery.nack();
              }
            });
    local.queue = queue;
    return register(local, registration.apply(queue::offer));
  }

  private Subscription register(LocalSubscription local, Subscription remote) {
    local.attach(remote);
    open.add(local);
    var unused = local.closed.whenComplete((status, error) -> open.remove(local));
    if (closed) {
      local.close();
    }
    return local;
  }

  private static void runHandler(String subject, ThrowingRunnable body) {
    try {
      body.run();
    } catch (Exception e) {
      log.warn("subscriber to {} failed: {}", subject, e.toString());
    }
  }

  /** Closes every registration, then the transport and the executor this client made. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    for (LocalSubscription local : open) {
      local.close();
    }
    transport.close();
    if (ownedExecutor != null) {
      ownedExecutor.shutdown();
    }
  }

  @Override
  public String toString() {
    return "Messaging{" + transport + "}";
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("messaging client " + name() + " is closed");
    }
  }

  static Status statusOf(Throwable e) {
    if (e instanceof StatusException s) {
      return s.getStatus();
    }
    if (e instanceof StatusRuntimeException s) {
      return s.getStatus();
    }
    return Status.INTERNAL.withDescription(
        e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
  }

  private static StatusRuntimeException asStatusException(@Nullable Throwable e) {
    if (e instanceof StatusRuntimeException s) {
      return s;
    }
    if (e == null) {
      return Status.UNKNOWN.asRuntimeException();
    }
    return statusOf(e).withCause(e).asRuntimeException();
  }

  @FunctionalInterface
  private interface ThrowingRunnable {
    void run() throws Exception;
  }

  /** The user's handle: the transport's registration plus this client's handler queue. */
  private static final class LocalSubscription implements Subscription {
    private final String subject;
    private final CompletableFuture<Status> closed = new CompletableFuture<>();
    private @Nullable HandlerQueue<?> queue;
    private volatile @Nullable Subscription remote;

    LocalSubscription(String subject) {
      this.subject = subject;
    }

    void attach(Subscription remote) {
      this.remote = remote;
      var unused =
          remote
              .closed()
              .whenComplete(
                  (status, error) -> end(status == null ? Status.fromThrowable(error) : status));
    }

    void end(Status status) {
      if (!closed.complete(status)) {
        return;
      }
      HandlerQueue<?> q = queue;
      if (q != null && !status.isOk()) {
        q.stop();
      }
      Subscription r = remote;
      if (r != null) {
        r.close();
      }
      if (!status.isOk()) {
        log.warn(
            "registration on {} ended: {} {}", subject, status.getCode(), status.getDescription());
      }
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
      end(Status.OK);
    }

    @Override
    public String toString() {
      return "Subscription{" + subject + (closed.isDone() ? ", closed" : "") + "}";
    }
  }

  /** Configures a {@link Messaging} client. Not thread-safe. */
  public static final class Builder {
    private final @Nullable String address;
    private final @Nullable Transport transport;
    private @Nullable String name;
    private @Nullable TlsConfig tls;
    private boolean plaintext;
    private @Nullable String token;
    private Duration connectTimeout = Duration.ofSeconds(5);
    private Duration heartbeat = Liveness.DEFAULT_INTERVAL;
    private @Nullable Executor executor;

    private Builder(@Nullable String address, @Nullable Transport transport) {
      this.address = address;
      this.transport = transport;
    }

    /**
     * This client's peer name, unique among the hub's clients: notifications are addressed to it
     * and a second client with the same name replaces the first. Default: {@code sb-} and 8 random
     * hex digits.
     */
    public Builder name(String name) {
      this.name = Subjects.checkName(name, "peer");
      return this;
    }

    /** Connects with TLS (with a client certificate for mTLS). */
    public Builder tls(TlsConfig tls) {
      this.tls = Objects.requireNonNull(tls, "tls");
      return this;
    }

    /** Connects in plaintext; TCP addresses must choose this or {@link #tls}. */
    public Builder plaintext() {
      this.plaintext = true;
      return this;
    }

    /** A bearer token the hub maps to an identity (for its permissions). Never logged. */
    public Builder token(String token) {
      if (token.isEmpty()) {
        throw new IllegalArgumentException("token is empty");
      }
      this.token = token;
      return this;
    }

    /**
     * The heartbeat interval where the client chooses it: on NATS, responders send progress,
     * consumers keep their messages and group members their presence at this interval, and a peer
     * silent for 3 of them is dead. The hub tells its clients its own interval. Default 1 s.
     */
    public Builder heartbeat(Duration interval) {
      if (interval.toMillis() < 1) {
        throw new IllegalArgumentException("heartbeat must be at least 1 ms, was " + interval);
      }
      this.heartbeat = interval;
      return this;
    }

    /** How long {@link #build()} waits for the first session. Default 5 s. */
    public Builder connectTimeout(Duration timeout) {
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("connect timeout must be positive, was " + timeout);
      }
      this.connectTimeout = timeout;
      return this;
    }

    /**
     * Where handlers run; the caller owns it. Default: a pool of daemon threads this client owns
     * and shuts down on close.
     */
    public Builder executor(Executor executor) {
      this.executor = Objects.requireNonNull(executor, "executor");
      return this;
    }

    /**
     * Connects and waits for the first session.
     *
     * @throws StatusRuntimeException {@code UNAVAILABLE} if no session was established within the
     *     connect timeout, {@code UNAUTHENTICATED} or {@code PERMISSION_DENIED} if the hub refused
     * @throws IllegalArgumentException if the address does not parse
     * @throws IllegalStateException if a TCP address chose neither plaintext nor TLS
     */
    public Messaging build() {
      String peer = name != null ? name : "sb-" + HexFormat.of().formatHex(randomBytes(4));
      Transport built = transport;
      if (built == null && Objects.requireNonNull(address).startsWith(NATS_SCHEME)) {
        built =
            NatsTransport.connect(
                new NatsTransport.Settings(
                    address,
                    peer,
                    tls,
                    token,
                    connectTimeout,
                    heartbeat,
                    MessagingHub.DEFAULT_DEDUP_WINDOW));
      }
      if (built == null) {
        String where = Objects.requireNonNull(address);
        Target target = Target.parse(where);
        if (target.kind() == Target.Kind.TCP && tls == null && !plaintext) {
          throw new IllegalStateException(
              "messaging client for "
                  + where
                  + ": choose plaintext() or tls(...) for TCP addresses");
        }
        built =
            HubTransport.connect(
                HubTransport.Settings.of(target, peer)
                    .withTls(tls)
                    .withToken(token)
                    .withConnectTimeout(connectTimeout));
      }
      ExecutorService owned = null;
      Executor callbacks = executor;
      if (callbacks == null) {
        owned = Executors.newCachedThreadPool(daemonThreads("sb-messaging-" + peer));
        callbacks = owned;
      }
      return new Messaging(built, callbacks, owned);
    }

    private static byte[] randomBytes(int n) {
      byte[] bytes = new byte[n];
      new SecureRandom().nextBytes(bytes);
      return bytes;
    }
  }

  static ThreadFactory daemonThreads(String prefix) {
    AtomicInteger count = new AtomicInteger();
    return runnable -> {
      Thread thread = new Thread(runnable, prefix + "-" + count.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    };
  }
}
