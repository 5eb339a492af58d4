package dev.switchboard.messaging.internal.nats;

import com.google.protobuf.ByteString;
import dev.switchboard.messaging.BroadcastReport;
import dev.switchboard.messaging.ConsumerOptions;
import dev.switchboard.messaging.Delivery;
import dev.switchboard.messaging.Message;
import dev.switchboard.messaging.NotifyOptions;
import dev.switchboard.messaging.RequestOptions;
import dev.switchboard.messaging.SubscribeOptions;
import dev.switchboard.messaging.Subscription;
import dev.switchboard.messaging.spi.IncomingRequest;
import dev.switchboard.messaging.spi.Transport;
import dev.switchboard.runtime.TlsConfig;
import io.grpc.Deadline;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.nats.client.Connection;
import io.nats.client.ConnectionListener;
import io.nats.client.Dispatcher;
import io.nats.client.ErrorListener;
import io.nats.client.JetStream;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.JetStreamSubscription;
import io.nats.client.KeyValue;
import io.nats.client.KeyValueManagement;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.PublishOptions;
import io.nats.client.PullSubscribeOptions;
import io.nats.client.api.AckPolicy;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.DeliverPolicy;
import io.nats.client.api.KeyValueConfiguration;
import io.nats.client.api.RetentionPolicy;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import io.nats.client.api.StreamInfo;
import io.nats.client.impl.Headers;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The five patterns on NATS, through jnats.
 *
 * <ul>
 *   <li><b>Pub/sub</b>: core NATS subjects and queue groups, as they are.
 *   <li><b>Request/response</b>: core request/reply on a queue group, plus liveness: a responder
 *       answers each request at once with a progress message ({@value #STATUS} 102) and again every
 *       heartbeat interval until its reply, so a requester that hears nothing for 3 intervals knows
 *       the responder is dead, as on the hub. NATS's "no responders" status is {@code UNAVAILABLE}.
 *   <li><b>Work queues</b>: a JetStream stream {@code SBQ_<queue>} (work-queue retention, file
 *       storage, {@code Nats-Msg-Id} dedup within the window) and a durable pull consumer shared by
 *       all consumers of the queue, with an ack wait of 3 heartbeat intervals; a consumer sends
 *       {@code +WPI} every interval for the messages it holds, so a dead one's messages come back
 *       after 3 intervals. Ack timeouts are kept by the consumer (it naks), and a message past its
 *       maximum deliveries is moved to {@code <queue>.dlq} by the consumer that receives it.
 *   <li><b>Broadcast</b>: members keep a key in the KV bucket {@value #GROUPS}, refreshed every
 *       interval and gone 3 intervals after they stop; the sender reads the members, publishes on
 *       {@code sbb.<group>} and collects their acknowledgements.
 *   <li><b>Notification</b>: a request on {@code sbn.<peer>}; "no responders" means offline. Held
 *       notifications go to the stream {@value #HELD_STREAM} and are read by the peer's durable
 *       consumer when it listens.
 * </ul>
 *
 * <p>jnats reconnects with backoff and jitter and restores core subscriptions; pull consumers, KV
 * refreshes and progress messages carry on over the new connection. Thread-safe.
 */
public final class NatsTransport implements Transport {
  private static final Logger log = LoggerFactory.getLogger(NatsTransport.class);

  static final String SENDER = "Sb-Sender";
  static final String ID = "Sb-Id";
  static final String STATUS = "Sb-Status";
  static final String DESCRIPTION = "Sb-Description";
  static final String TIMEOUT = "Sb-Timeout-Millis";
  static final String PEER = "Sb-Peer";
  static final String ACKED = "Sb-Ack";
  static final String ACK_TO = "Sb-Ack-To";
  static final String EXPIRES = "Sb-Expires";
  static final String MSG_ID = "Nats-Msg-Id";
  static final String GROUPS = "sb_groups";
  static final String HELD_STREAM = "SB_NOTIFY";

  /** The durable consumer every consumer of a queue shares. */
  public static final String WORKERS = "sb-workers";

  private static final int PROGRESS = 102;
  private static final Set<String> INTERNAL =
      Set.of(SENDER, ID, STATUS, DESCRIPTION, TIMEOUT, PEER, ACKED, ACK_TO, EXPIRES, MSG_ID);

  /** What a NATS transport needs to know. */
  public record Settings(
      String url,
      String peer,
      @Nullable TlsConfig tls,
      @Nullable String token,
      Duration connectTimeout,
      Duration heartbeat,
      Duration dedupWindow) {

    @Override
    public String toString() {
      return "Settings{" + url + ", peer=" + peer + (token == null ? "" : ", token=***") + "}";
    }
  }

  private final Settings settings;
  private final Connection connection;
  private final JetStream jetStream;
  private final JetStreamManagement management;
  private final Dispatcher dispatcher;
  private final ScheduledExecutorService scheduler;
  private final String inbox;
  private final Map<String, Consumer<io.nats.client.Message>> replies = new ConcurrentHashMap<>();
  private final Map<String, Boolean> streams = new ConcurrentHashMap<>();
  private final Map<String, List<Registration>> bySubject = new ConcurrentHashMap<>();
  private final Set<Registration> open = ConcurrentHashMap.newKeySet();
  private final AtomicReference<@Nullable Status> refused = new AtomicReference<>();
  private final AtomicLong tokens = new AtomicLong();
  private volatile @Nullable KeyValue groups;
  private volatile boolean closed;

  private NatsTransport(
      Settings settings, Connection connection, ScheduledExecutorService scheduler)
      throws IOException {
    this.settings = settings;
    this.connection = connection;
    this.scheduler = scheduler;
    this.jetStream = connection.jetStream();
    this.management = connection.jetStreamManagement();
    this.dispatcher = connection.createDispatcher();
    this.inbox = connection.createInbox();
    dispatcher.subscribe(inbox + ".*", this::reply);
  }

  /**
   * Connects to the NATS server.
   *
   * @throws StatusRuntimeException {@code UNAVAILABLE} naming the server if it cannot be reached
   *     within the connect timeout, {@code UNAUTHENTICATED} if it refuses the credentials
   */
  public static NatsTransport connect(Settings settings) {
    ScheduledExecutorService scheduler =
        Executors.newSingleThreadScheduledExecutor(
            runnable -> {
              Thread thread = new Thread(runnable, "sb-nats-" + settings.peer());
              thread.setDaemon(true);
              return thread;
            });
    AtomicReference<NatsTransport> self = new AtomicReference<>();
    Options.Builder options =
        Options.builder()
            .server(settings.url())
            .connectionName(settings.peer())
            .connectionTimeout(settings.connectTimeout())
            .maxReconnects(-1)
            .reconnectWait(Duration.ofMillis(100))
            .reconnectJitter(Duration.ofMillis(100))
            .pingInterval(settings.heartbeat())
            .errorListener(
                new ErrorListener() {
                  @Override
                  public void errorOccurred(Connection conn, String error) {
                    NatsTransport transport = self.get();
                    if (transport != null) {
                      transport.serverError(error);
                    }
                  }

                  @Override
                  public void exceptionOccurred(Connection conn, Exception exp) {
                    log.debug("nats: {}", exp.toString());
                  }
                })
            .connectionListener(
                (conn, event) -> {
                  if (event == ConnectionListener.Events.DISCONNECTED) {
                    log.warn("connection to NATS {} lost; reconnecting", settings.url());
                  } else if (event == ConnectionListener.Events.RECONNECTED) {
                    log.info("reconnected to NATS {}", settings.url());
                  }
                });
    if (settings.token() != null) {
      options.token(settings.token().toCharArray());
    }
    if (settings.tls() != null) {
      options.sslContext(SslContexts.of(settings.tls()));
    }
    Connection connection;
    try {
      connection = Nats.connect(options.build());
    } catch (IOException e) {
      scheduler.shutdownNow();
      String message = String.valueOf(e.getMessage());
      Status status =
          message.toLowerCase(java.util.Locale.ROOT).contains("authorization")
              ? Status.UNAUTHENTICATED
              : Status.UNAVAILABLE;
      throw status
          .withDescription("cannot connect to NATS at " + settings.url() + ": " + message)
          .withCause(e)
          .asRuntimeException();
    } catch (InterruptedException e) {
      scheduler.shutdownNow();
      Thread.currentThread().interrupt();
      throw Status.CANCELLED.withDescription("interrupted while connecting").asRuntimeException();
    }
    try {
      NatsTransport transport = new NatsTransport(settings, connection, scheduler);
      self.set(transport);
      return transport;
    } catch (IOException e) {
      scheduler.shutdownNow();
      closeQuietly(connection);
      throw Status.UNAVAILABLE.withDescription(e.getMessage()).withCause(e).asRuntimeException();
    }
  }

  @Override
  public String peerName() {
    return settings.peer();
  }

  private Duration deadAfter() {
    return settings.heartbeat().multipliedBy(3);
  }

  // ---- conversions ----

  private Headers headers(Message message) {
    Headers headers = new Headers();
    message.headers().forEach(headers::put);
    headers.put(SENDER, settings.peer());
    message.id().ifPresent(id -> headers.put(ID, id));
    return headers;
  }

  private static Message toMessage(io.nats.client.Message message, String subject) {
    Message.Builder builder =
        Message.builder(subject).data(message.getData() == null ? new byte[0] : message.getData());
    Headers headers = message.getHeaders();
    if (headers != null) {
      for (String key : headers.keySet()) {
        if (!INTERNAL.contains(key)) {
          builder.header(key, Objects.requireNonNullElse(headers.getFirst(key), ""));
        }
      }
      String id = headers.getFirst(ID);
      if (id == null) {
        id = headers.getFirst(MSG_ID);
      }
      if (id != null && !id.isEmpty()) {
        builder.id(id);
      }
      String sender = headers.getFirst(SENDER);
      if (sender != null && !sender.isEmpty()) {
        builder.sender(sender);
      }
    }
    return builder.build();
  }

  private static @Nullable String header(io.nats.client.Message message, String name) {
    Headers headers = message.getHeaders();
    return headers == null ? null : headers.getFirst(name);
  }

  private void checkSize(Message message) {
    long max = connection.getMaxPayload();
    if (max > 0 && message.data().size() > max) {
      throw Status.RESOURCE_EXHAUSTED
          .withDescription(
              "message to "
                  + message.subject()
                  + " is "
                  + message.data().size()
                  + " bytes; the NATS server accepts at most "
                  + max)
          .asRuntimeException();
    }
  }

  private void checkOpen() {
    if (closed) {
      throw Status.CANCELLED.withDescription("the messaging client is closed").asRuntimeException();
    }
  }

  private String token() {
    return Long.toString(tokens.incrementAndGet(), 36);
  }

  /** Routes a message on this client's inbox to whoever waits for that token. */
  private void reply(io.nats.client.Message message) {
    String subject = message.getSubject();
    String token = subject.substring(subject.lastIndexOf('.') + 1);
    Consumer<io.nats.client.Message> waiting = replies.get(token);
    if (waiting != null) {
      waiting.accept(message);
    }
  }

  private void serverError(String error) {
    log.debug("nats server error: {}", error);
    String lower = error.toLowerCase(java.util.Locale.ROOT);
    if (!lower.contains("permissions violation")) {
      return;
    }
    int quote = error.indexOf('"');
    String subject =
        quote >= 0 && error.lastIndexOf('"') > quote
            ? error.substring(quote + 1, error.lastIndexOf('"'))
            : "";
    Status status = Status.PERMISSION_DENIED.withDescription(error.replace("'", "").trim());
    if (lower.contains("for subscription")) {
      for (Registration registration : bySubject.getOrDefault(subject, List.of())) {
        registration.end(status);
      }
    } else {
      refused.compareAndSet(null, status);
    }
  }

  // ---- publish/subscribe ----

  @Override
  public void publish(Message message) {
    checkOpen();
    checkSize(message);
    connection.publish(message.subject(), null, headers(message), message.data().toByteArray());
  }

  @Override
  public CompletableFuture<Void> flush(Duration timeout) {
    checkOpen();
    return CompletableFuture.runAsync(
        () -> {
          try {
            connection.flush(timeout);
          } catch (java.util.concurrent.TimeoutException e) {
            throw Status.DEADLINE_EXCEEDED
                .withDescription("NATS did not answer within " + timeout.toMillis() + " ms")
                .asRuntimeException();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw Status.CANCELLED.asRuntimeException();
          }
          Status failure = refused.getAndSet(null);
          if (failure != null) {
            throw failure.asRuntimeException();
          }
        },
        scheduler);
  }

  @Override
  public Subscription subscribe(String subject, SubscribeOptions options, Consumer<Message> sink) {
    checkOpen();
    io.nats.client.Subscription subscription =
        options.queueGroup().isPresent()
            ? dispatcher.subscribe(
                subject, options.queueGroup().get(), m -> sink.accept(toMessage(m, m.getSubject())))
            : dispatcher.subscribe(subject, m -> sink.accept(toMessage(m, m.getSubject())));
    return register(subject, () -> dispatcher.unsubscribe(subscription));
  }

  private Registration register(String subject, Runnable onClose) {
    Registration registration = new Registration(subject, onClose);
    open.add(registration);
    bySubject
        .computeIfAbsent(subject, s -> new java.util.concurrent.CopyOnWriteArrayList<>())
        .add(registration);
    // Make the subscription known to the server before returning, as on the hub.
    try {
      connection.flush(settings.connectTimeout());
    } catch (java.util.concurrent.TimeoutException e) {
      log.debug("subscription to {} not confirmed in time", subject);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return registration;
  }

  // ---- request/response ----

  @Override
  public CompletableFuture<Message> request(Message request, RequestOptions options) {
    checkOpen();
    checkSize(request);
    CompletableFuture<Message> reply = new CompletableFuture<>();
    String token = token();
    long deadline = System.nanoTime() + options.timeout().toNanos();
    AtomicLong lastHeard = new AtomicLong(System.nanoTime());
    AtomicReference<@Nullable ScheduledFuture<?>> watch = new AtomicReference<>();
    Runnable send =
        () -> {
          Headers headers = headers(request);
          headers.put(
              TIMEOUT, Long.toString(Math.max(1, (deadline - System.nanoTime()) / 1_000_000)));
          connection.publish(
              request.subject(), inbox + "." + token, headers, request.data().toByteArray());
          lastHeard.set(System.nanoTime());
        };
    replies.put(
        token,
        message -> {
          if (message.isStatusMessage()) {
            if (message.getStatus().isNoResponders()) {
              reply.completeExceptionally(
                  Status.UNAVAILABLE
                      .withDescription("no responder for " + request.subject())
                      .asRuntimeException());
            }
            return;
          }
          int code = parseStatus(header(message, STATUS));
          if (code == PROGRESS) {
            lastHeard.set(System.nanoTime());
          } else if (code == 0) {
            reply.complete(toMessage(message, request.subject()));
          } else {
            reply.completeExceptionally(failure(code, header(message, DESCRIPTION)));
          }
        });
    long period = settings.heartbeat().toNanos();
    watch.set(
        scheduler.scheduleAtFixedRate(
            () -> {
              long now = System.nanoTime();
              if (now - deadline >= 0) {
                reply.completeExceptionally(
                    Status.DEADLINE_EXCEEDED
                        .withDescription("no reply for " + request.subject() + " in time")
                        .asRuntimeException());
              } else if (now - lastHeard.get() >= deadAfter().toNanos()) {
                if (options.isIdempotent()) {
                  log.debug(
                      "responder for {} went silent; sending the request again", request.subject());
                  send.run();
                } else {
                  reply.completeExceptionally(
                      Status.UNAVAILABLE
                          .withDescription(
                              "the responder for "
                                  + request.subject()
                                  + " went silent for "
                                  + deadAfter().toMillis()
                                  + " ms before answering")
                          .asRuntimeException());
                }
              }
            },
            Math.min(period, options.timeout().toNanos()),
            Math.min(period, options.timeout().toNanos()),
            TimeUnit.NANOSECONDS));
    var unused =
        reply.whenComplete(
            (value, error) -> {
              replies.remove(token);
              ScheduledFuture<?> task = watch.get();
              if (task != null) {
                task.cancel(false);
              }
            });
    send.run();
    return reply;
  }

  private static int parseStatus(@Nullable String value) {
    if (value == null || value.isEmpty()) {
      return 0;
    }
    try {
      return Integer.parseInt(value);
    } catch (NumberFormatException e) {
      return Status.Code.UNKNOWN.value();
    }
  }

  private static StatusRuntimeException failure(int code, @Nullable String description) {
    Status status =
        code > 0 && code < Status.Code.values().length
            ? Status.fromCodeValue(code)
            : Status.UNKNOWN;
    return status.withDescription(description).asRuntimeException();
  }

  @Override
  public Subscription respond(String subject, String group, Consumer<IncomingRequest> sink) {
    checkOpen();
    io.nats.client.Subscription subscription =
        dispatcher.subscribe(
            subject,
            group,
            message -> {
              if (message.getReplyTo() == null) {
                return;
              }
              sink.accept(new NatsIncomingRequest(message));
            });
    return register(subject, () -> dispatcher.unsubscribe(subscription));
  }

  /** A request being answered: progress every heartbeat until the reply. */
  private final class NatsIncomingRequest implements IncomingRequest {
    private final String replyTo;
    private final Message message;
    private final Deadline deadline;
    private final AtomicBoolean answered = new AtomicBoolean();
    private final ScheduledFuture<?> progress;

    NatsIncomingRequest(io.nats.client.Message request) {
      this.replyTo = Objects.requireNonNull(request.getReplyTo());
      this.message = toMessage(request, request.getSubject());
      long timeout = Math.max(1, parseLong(header(request, TIMEOUT), 10_000));
      this.deadline = Deadline.after(timeout, TimeUnit.MILLISECONDS);
      sendStatus(PROGRESS, null, new byte[0]);
      long period = settings.heartbeat().toMillis();
      this.progress =
          scheduler.scheduleAtFixedRate(
              () -> {
                if (!answered.get() && !deadline.isExpired()) {
                  sendStatus(PROGRESS, null, new byte[0]);
                }
              },
              period,
              period,
              TimeUnit.MILLISECONDS);
    }

    private void sendStatus(int code, @Nullable String description, byte[] data) {
      Headers headers = new Headers();
      headers.put(STATUS, Integer.toString(code));
      headers.put(SENDER, settings.peer());
      if (description != null) {
        headers.put(DESCRIPTION, description);
      }
      if (!closed) {
        connection.publish(replyTo, null, headers, data);
      }
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
      if (answered.compareAndSet(false, true)) {
        progress.cancel(false);
        sendStatus(0, null, data.toByteArray());
      }
    }

    @Override
    public void fail(Status status) {
      if (answered.compareAndSet(false, true)) {
        progress.cancel(false);
        sendStatus(
            status.isOk() ? Status.Code.UNKNOWN.value() : status.getCode().value(),
            status.getDescription() == null ? "" : status.getDescription(),
            new byte[0]);
      }
    }
  }

  private static long parseLong(@Nullable String value, long otherwise) {
    if (value == null) {
      return otherwise;
    }
    try {
      return Long.parseLong(value);
    } catch (NumberFormatException e) {
      return otherwise;
    }
  }

  // ---- work queues ----

  /** The JetStream stream that holds a work queue. */
  public static String streamName(String queue) {
    StringBuilder name = new StringBuilder("SBQ_");
    for (int i = 0; i < queue.length(); i++) {
      char c = queue.charAt(i);
      name.append(c == '.' || c == '/' || c == '\\' ? '_' : c);
    }
    return name.toString();
  }

  private String ensureQueue(String queue) {
    String stream = streamName(queue);
    String subject = "sbq." + queue;
    if (streams.containsKey(stream)) {
      return stream;
    }
    try {
      StreamInfo info = management.getStreamInfo(stream);
      if (!info.getConfiguration().getSubjects().contains(subject)) {
        throw Status.FAILED_PRECONDITION
            .withDescription(
                "JetStream stream "
                    + stream
                    + " exists for "
                    + info.getConfiguration().getSubjects()
                    + ", not for queue "
                    + queue)
            .asRuntimeException();
      }
    } catch (JetStreamApiException e) {
      if (e.getApiErrorCode() != 10059) {
        throw jetStreamError("stream " + stream, e);
      }
      try {
        management.addStream(
            StreamConfiguration.builder()
                .name(stream)
                .subjects(subject)
                .retentionPolicy(RetentionPolicy.WorkQueue)
                .storageType(StorageType.File)
                .duplicateWindow(settings.dedupWindow())
                .build());
      } catch (JetStreamApiException added) {
        if (added.getApiErrorCode() != 10058) {
          throw jetStreamError("stream " + stream, added);
        }
      } catch (IOException io) {
        throw unavailable(io);
      }
    } catch (IOException e) {
      throw unavailable(e);
    }
    streams.put(stream, Boolean.TRUE);
    return stream;
  }

  private static StatusRuntimeException jetStreamError(String what, JetStreamApiException e) {
    return Status.FAILED_PRECONDITION
        .withDescription("JetStream refused " + what + ": " + e.getErrorDescription())
        .withCause(e)
        .asRuntimeException();
  }

  private StatusRuntimeException unavailable(Exception e) {
    return Status.UNAVAILABLE
        .withDescription("NATS at " + settings.url() + ": " + e.getMessage())
        .withCause(e)
        .asRuntimeException();
  }

  @Override
  public CompletableFuture<Void> push(Message message) {
    checkOpen();
    checkSize(message);
    String queue = message.subject();
    return CompletableFuture.supplyAsync(() -> ensureQueue(queue), scheduler)
        .thenCompose(
            stream -> {
              Headers headers = headers(message);
              message.id().ifPresent(id -> headers.put(MSG_ID, id));
              return jetStream.publishAsync(
                  "sbq." + queue,
                  headers,
                  message.data().toByteArray(),
                  PublishOptions.builder().expectedStream(stream).build());
            })
        .handle(
            (ack, error) -> {
              if (error != null) {
                Throwable cause =
                    error instanceof java.util.concurrent.CompletionException
                        ? error.getCause()
                        : error;
                if (cause instanceof StatusRuntimeException s) {
                  throw s;
                }
                throw Status.UNAVAILABLE
                    .withDescription("JetStream did not store the message: " + cause)
                    .withCause(cause)
                    .asRuntimeException();
              }
              return null;
            });
  }

  @Override
  public Subscription consume(String queue, ConsumerOptions options, Consumer<Delivery> sink) {
    checkOpen();
    String stream = ensureQueue(queue);
    JetStreamSubscription subscription;
    try {
      management.addOrUpdateConsumer(
          stream,
          ConsumerConfiguration.builder()
              .durable(WORKERS)
              .ackPolicy(AckPolicy.Explicit)
              .ackWait(deadAfter())
              .maxDeliver(-1)
              .maxAckPending(100_000)
              .build());
      subscription = jetStream.subscribe(null, PullSubscribeOptions.bind(stream, WORKERS));
    } catch (JetStreamApiException e) {
      throw jetStreamError("consumer of " + stream, e);
    } catch (IOException e) {
      throw unavailable(e);
    }
    PullLoop loop =
        new PullLoop(
            "sb-nats-consume-" + queue,
            subscription,
            options.maxInFlight(),
            options.ackTimeout(),
            message -> {
              int delivered = (int) message.metaData().deliveredCount();
              if (delivered > options.maxDeliveries()) {
                deadLetter(queue, options.deadLetterQueueFor(queue), message, delivered - 1);
                return null;
              }
              return new NatsDelivery(message, toMessage(message, queue), delivered, sink);
            });
    loop.start();
    return register(queue, loop::stop);
  }

  private void deadLetter(
      String queue, String deadLetters, io.nats.client.Message message, int deliveries) {
    Message letter =
        toMessage(message, deadLetters).toBuilder()
            .header("Sb-Dead-Letter-Queue", queue)
            .header("Sb-Deliveries", Integer.toString(deliveries))
            .build();
    var unused =
        push(letter)
            .whenComplete(
                (v, error) -> {
                  if (error == null) {
                    message.ack();
                    log.info(
                        "message of queue {} dead-lettered to {} after {} deliveries",
                        queue,
                        deadLetters,
                        deliveries);
                  } else {
                    log.warn("could not dead-letter a message of {}: {}", queue, error.toString());
                  }
                });
  }

  /** A JetStream message handed to a handler; progress is sent while it is held. */
  private static final class NatsDelivery implements Delivery {
    final io.nats.client.Message message;
    final Message converted;
    final int count;
    final long receivedNanos = System.nanoTime();
    final Consumer<Delivery> sink;
    final AtomicBoolean settled = new AtomicBoolean();
    @Nullable PullLoop loop;

    NatsDelivery(
        io.nats.client.Message message, Message converted, int count, Consumer<Delivery> sink) {
      this.message = message;
      this.converted = converted;
      this.count = count;
      this.sink = sink;
    }

    @Override
    public Message message() {
      return converted;
    }

    @Override
    public int deliveryCount() {
      return count;
    }

    @Override
    public void ack() {
      if (settled.compareAndSet(false, true)) {
        message.ack();
        release();
      }
    }

    @Override
    public void nack() {
      if (settled.compareAndSet(false, true)) {
        message.nak();
        release();
      }
    }

    private void release() {
      PullLoop owner = loop;
      if (owner != null) {
        owner.released(this);
      }
    }
  }

  /** Maps a fetched message to a delivery, or null when it was handled otherwise. */
  private interface Intake {
    @Nullable NatsDelivery accept(io.nats.client.Message message);
  }

  /**
   * Fetches from a pull consumer while this consumer has room, and keeps what it holds alive:
   * {@code +WPI} every heartbeat, a nak once the ack timeout passes.
   */
  private final class PullLoop {
    private final String name;
    private final JetStreamSubscription subscription;
    private final int maxInFlight;
    private final Duration ackTimeout;
    private final Intake intake;
    private final Set<NatsDelivery> held = ConcurrentHashMap.newKeySet();
    private final Object room = new Object();
    private volatile boolean running = true;
    private @Nullable Thread thread;
    private @Nullable ScheduledFuture<?> ticker;

    PullLoop(
        String name,
        JetStreamSubscription subscription,
        int maxInFlight,
        Duration ackTimeout,
        Intake intake) {
      this.name = name;
      this.subscription = subscription;
      this.maxInFlight = maxInFlight;
      this.ackTimeout = ackTimeout;
      this.intake = intake;
    }

    void start() {
      Thread t = new Thread(this::run, name);
      t.setDaemon(true);
      thread = t;
      t.start();
      long period = settings.heartbeat().toMillis();
      ticker = scheduler.scheduleAtFixedRate(this::tick, period, period, TimeUnit.MILLISECONDS);
    }

    private void run() {
      while (running && !closed) {
        int free = maxInFlight - held.size();
        if (free <= 0) {
          synchronized (room) {
            try {
              room.wait(settings.heartbeat().toMillis());
            } catch (InterruptedException e) {
              return;
            }
          }
          continue;
        }
        List<io.nats.client.Message> fetched;
        try {
          fetched = subscription.fetch(free, settings.heartbeat());
        } catch (RuntimeException e) {
          if (!running || closed) {
            return;
          }
          log.debug("fetch on {} failed: {}", name, e.toString());
          sleep(settings.heartbeat().toMillis());
          continue;
        }
        for (io.nats.client.Message message : fetched) {
          if (!message.isJetStream()) {
            continue;
          }
          NatsDelivery delivery = intake.accept(message);
          if (delivery != null) {
            delivery.loop = this;
            held.add(delivery);
            delivery.sink.accept(delivery);
          }
        }
      }
    }

    void released(NatsDelivery delivery) {
      held.remove(delivery);
      synchronized (room) {
        room.notifyAll();
      }
    }

    private void tick() {
      long now = System.nanoTime();
      held.removeIf(delivery -> delivery.settled.get());
      for (NatsDelivery delivery : held) {
        if (now - delivery.receivedNanos >= ackTimeout.toNanos()) {
          delivery.nack();
        } else {
          delivery.message.inProgress();
        }
      }
    }

    void stop() {
      running = false;
      if (ticker != null) {
        ticker.cancel(false);
      }
      Thread t = thread;
      if (t != null) {
        t.interrupt();
      }
      try {
        subscription.unsubscribe();
      } catch (RuntimeException e) {
        log.debug("unsubscribe {}: {}", name, e.toString());
      }
    }

    private void sleep(long millis) {
      try {
        Thread.sleep(millis);
      } catch (InterruptedException e) {
        running = false;
      }
    }
  }

  // ---- broadcast ----

  private KeyValue groups() {
    KeyValue kv = groups;
    if (kv != null) {
      return kv;
    }
    synchronized (this) {
      if (groups == null) {
        try {
          KeyValueManagement kvm = connection.keyValueManagement();
          try {
            kvm.getStatus(GROUPS);
          } catch (JetStreamApiException missing) {
            try {
              kvm.create(
                  KeyValueConfiguration.builder()
                      .name(GROUPS)
                      .ttl(deadAfter())
                      .maxHistoryPerKey(1)
                      .storageType(StorageType.Memory)
                      .build());
            } catch (JetStreamApiException exists) {
              log.debug("group bucket: {}", exists.getErrorDescription());
            }
          }
          groups = connection.keyValue(GROUPS);
        } catch (IOException e) {
          throw unavailable(e);
        }
      }
      return Objects.requireNonNull(groups);
    }
  }

  private static String hex(String text) {
    return HexFormat.of().formatHex(text.getBytes(StandardCharsets.UTF_8));
  }

  private static String unhex(String hex) {
    return new String(HexFormat.of().parseHex(hex), StandardCharsets.UTF_8);
  }

  @Override
  public Subscription join(String group, Consumer<Delivery> sink) {
    checkOpen();
    KeyValue kv = groups();
    String key = hex(group) + "." + hex(settings.peer());
    Runnable refresh =
        () -> {
          try {
            kv.put(key, new byte[] {1});
          } catch (IOException | JetStreamApiException | RuntimeException e) {
            log.debug("group presence {}: {}", group, e.toString());
          }
        };
    refresh.run();
    long period = settings.heartbeat().toMillis();
    ScheduledFuture<?> presence =
        scheduler.scheduleAtFixedRate(refresh, period, period, TimeUnit.MILLISECONDS);
    io.nats.client.Subscription subscription =
        dispatcher.subscribe(
            "sbb." + group,
            message ->
                sink.accept(new AnsweringDelivery(message, toMessage(message, group), true)));
    return register(
        group,
        () -> {
          presence.cancel(false);
          dispatcher.unsubscribe(subscription);
          try {
            kv.delete(key);
          } catch (IOException | JetStreamApiException | RuntimeException e) {
            log.debug("leaving {}: {}", group, e.toString());
          }
        });
  }

  /** A broadcast or notification that answers its sender on ack or nack. */
  private final class AnsweringDelivery implements Delivery {
    private final io.nats.client.Message message;
    private final Message converted;
    private final boolean answer;
    private final AtomicBoolean settled = new AtomicBoolean();

    AnsweringDelivery(io.nats.client.Message message, Message converted, boolean answer) {
      this.message = message;
      this.converted = converted;
      this.answer = answer;
    }

    @Override
    public Message message() {
      return converted;
    }

    @Override
    public int deliveryCount() {
      return 1;
    }

    @Override
    public void ack() {
      settle(0, null);
    }

    @Override
    public void nack() {
      settle(Status.Code.UNKNOWN.value(), "the receiver's handler failed");
    }

    private void settle(int code, @Nullable String description) {
      String replyTo = message.getReplyTo();
      if (!settled.compareAndSet(false, true) || !answer || replyTo == null || closed) {
        return;
      }
      Headers headers = new Headers();
      headers.put(STATUS, Integer.toString(code));
      headers.put(PEER, settings.peer());
      if (description != null) {
        headers.put(DESCRIPTION, description);
      }
      connection.publish(replyTo, null, headers, new byte[0]);
    }
  }

  @Override
  public CompletableFuture<BroadcastReport> broadcast(Message message, Duration deadline) {
    checkOpen();
    checkSize(message);
    String group = message.subject();
    return CompletableFuture.supplyAsync(
            () -> {
              try {
                List<String> members = new ArrayList<>();
                for (String key : groups().keys(hex(group) + ".*")) {
                  members.add(unhex(key.substring(key.indexOf('.') + 1)));
                }
                return members;
              } catch (IOException | JetStreamApiException e) {
                throw unavailable(e);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw Status.CANCELLED.asRuntimeException();
              }
            },
            scheduler)
        .thenCompose(members -> collect(group, message, deadline, members));
  }

  private CompletableFuture<BroadcastReport> collect(
      String group, Message message, Duration deadline, List<String> members) {
    CompletableFuture<BroadcastReport> report = new CompletableFuture<>();
    if (members.isEmpty()) {
      report.complete(new BroadcastReport(group, Set.of(), Set.of()));
      return report;
    }
    Map<String, Boolean> answers = new HashMap<>();
    String token = token();
    Runnable finish =
        () -> {
          Set<String> acked = new java.util.TreeSet<>();
          Set<String> missing = new java.util.TreeSet<>(members);
          synchronized (answers) {
            answers.forEach(
                (peer, ok) -> {
                  if (ok) {
                    acked.add(peer);
                    missing.remove(peer);
                  }
                });
          }
          report.complete(new BroadcastReport(group, acked, missing));
        };
    replies.put(
        token,
        answer -> {
          String peer = header(answer, PEER);
          if (peer == null || !members.contains(peer)) {
            return;
          }
          boolean done;
          synchronized (answers) {
            answers.put(peer, parseStatus(header(answer, STATUS)) == 0);
            done = answers.size() == members.size();
          }
          if (done) {
            finish.run();
          }
        });
    ScheduledFuture<?> timer =
        scheduler.schedule(finish, deadline.toMillis(), TimeUnit.MILLISECONDS);
    var unused =
        report.whenComplete(
            (value, error) -> {
              replies.remove(token);
              timer.cancel(false);
            });
    connection.publish(
        "sbb." + group, inbox + "." + token, headers(message), message.data().toByteArray());
    return report;
  }

  // ---- notification ----

  private void ensureHeldStream() {
    if (streams.containsKey(HELD_STREAM)) {
      return;
    }
    try {
      management.getStreamInfo(HELD_STREAM);
    } catch (JetStreamApiException e) {
      try {
        management.addStream(
            StreamConfiguration.builder()
                .name(HELD_STREAM)
                .subjects("sbn_held.>")
                .storageType(StorageType.File)
                .maxAge(Duration.ofDays(1))
                .build());
      } catch (JetStreamApiException added) {
        if (added.getApiErrorCode() != 10058) {
          throw jetStreamError("stream " + HELD_STREAM, added);
        }
      } catch (IOException io) {
        throw unavailable(io);
      }
    } catch (IOException e) {
      throw unavailable(e);
    }
    streams.put(HELD_STREAM, Boolean.TRUE);
  }

  @Override
  public CompletableFuture<Void> notify(Message message, NotifyOptions options) {
    checkOpen();
    checkSize(message);
    String peer = message.subject();
    CompletableFuture<Void> done = new CompletableFuture<>();
    String token = token();
    AtomicBoolean held = new AtomicBoolean();
    replies.put(
        token,
        answer -> {
          if (answer.isStatusMessage()) {
            if (!answer.getStatus().isNoResponders() || held.getAndSet(true)) {
              return;
            }
            if (options.holdTime().isZero()) {
              done.completeExceptionally(
                  Status.UNAVAILABLE
                      .withDescription("peer " + peer + " is offline")
                      .asRuntimeException());
              return;
            }
            hold(message, options, token, done);
            return;
          }
          int code = parseStatus(header(answer, STATUS));
          if (code == 0) {
            done.complete(null);
          } else {
            done.completeExceptionally(
                failure(
                    code,
                    "peer "
                        + peer
                        + " failed to handle the notification: "
                        + header(answer, DESCRIPTION)));
          }
        });
    Duration wait =
        options
            .holdTime()
            .plus(options.isAcknowledged() ? Duration.ofSeconds(30) : Duration.ofSeconds(10));
    ScheduledFuture<?> timer =
        scheduler.schedule(
            () ->
                done.completeExceptionally(
                    (held.get()
                            ? Status.DEADLINE_EXCEEDED.withDescription(
                                "peer "
                                    + peer
                                    + " did not come online before the notification expired")
                            : Status.DEADLINE_EXCEEDED.withDescription(
                                "no answer from peer " + peer))
                        .asRuntimeException()),
            held.get() ? options.holdTime().toMillis() : wait.toMillis(),
            TimeUnit.MILLISECONDS);
    var unused =
        done.whenComplete(
            (value, error) -> {
              replies.remove(token);
              timer.cancel(false);
            });
    Headers headers = headers(message);
    headers.put(ACKED, options.isAcknowledged() ? "1" : "0");
    connection.publish("sbn." + peer, inbox + "." + token, headers, message.data().toByteArray());
    return done;
  }

  private void hold(
      Message message, NotifyOptions options, String token, CompletableFuture<Void> done) {
    var unused =
        CompletableFuture.runAsync(
                () -> {
                  ensureHeldStream();
                  Headers headers = headers(message);
                  headers.put(
                      EXPIRES,
                      Long.toString(System.currentTimeMillis() + options.holdTime().toMillis()));
                  headers.put(ACKED, options.isAcknowledged() ? "1" : "0");
                  if (options.isAcknowledged()) {
                    headers.put(ACK_TO, inbox + "." + token);
                  }
                  try {
                    jetStream.publish(
                        "sbn_held." + message.subject(), headers, message.data().toByteArray());
                  } catch (IOException | JetStreamApiException e) {
                    throw unavailable(e);
                  }
                },
                scheduler)
            .whenComplete(
                (v, error) -> {
                  if (error != null) {
                    done.completeExceptionally(error);
                  } else if (!options.isAcknowledged()) {
                    done.complete(null);
                  } else {
                    expireHeld(done, message.subject(), options.holdTime());
                  }
                });
  }

  /** Fails an acknowledged held notification once its time to live has passed. */
  private void expireHeld(CompletableFuture<Void> done, String peer, Duration ttl) {
    ScheduledFuture<?> timer =
        scheduler.schedule(
            () ->
                done.completeExceptionally(
                    Status.DEADLINE_EXCEEDED
                        .withDescription(
                            "peer " + peer + " did not come online before the notification expired")
                        .asRuntimeException()),
            ttl.toMillis(),
            TimeUnit.MILLISECONDS);
    var unused = done.whenComplete((v, error) -> timer.cancel(false));
  }

  @Override
  public Subscription listen(Consumer<Delivery> sink) {
    checkOpen();
    String peer = settings.peer();
    io.nats.client.Subscription live =
        dispatcher.subscribe(
            "sbn." + peer,
            message -> {
              boolean acked = "1".equals(header(message, ACKED));
              AnsweringDelivery delivery =
                  new AnsweringDelivery(message, toMessage(message, peer), true);
              if (!acked) {
                delivery.ack();
              }
              sink.accept(delivery);
            });
    PullLoop heldLoop = null;
    try {
      ensureHeldStream();
      String durable = "sbn_" + hex(peer);
      management.addOrUpdateConsumer(
          HELD_STREAM,
          ConsumerConfiguration.builder()
              .durable(durable)
              .filterSubject("sbn_held." + peer)
              .ackPolicy(AckPolicy.Explicit)
              .deliverPolicy(DeliverPolicy.All)
              .ackWait(Duration.ofSeconds(30))
              .build());
      JetStreamSubscription subscription =
          jetStream.subscribe(null, PullSubscribeOptions.bind(HELD_STREAM, durable));
      heldLoop =
          new PullLoop(
              "sb-nats-held-" + peer,
              subscription,
              16,
              Duration.ofMinutes(10),
              message -> {
                long expires = parseLong(header(message, EXPIRES), 0);
                if (expires > 0 && System.currentTimeMillis() > expires) {
                  message.ack();
                  return null;
                }
                String ackTo = header(message, ACK_TO);
                Delivery answering = new HeldDelivery(message, toMessage(message, peer), ackTo);
                sink.accept(answering);
                message.ack();
                return null;
              });
      heldLoop.start();
    } catch (JetStreamApiException | IOException | StatusRuntimeException e) {
      log.warn("held notifications for {} unavailable: {}", peer, e.toString());
    }
    PullLoop loop = heldLoop;
    return register(
        peer,
        () -> {
          dispatcher.unsubscribe(live);
          if (loop != null) {
            loop.stop();
          }
        });
  }

  /** A held notification: its answer goes to the sender's inbox recorded with it. */
  private final class HeldDelivery implements Delivery {
    private final io.nats.client.Message message;
    private final Message converted;
    private final @Nullable String ackTo;
    private final AtomicBoolean settled = new AtomicBoolean();

    HeldDelivery(io.nats.client.Message message, Message converted, @Nullable String ackTo) {
      this.message = message;
      this.converted = converted;
      this.ackTo = ackTo;
    }

    @Override
    public Message message() {
      return converted;
    }

    @Override
    public int deliveryCount() {
      return (int) message.metaData().deliveredCount();
    }

    @Override
    public void ack() {
      answer(0);
    }

    @Override
    public void nack() {
      answer(Status.Code.UNKNOWN.value());
    }

    private void answer(int code) {
      if (settled.compareAndSet(false, true) && ackTo != null && !closed) {
        Headers headers = new Headers();
        headers.put(STATUS, Integer.toString(code));
        headers.put(PEER, settings.peer());
        connection.publish(ackTo, null, headers, new byte[0]);
      }
    }
  }

  // ---- lifecycle ----

  /** A registration; ends once, by close or by the server. */
  private final class Registration implements Subscription {
    private final String subject;
    private final Runnable onClose;
    private final CompletableFuture<Status> closedFuture = new CompletableFuture<>();

    Registration(String subject, Runnable onClose) {
      this.subject = subject;
      this.onClose = onClose;
    }

    @Override
    public String subject() {
      return subject;
    }

    @Override
    public CompletionStage<Status> closed() {
      return closedFuture;
    }

    void end(Status status) {
      if (!closedFuture.complete(status)) {
        return;
      }
      open.remove(this);
      List<Registration> same = bySubject.get(subject);
      if (same != null) {
        same.remove(this);
      }
      try {
        onClose.run();
      } catch (RuntimeException e) {
        log.debug("closing {}: {}", subject, e.toString());
      }
    }

    @Override
    public void close() {
      end(Status.OK);
    }
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    for (Registration registration : new ArrayList<>(open)) {
      registration.end(Status.OK);
    }
    closed = true;
    for (String token : new ArrayList<>(replies.keySet())) {
      replies.remove(token);
    }
    scheduler.shutdownNow();
    closeQuietly(connection);
  }

  private static void closeQuietly(Connection connection) {
    try {
      connection.close();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public String toString() {
    return "NatsTransport{" + settings.peer() + " -> " + settings.url() + "}";
  }
}
