package dev.switchboard.messaging.internal.hub;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.switchboard.messaging.Liveness;
import dev.switchboard.messaging.internal.Envelopes;
import dev.switchboard.messaging.internal.Subjects;
import dev.switchboard.messaging.internal.proto.Ack;
import dev.switchboard.messaging.internal.proto.Broadcast;
import dev.switchboard.messaging.internal.proto.BroadcastOutcome;
import dev.switchboard.messaging.internal.proto.ClientFrame;
import dev.switchboard.messaging.internal.proto.Consume;
import dev.switchboard.messaging.internal.proto.Ended;
import dev.switchboard.messaging.internal.proto.Enqueued;
import dev.switchboard.messaging.internal.proto.Envelope;
import dev.switchboard.messaging.internal.proto.Heartbeat;
import dev.switchboard.messaging.internal.proto.Hello;
import dev.switchboard.messaging.internal.proto.HubBatch;
import dev.switchboard.messaging.internal.proto.HubFrame;
import dev.switchboard.messaging.internal.proto.HubGrpc;
import dev.switchboard.messaging.internal.proto.IdSeen;
import dev.switchboard.messaging.internal.proto.Inbound;
import dev.switchboard.messaging.internal.proto.IncomingRequest;
import dev.switchboard.messaging.internal.proto.Join;
import dev.switchboard.messaging.internal.proto.Notify;
import dev.switchboard.messaging.internal.proto.Overflow;
import dev.switchboard.messaging.internal.proto.Publish;
import dev.switchboard.messaging.internal.proto.Push;
import dev.switchboard.messaging.internal.proto.Removed;
import dev.switchboard.messaging.internal.proto.Reply;
import dev.switchboard.messaging.internal.proto.Request;
import dev.switchboard.messaging.internal.proto.Respond;
import dev.switchboard.messaging.internal.proto.Result;
import dev.switchboard.messaging.internal.proto.StoredRecord;
import dev.switchboard.messaging.internal.proto.Subscribe;
import dev.switchboard.messaging.internal.proto.Welcome;
import io.grpc.BindableService;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The hub's engine: sessions, routing and the five patterns.
 *
 * <ul>
 *   <li><b>Pub/sub</b>: the subject index finds subscriptions; each gets the message in its
 *       session's outbox (one member per queue group, round-robin). Never waits for a subscriber.
 *   <li><b>Request/response</b>: a request goes to the matching responder with the fewest requests
 *       in flight. If that responder's session dies, an idempotent request goes to another one
 *       until its deadline; any other request fails with {@code UNAVAILABLE}.
 *   <li><b>Work queues</b>: a push is appended to the store and confirmed once durable; then it
 *       waits for a consumer with room. Each delivery has an ack timer; a nack, the timer or the
 *       consumer's death sends it back, and after the consumer's maximum deliveries it moves to the
 *       dead-letter queue. Message ids are remembered for the dedup window.
 *   <li><b>Broadcast</b>: to every member of the group; the sender gets who acknowledged by the
 *       deadline.
 *   <li><b>Notification</b>: to the peer's listener, or held for it up to a time to live, or
 *       refused at once.
 * </ul>
 *
 * <p>Every session is watched by {@link Liveness}: a client silent for the configured number of
 * heartbeat intervals is ended as dead, with the same clean-up as any other end of its session.
 *
 * <p>Thread-safe; see the package documentation for the lock order.
 */
public final class Hub {
  private static final Logger log = LoggerFactory.getLogger(Hub.class);
  private static final HubFrame HEARTBEAT =
      HubFrame.newBuilder().setHeartbeat(Heartbeat.getDefaultInstance()).build();
  private static final int PERMISSION_CACHE = 1024;

  /** Who is waiting for a receipt (broadcast sender, notifier). */
  interface ReceiptTarget {
    void receipt(Status status, Set<Outbox> touched);
  }

  private record SubEntry(
      Session session, long id, String filter, @Nullable String group, Outbox.Buffer buffer) {}

  private static final class ResponderEntry {
    final Session session;
    final long id;
    final String filter;
    int inFlight;

    ResponderEntry(Session session, long id, String filter) {
      this.session = session;
      this.id = id;
      this.filter = filter;
    }
  }

  /** A group membership; compared by identity, one per registration. */
  private static final class Member {
    private final Session session;
    private final long id;
    private final String group;

    Member(Session session, long id, String group) {
      this.session = session;
      this.id = id;
      this.group = group;
    }

    Session session() {
      return session;
    }

    long id() {
      return id;
    }

    String group() {
      return group;
    }
  }

  /** A notification listener; compared by identity, one per registration. */
  private static final class Listener {
    private final Session session;
    private final long id;

    Listener(Session session, long id) {
      this.session = session;
      this.id = id;
    }

    Session session() {
      return session;
    }

    long id() {
      return id;
    }
  }

  private static final class PendingRequest {
    final long id;
    final Session requester;
    final long seq;
    final Envelope message;
    final boolean idempotent;
    final long deadlineMillis;
    final Set<ResponderEntry> tried = new HashSet<>();
    @Nullable ResponderEntry responder;
    @Nullable ScheduledFuture<?> timer;

    PendingRequest(
        long id,
        Session requester,
        long seq,
        Envelope message,
        boolean idempotent,
        long deadlineMillis) {
      this.id = id;
      this.requester = requester;
      this.seq = seq;
      this.message = message;
      this.idempotent = idempotent;
      this.deadlineMillis = deadlineMillis;
    }
  }

  private final class PendingBroadcast {
    final Session sender;
    final long seq;
    final Set<String> acknowledged = new TreeSet<>();
    final Set<String> failed = new TreeSet<>();
    final Map<String, Session> awaiting = new LinkedHashMap<>();
    final Map<String, Long> tags = new HashMap<>();
    @Nullable ScheduledFuture<?> timer;
    boolean done;

    PendingBroadcast(Session sender, long seq) {
      this.sender = sender;
      this.seq = seq;
    }

    void receipt(String peer, Status status, Set<Outbox> touched) {
      if (done || awaiting.remove(peer) == null) {
        return;
      }
      tags.remove(peer);
      (status.isOk() ? acknowledged : failed).add(peer);
      if (awaiting.isEmpty()) {
        finish(touched);
      }
    }

    void finish(Set<Outbox> touched) {
      if (done) {
        return;
      }
      done = true;
      if (timer != null) {
        timer.cancel(false);
      }
      for (Map.Entry<String, Session> entry : awaiting.entrySet()) {
        Long tag = tags.get(entry.getKey());
        if (tag != null) {
          entry.getValue().receiptTags.remove(tag);
        }
      }
      Set<String> missing = new TreeSet<>(failed);
      missing.addAll(awaiting.keySet());
      broadcasts.remove(this);
      send(
          sender,
          HubFrame.newBuilder()
              .setBroadcast(
                  BroadcastOutcome.newBuilder()
                      .setSeq(seq)
                      .addAllAcknowledged(acknowledged)
                      .addAllNotAcknowledged(missing))
              .build(),
          touched);
    }
  }

  private record Held(
      Envelope message, Session sender, long seq, boolean acknowledged, ScheduledFuture<?> timer) {}

  private final HubConfig config;
  private final HubMetrics metrics;
  private final QueueStore store;
  private final Liveness liveness;
  private final SubjectIndex<SubEntry> subscriptions = new SubjectIndex<>();
  private final SubjectIndex<ResponderEntry> responders = new SubjectIndex<>();
  private final AtomicLong roundRobin = new AtomicLong();
  private final AtomicLong sessionNumbers = new AtomicLong();
  private volatile boolean closing;
  final Object lock = new Object();
  // @GuardedBy("lock") from here on
  private final Map<String, Session> sessions = new HashMap<>();
  private final Map<String, WorkQueue> queues = new HashMap<>();
  private final Map<Long, PendingRequest> requests = new HashMap<>();
  private final Map<String, Map<String, Member>> groups = new HashMap<>();
  private final Map<String, Listener> listeners = new HashMap<>();
  private final Map<String, ArrayDeque<Held>> held = new HashMap<>();
  private final Set<PendingBroadcast> broadcasts = new HashSet<>();
  private long nextRequest = 1;

  private Hub(HubConfig config, HubMetrics metrics, QueueStore store) {
    this.config = config;
    this.metrics = metrics;
    this.store = store;
    this.liveness =
        Liveness.builder()
            .interval(config.heartbeat())
            .misses(config.misses())
            .scheduler(config.scheduler())
            .build();
  }

  /**
   * Opens the store (replaying the data directory, if any) and returns a hub ready to serve.
   *
   * @throws IOException if the data directory cannot be used or its log is corrupt
   */
  public static Hub open(HubConfig config, MeterRegistry registry) throws IOException {
    HubMetrics metrics = new HubMetrics(registry);
    List<SegmentLog.Recovery> recovered = new ArrayList<>();
    QueueStore store =
        config.dataDirectory() == null
            ? QueueStore.inMemory()
            : SegmentLog.open(
                config.dataDirectory(),
                config.segmentBytes(),
                config.dedupWindow(),
                config.clock(),
                metrics::commit,
                recovered::add);
    Hub hub = new Hub(config, metrics, store);
    for (SegmentLog.Recovery recovery : recovered) {
      hub.recover(recovery);
    }
    metrics.gauge("switchboard.hub.sessions", "open sessions", hub::sessionCount);
    metrics.gauge(
        "switchboard.hub.subscriptions", "pub/sub subscriptions", hub.subscriptions::size);
    metrics.gauge(
        "switchboard.hub.queue.depth", "work-queue messages waiting or in flight", hub::depth);
    return hub;
  }

  private void recover(SegmentLog.Recovery recovery) {
    synchronized (lock) {
      recovery
          .messages()
          .forEach(
              (name, messages) -> {
                WorkQueue queue = queue(name);
                for (Enqueued enqueued : messages) {
                  Envelope.Builder envelope =
                      Envelope.newBuilder()
                          .setSubject(name)
                          .setData(enqueued.getData())
                          .putAllHeaders(enqueued.getHeadersMap())
                          .setId(enqueued.getId())
                          .setSender(enqueued.getSender());
                  queue.waiting.put(
                      enqueued.getSeq(),
                      new WorkQueue.Item(
                          enqueued.getSeq(), envelope.build(), enqueued.getEnqueuedMillis()));
                }
              });
      recovery.nextSeq().forEach((name, next) -> queue(name).nextSeq = next);
      long cutoff = config.clock().millis() - config.dedupWindow().toMillis();
      for (IdSeen seen : recovery.ids()) {
        if (seen.getMillis() >= cutoff) {
          queue(seen.getQueue())
              .seen
              .put(
                  seen.getId(),
                  new WorkQueue.Seen(seen.getMillis(), CompletableFuture.completedFuture(null)));
        }
      }
    }
  }

  private int sessionCount() {
    synchronized (lock) {
      return sessions.size();
    }
  }

  private int depth() {
    synchronized (lock) {
      int depth = 0;
      for (WorkQueue queue : queues.values()) {
        depth += queue.depth();
      }
      return depth;
    }
  }

  /** The gRPC service clients open sessions on. */
  public BindableService service() {
    return new HubGrpc.HubImplBase() {
      @Override
      public StreamObserver<dev.switchboard.messaging.internal.proto.ClientBatch> session(
          StreamObserver<HubBatch> responses) {
        String identity = Identities.IDENTITY.get();
        String remote = Identities.REMOTE.get();
        return new Session(
            Hub.this,
            (ServerCallStreamObserver<HubBatch>) responses,
            identity == null ? dev.switchboard.messaging.HubPermissions.ANONYMOUS : identity,
            remote == null ? "?" : remote);
      }
    };
  }

  /** The service definition, for servers built by hand. */
  public ServerServiceDefinition definition() {
    return service().bindService();
  }

  /** Ends every session and closes the store. */
  public void close() {
    closing = true;
    List<Session> open;
    synchronized (lock) {
      open = new ArrayList<>(sessions.values());
    }
    for (Session session : open) {
      session.fail(Status.UNAVAILABLE.withDescription("the hub is shutting down"));
    }
    store.close();
  }

  // ---- sessions ----

  void hello(Session session, Hello hello) {
    String peer = hello.getPeer();
    String problem = Subjects.problem(peer, "peer name", false);
    if (problem != null) {
      session.fail(Status.INVALID_ARGUMENT.withDescription(problem));
      return;
    }
    if (closing) {
      session.fail(Status.UNAVAILABLE.withDescription("the hub is shutting down"));
      return;
    }
    long number = sessionNumbers.incrementAndGet();
    session.outbox.control(
        HubFrame.newBuilder()
            .setWelcome(
                Welcome.newBuilder()
                    .setSession(peer + "/" + Long.toHexString(System.nanoTime() ^ number))
                    .setHeartbeatMillis(config.heartbeat().toMillis())
                    .setMisses(config.misses())
                    .setMaxMessageBytes(config.maxMessageBytes()))
            .build());
    Liveness.Peer watch =
        liveness.watch(
            peer,
            () -> {
              session.outbox.heartbeat(HEARTBEAT);
              session.outbox.flush();
            },
            silence -> {
              metrics.deadPeers.increment();
              log.info(
                  "peer {} ({}) silent for {} ms: dead; its subscriptions go and its work is redelivered",
                  peer,
                  session.remote,
                  silence.toMillis());
              session.fail(
                  Status.UNAVAILABLE.withDescription(
                      "no heartbeat for "
                          + silence.toMillis()
                          + " ms: the hub declared this session dead"));
            });
    Session replaced;
    synchronized (lock) {
      session.opened(peer, watch);
      replaced = sessions.put(peer, session);
    }
    if (replaced != null && replaced != session) {
      log.info("peer {} reconnected from {}; ending its old session", peer, session.remote);
      replaced.fail(Status.ABORTED.withDescription("replaced by a new session of peer " + peer));
    }
    log.debug("session of {} as {} from {} open", peer, session.identity, session.remote);
    session.outbox.flush();
  }

  void detach(Session session, Status status) {
    Set<Outbox> touched = new LinkedHashSet<>();
    synchronized (lock) {
      if (!session.peer.isEmpty() && sessions.get(session.peer) == session) {
        sessions.remove(session.peer);
      }
      for (Object registration : new ArrayList<>(session.registrations.values())) {
        removeRegistration(registration, touched, true);
      }
      session.registrations.clear();
      // Requests this session was answering.
      for (Long id : new ArrayList<>(session.assignedRequests)) {
        PendingRequest request = requests.get(id);
        if (request != null && request.responder != null && request.responder.session == session) {
          request.responder.inFlight--;
          responderDied(request, touched);
        }
      }
      session.assignedRequests.clear();
      // Requests and broadcasts this session was waiting for.
      for (Iterator<PendingRequest> it = requests.values().iterator(); it.hasNext(); ) {
        PendingRequest request = it.next();
        if (request.requester == session) {
          it.remove();
          cancel(request.timer);
          if (request.responder != null) {
            request.responder.inFlight--;
            request.responder.session.assignedRequests.remove(request.id);
          }
        }
      }
      for (PendingBroadcast broadcast : new ArrayList<>(broadcasts)) {
        if (broadcast.sender == session) {
          broadcast.done = true;
          cancel(broadcast.timer);
          broadcasts.remove(broadcast);
        }
      }
      // Broadcasts and notifications waiting for this session's receipt.
      Status gone =
          Status.UNAVAILABLE.withDescription(
              "peer " + session.peer + " went away before acknowledging");
      for (ReceiptTarget target : new ArrayList<>(session.receiptTags.values())) {
        target.receipt(gone, touched);
      }
      session.receiptTags.clear();
    }
    for (Outbox outbox : touched) {
      outbox.flush();
    }
    if (!session.peer.isEmpty()) {
      log.debug(
          "session of {} ended: {} {}", session.peer, status.getCode(), status.getDescription());
    }
  }

  // ---- frames ----

  void handle(Session session, ClientFrame frame, Set<Outbox> touched) {
    switch (frame.getKindCase()) {
      case HEARTBEAT -> {}
      case PUBLISH -> publish(session, frame.getPublish(), touched);
      case SUBSCRIBE -> subscribe(session, frame.getSubscribe());
      case UNREGISTER -> unregister(session, frame.getUnregister().getId(), touched);
      case REQUEST -> request(session, frame.getRequest(), touched);
      case RESPOND -> respond(session, frame.getRespond());
      case REPLY -> reply(session, frame.getReply(), touched);
      case PUSH -> push(session, frame.getPush(), touched);
      case CONSUME -> consume(session, frame.getConsume(), touched);
      case ACK -> ack(session, frame.getAck(), touched);
      case BROADCAST -> broadcast(session, frame.getBroadcast(), touched);
      case JOIN -> join(session, frame.getJoin());
      case NOTIFY -> notify(session, frame.getNotify(), touched);
      case LISTEN -> listen(session, frame.getListen().getId(), touched);
      case RECEIPT -> receipt(session, frame.getReceipt().getTag(), frame.getReceipt(), touched);
      case FLUSH -> flush(session, frame.getFlush(), touched);
      case HELLO ->
          session.fail(
              Status.FAILED_PRECONDITION.withDescription("Hello sent twice in one session"));
      case KIND_NOT_SET -> {}
    }
  }

  /** Why a message to {@code subject} of {@code kind} cannot be sent, or null. */
  private @Nullable Status checkSend(
      Session session, String subject, String kind, Envelope message) {
    Status size = checkSize(subject, message.getData().size());
    return size != null ? size : checkName(session, subject, kind);
  }

  private @Nullable Status checkSize(String subject, int dataBytes) {
    if (dataBytes > config.maxMessageBytes()) {
      return Status.RESOURCE_EXHAUSTED.withDescription(
          "message to "
              + subject
              + " is "
              + dataBytes
              + " bytes; the hub accepts at most "
              + config.maxMessageBytes());
    }
    return null;
  }

  /**
   * Why {@code session} may not send to {@code name} of {@code kind} (a malformed name or no
   * permission), or null. Remembered per session, since publishers send to a few names over and
   * over; runs on the session's call thread.
   */
  private @Nullable Status checkName(Session session, String name, String kind) {
    String key = kind.equals("subject") ? name : kind + " " + name;
    Status verdict = session.sendVerdicts.get(key);
    if (verdict == null) {
      String problem = Subjects.problem(name, kind, false);
      if (problem != null) {
        verdict = Status.INVALID_ARGUMENT.withDescription(problem);
      } else if (!config.permissions().mayPublish(session.identity, name)) {
        verdict =
            Status.PERMISSION_DENIED.withDescription(
                session.identity + " may not send to " + kind + " " + name);
      } else {
        verdict = Status.OK;
      }
      if (session.sendVerdicts.size() >= PERMISSION_CACHE) {
        session.sendVerdicts.clear();
      }
      session.sendVerdicts.put(key, verdict);
    }
    return verdict.isOk() ? null : verdict;
  }

  private @Nullable Status checkListen(
      Session session, String filter, String kind, boolean wildcards) {
    String problem = Subjects.problem(filter, kind, wildcards);
    if (problem != null) {
      return Status.INVALID_ARGUMENT.withDescription(problem);
    }
    if (!config.permissions().maySubscribe(session.identity, filter)) {
      return Status.PERMISSION_DENIED.withDescription(
          session.identity + " may not listen on " + kind + " " + filter);
    }
    return null;
  }

  private void refuse(Session session, Status status) {
    metrics.refused.increment();
    if (session.refused == null) {
      session.refused = status;
    }
    log.debug("refused for {}: {}", session, status.getDescription());
  }

  /**
   * Routes a publish without decoding it: the hub reads the subject, and every subscriber gets the
   * publisher's encoded envelope with the sender appended, the same bytes shared by all.
   */
  private void publish(Session session, Publish publish, Set<Outbox> touched) {
    ByteString envelope = publish.getEnvelope();
    String subject;
    try {
      subject = Envelopes.subjectOf(envelope);
    } catch (InvalidProtocolBufferException e) {
      refuse(
          session,
          Status.INVALID_ARGUMENT.withDescription("a publish carried a malformed envelope"));
      return;
    }
    Status refusal = checkName(session, subject, "subject");
    if (refusal == null && envelope.size() > config.maxMessageBytes()) {
      // The data is smaller than its envelope, so only a large envelope needs decoding to tell.
      try {
        refusal = checkSize(subject, Envelope.parseFrom(envelope).getData().size());
      } catch (InvalidProtocolBufferException e) {
        refusal = Status.INVALID_ARGUMENT.withDescription("a publish carried a malformed envelope");
      }
    }
    if (refusal != null) {
      refuse(session, refusal);
      return;
    }
    metrics.published.increment();
    List<SubEntry> matches = subscriptions.match(subject);
    if (matches.isEmpty()) {
      return;
    }
    ByteString stamped = envelope.concat(session.senderField);
    Map<String, List<SubEntry>> queueGroups = null;
    int delivered = 0;
    for (SubEntry entry : matches) {
      if (entry.group() == null) {
        offer(entry, stamped, touched);
        delivered++;
      } else {
        if (queueGroups == null) {
          queueGroups = new HashMap<>();
        }
        queueGroups.computeIfAbsent(entry.group(), g -> new ArrayList<>()).add(entry);
      }
    }
    if (queueGroups != null) {
      for (List<SubEntry> members : queueGroups.values()) {
        int pick = (int) Math.floorMod(roundRobin.getAndIncrement(), (long) members.size());
        offer(members.get(pick), stamped, touched);
        delivered++;
      }
    }
    metrics.delivered.increment(delivered);
  }

  private void offer(SubEntry entry, ByteString envelope, Set<Outbox> touched) {
    Outbox.Offer offer = entry.session().outbox.message(entry.buffer(), envelope);
    entry.session().outbox.touchedIn(touched);
    if (offer == Outbox.Offer.DROPPED_OLDEST) {
      metrics.dropped.increment();
    } else if (offer == Outbox.Offer.OVERFLOWED) {
      metrics.slowDisconnected.increment();
      synchronized (lock) {
        if (entry.session().registrations.remove(entry.id()) != null) {
          removeRegistration(entry, touched, false);
        }
        ended(
            entry.session(),
            entry.id(),
            Status.RESOURCE_EXHAUSTED.withDescription(
                "subscriber to "
                    + entry.filter()
                    + " fell "
                    + entry.buffer().capacity
                    + " messages behind (overflow policy DISCONNECT)"),
            touched);
      }
    }
  }

  private void subscribe(Session session, Subscribe subscribe) {
    Set<Outbox> touched = new LinkedHashSet<>();
    synchronized (lock) {
      Status refusal = checkListen(session, subscribe.getSubject(), "subject filter", true);
      if (refusal != null) {
        ended(session, subscribe.getId(), refusal, touched);
      } else {
        SubEntry entry =
            new SubEntry(
                session,
                subscribe.getId(),
                subscribe.getSubject(),
                subscribe.getQueueGroup().isEmpty() ? null : subscribe.getQueueGroup(),
                new Outbox.Buffer(
                    subscribe.getId(),
                    Math.max(1, subscribe.getBuffer()),
                    subscribe.getOverflow() != Overflow.OVERFLOW_DISCONNECT));
        replace(session, subscribe.getId(), entry, touched);
        subscriptions.add(entry.filter(), entry);
      }
    }
    touched.forEach(Outbox::flush);
  }

  // @GuardedBy("lock")
  private void replace(Session session, long id, Object registration, Set<Outbox> touched) {
    Object old = session.registrations.put(id, registration);
    if (old != null) {
      removeRegistration(old, touched, false);
    }
  }

  private void unregister(Session session, long id, Set<Outbox> touched) {
    synchronized (lock) {
      Object registration = session.registrations.remove(id);
      if (registration != null) {
        removeRegistration(registration, touched, false);
      }
    }
  }

  // @GuardedBy("lock")
  private void removeRegistration(Object registration, Set<Outbox> touched, boolean sessionDied) {
    if (registration instanceof SubEntry entry) {
      subscriptions.remove(entry.filter(), entry);
      entry.session().outbox.drop(entry.buffer());
    } else if (registration instanceof ResponderEntry responder) {
      responders.remove(responder.filter, responder);
    } else if (registration instanceof WorkQueue.Consumer consumer) {
      consumer.closed = true;
      for (WorkQueue queue : queues.values()) {
        if (queue.consumers.remove(consumer)) {
          if (sessionDied) {
            for (WorkQueue.InFlight inFlight : new ArrayList<>(queue.inFlight.values())) {
              if (inFlight.consumer == consumer) {
                settle(inFlight);
                metrics.redeliveredDead.increment();
                giveBack(inFlight);
              }
            }
          }
          dispatch(queue, touched);
          break;
        }
      }
    } else if (registration instanceof Member member) {
      Map<String, Member> members = groups.get(member.group());
      if (members != null && members.get(member.session().peer) == member) {
        members.remove(member.session().peer);
        if (members.isEmpty()) {
          groups.remove(member.group());
        }
      }
    } else if (registration instanceof Listener listener) {
      if (listeners.get(listener.session().peer) == listener) {
        listeners.remove(listener.session().peer);
      }
    }
  }

  // ---- request/response ----

  private void request(Session session, Request request, Set<Outbox> touched) {
    Envelope message = request.getMessage();
    synchronized (lock) {
      Status refusal = checkSend(session, message.getSubject(), "subject", message);
      if (refusal != null) {
        metrics.requestsFailed.increment();
        result(session, request.getSeq(), refusal, null, touched);
        return;
      }
      long timeout = Math.max(1, request.getTimeoutMillis());
      PendingRequest pending =
          new PendingRequest(
              nextRequest++,
              session,
              request.getSeq(),
              message.toBuilder().setSender(session.peer).build(),
              request.getIdempotent(),
              config.clock().millis() + timeout);
      if (!route(pending, touched)) {
        metrics.requestsFailed.increment();
        result(
            session,
            request.getSeq(),
            Status.UNAVAILABLE.withDescription("no responder for " + message.getSubject()),
            null,
            touched);
        return;
      }
      requests.put(pending.id, pending);
      metrics.requests.increment();
      pending.timer =
          config.scheduler().schedule(() -> expire(pending), timeout, TimeUnit.MILLISECONDS);
    }
  }

  // @GuardedBy("lock")
  private boolean route(PendingRequest request, Set<Outbox> touched) {
    ResponderEntry best = null;
    List<ResponderEntry> candidates = responders.match(request.message.getSubject());
    int offset =
        candidates.isEmpty()
            ? 0
            : (int) Math.floorMod(roundRobin.getAndIncrement(), (long) candidates.size());
    for (int i = 0; i < candidates.size(); i++) {
      ResponderEntry candidate = candidates.get((offset + i) % candidates.size());
      if (!candidate.session.isOpen() || request.tried.contains(candidate)) {
        continue;
      }
      if (best == null || candidate.inFlight < best.inFlight) {
        best = candidate;
      }
    }
    if (best == null) {
      return false;
    }
    request.responder = best;
    request.tried.add(best);
    best.inFlight++;
    best.session.assignedRequests.add(request.id);
    long remaining = Math.max(1, request.deadlineMillis - config.clock().millis());
    send(
        best.session,
        HubFrame.newBuilder()
            .setRequest(
                IncomingRequest.newBuilder()
                    .setId(best.id)
                    .setRequest(request.id)
                    .setMessage(request.message)
                    .setTimeoutMillis(remaining))
            .build(),
        touched);
    return true;
  }

  // @GuardedBy("lock")
  private void responderDied(PendingRequest request, Set<Outbox> touched) {
    String responder = request.responder == null ? "?" : request.responder.session.peer;
    boolean timeLeft = request.deadlineMillis > config.clock().millis();
    if (request.idempotent && timeLeft && route(request, touched)) {
      metrics.requestsRetried.increment();
      log.debug("request {} retried after responder {} died", request.id, responder);
      return;
    }
    requests.remove(request.id);
    cancel(request.timer);
    metrics.requestsFailed.increment();
    result(
        request.requester,
        request.seq,
        Status.UNAVAILABLE.withDescription(
            "responder "
                + responder
                + " went away before answering"
                + (request.idempotent ? " and no other responder is available" : "")),
        null,
        touched);
  }

  private void expire(PendingRequest request) {
    Set<Outbox> touched = new LinkedHashSet<>();
    synchronized (lock) {
      if (requests.remove(request.id) == null) {
        return;
      }
      if (request.responder != null) {
        request.responder.inFlight--;
        request.responder.session.assignedRequests.remove(request.id);
      }
      metrics.requestsFailed.increment();
      result(
          request.requester,
          request.seq,
          Status.DEADLINE_EXCEEDED.withDescription(
              "no reply from a responder for " + request.message.getSubject() + " in time"),
          null,
          touched);
    }
    touched.forEach(Outbox::flush);
  }

  private void respond(Session session, Respond respond) {
    Set<Outbox> touched = new LinkedHashSet<>();
    synchronized (lock) {
      Status refusal = checkListen(session, respond.getSubject(), "subject filter", true);
      if (refusal == null) {
        String problem = Subjects.problem(respond.getGroup(), "responder group", false);
        refusal = problem == null ? null : Status.INVALID_ARGUMENT.withDescription(problem);
      }
      if (refusal != null) {
        ended(session, respond.getId(), refusal, touched);
      } else {
        ResponderEntry entry = new ResponderEntry(session, respond.getId(), respond.getSubject());
        replace(session, respond.getId(), entry, touched);
        responders.add(entry.filter, entry);
      }
    }
    touched.forEach(Outbox::flush);
  }

  private void reply(Session session, Reply reply, Set<Outbox> touched) {
    synchronized (lock) {
      PendingRequest request = requests.get(reply.getRequest());
      if (request == null || request.responder == null || request.responder.session != session) {
        return;
      }
      requests.remove(request.id);
      cancel(request.timer);
      request.responder.inFlight--;
      session.assignedRequests.remove(request.id);
      if (reply.getCode() == 0) {
        result(
            request.requester,
            request.seq,
            Status.OK,
            Envelope.newBuilder()
                .setSubject(request.message.getSubject())
                .setData(reply.getData())
                .setSender(session.peer)
                .build(),
            touched);
      } else {
        result(
            request.requester,
            request.seq,
            Status.fromCodeValue(reply.getCode()).withDescription(reply.getDescription()),
            null,
            touched);
      }
    }
  }

  // ---- work queues ----

  // @GuardedBy("lock")
  private WorkQueue queue(String name) {
    return queues.computeIfAbsent(name, WorkQueue::new);
  }

  private void push(Session session, Push push, Set<Outbox> touched) {
    Envelope message = push.getMessage();
    String name = message.getSubject();
    CompletableFuture<Void> durable;
    WorkQueue.Item item;
    WorkQueue queue;
    synchronized (lock) {
      Status refusal = checkSend(session, name, "queue", message);
      if (refusal != null) {
        result(session, push.getSeq(), refusal, null, touched);
        return;
      }
      queue = queue(name);
      long now = config.clock().millis();
      queue.expireIds(now - config.dedupWindow().toMillis());
      String id = message.getId();
      if (!id.isEmpty()) {
        WorkQueue.Seen seen = queue.seen.get(id);
        if (seen != null) {
          metrics.deduplicated.increment();
          var unused =
              seen.durable().whenComplete((v, error) -> answerPush(session, push.getSeq(), error));
          return;
        }
      }
      item =
          new WorkQueue.Item(
              queue.nextSeq++, message.toBuilder().setSender(session.peer).build(), now);
      durable = store.commit(List.of(enqueued(queue.name, item)));
      if (!id.isEmpty()) {
        queue.seen.put(id, new WorkQueue.Seen(now, durable));
      }
    }
    // Runs on the log's writer right after the group commit: the message becomes deliverable
    // and its confirmation is queued in one step, and each touched outbox is flushed once.
    var unused =
        durable.whenComplete(
            (v, error) -> {
              Set<Outbox> later = new LinkedHashSet<>();
              synchronized (lock) {
                if (error == null) {
                  metrics.pushed.increment();
                  queue.waiting.put(item.seq, item);
                  dispatch(queue, later);
                } else if (!message.getId().isEmpty()) {
                  queue.seen.remove(message.getId());
                }
                result(session, push.getSeq(), pushStatus(error), null, later);
              }
              later.forEach(Outbox::flush);
            });
  }

  private static Status pushStatus(@Nullable Throwable error) {
    return error == null
        ? Status.OK
        : Status.UNAVAILABLE.withDescription(
            "the hub could not store the message: " + error.getMessage());
  }

  private void answerPush(Session session, long seq, @Nullable Throwable error) {
    Set<Outbox> touched = new LinkedHashSet<>();
    synchronized (lock) {
      result(session, seq, pushStatus(error), null, touched);
    }
    touched.forEach(Outbox::flush);
  }

  private static StoredRecord enqueued(String queue, WorkQueue.Item item) {
    Enqueued.Builder enqueued =
        Enqueued.newBuilder()
            .setQueue(queue)
            .setSeq(item.seq)
            .setData(item.envelope.getData())
            .setId(item.envelope.getId())
            .setSender(item.envelope.getSender())
            .setEnqueuedMillis(item.enqueuedMillis);
    if (item.envelope.getHeadersCount() > 0) {
      enqueued.putAllHeaders(item.envelope.getHeadersMap());
    }
    return StoredRecord.newBuilder().setEnqueued(enqueued).build();
  }

  private static StoredRecord removed(String queue, long seq) {
    return StoredRecord.newBuilder()
        .setRemoved(Removed.newBuilder().setQueue(queue).setSeq(seq))
        .build();
  }

  private void consume(Session session, Consume consume, Set<Outbox> touched) {
    synchronized (lock) {
      Status refusal = checkListen(session, consume.getQueue(), "queue", false);
      String deadLetters =
          consume.getDeadLetterQueue().isEmpty()
              ? consume.getQueue() + ".dlq"
              : consume.getDeadLetterQueue();
      if (refusal == null) {
        String problem = Subjects.problem(deadLetters, "dead-letter queue", false);
        refusal = problem == null ? null : Status.INVALID_ARGUMENT.withDescription(problem);
      }
      if (refusal != null) {
        ended(session, consume.getId(), refusal, touched);
        return;
      }
      WorkQueue.Consumer consumer =
          new WorkQueue.Consumer(
              session,
              consume.getId(),
              Math.max(1, consume.getMaxInFlight()),
              consume.getAckTimeoutMillis() > 0 ? consume.getAckTimeoutMillis() : 30_000,
              Math.max(1, consume.getMaxDeliveries()),
              deadLetters);
      replace(session, consume.getId(), consumer, touched);
      WorkQueue queue = queue(consume.getQueue());
      queue.consumers.add(consumer);
      dispatch(queue, touched);
    }
  }

  // @GuardedBy("lock")
  private void dispatch(WorkQueue queue, Set<Outbox> touched) {
    queue.dispatch(
        (q, item, consumer) -> {
          long tag = consumer.session.nextTag();
          WorkQueue.InFlight inFlight = new WorkQueue.InFlight(q, item, consumer, tag);
          q.inFlight.put(item.seq, inFlight);
          consumer.session.queueTags.put(tag, inFlight);
          inFlight.timer =
              config
                  .scheduler()
                  .schedule(
                      () -> ackTimedOut(inFlight),
                      consumer.ackTimeoutMillis,
                      TimeUnit.MILLISECONDS);
          send(consumer.session, WorkQueue.frame(consumer, tag, item), touched);
        });
  }

  private void ackTimedOut(WorkQueue.InFlight inFlight) {
    Set<Outbox> touched = new LinkedHashSet<>();
    synchronized (lock) {
      if (inFlight.queue.inFlight.get(inFlight.item.seq) != inFlight) {
        return;
      }
      settle(inFlight);
      metrics.redeliveredTimeout.increment();
      giveBack(inFlight);
      dispatch(inFlight.queue, touched);
    }
    touched.forEach(Outbox::flush);
  }

  /** Takes a delivery out of flight. */
  // @GuardedBy("lock")
  private void settle(WorkQueue.InFlight inFlight) {
    inFlight.queue.inFlight.remove(inFlight.item.seq);
    inFlight.consumer.session.queueTags.remove(inFlight.tag);
    inFlight.consumer.inFlight--;
    cancel(inFlight.timer);
  }

  /** A delivery that was not acknowledged: back to the queue, or to the dead letters. */
  // @GuardedBy("lock")
  private void giveBack(WorkQueue.InFlight inFlight) {
    WorkQueue.Item item = inFlight.item;
    if (item.deliveries < inFlight.consumer.maxDeliveries) {
      inFlight.queue.waiting.put(item.seq, item);
      return;
    }
    WorkQueue source = inFlight.queue;
    WorkQueue target = queue(inFlight.consumer.deadLetterQueue);
    Envelope letter =
        item.envelope.toBuilder()
            .setSubject(target.name)
            .putHeaders("Sb-Dead-Letter-Queue", source.name)
            .putHeaders("Sb-Deliveries", Integer.toString(item.deliveries))
            .build();
    WorkQueue.Item dead = new WorkQueue.Item(target.nextSeq++, letter, config.clock().millis());
    metrics.deadLettered.increment();
    log.info(
        "message {} of queue {} dead-lettered to {} after {} deliveries",
        item.seq,
        source.name,
        target.name,
        item.deliveries);
    var unused =
        store
            .commit(List.of(enqueued(target.name, dead), removed(source.name, item.seq)))
            .whenComplete(
                (v, error) -> {
                  Set<Outbox> later = new LinkedHashSet<>();
                  synchronized (lock) {
                    if (error == null) {
                      target.waiting.put(dead.seq, dead);
                      dispatch(target, later);
                    } else {
                      // Not durable in the dead letters: keep it where it was.
                      source.waiting.put(item.seq, item);
                    }
                  }
                  later.forEach(Outbox::flush);
                });
  }

  private void ack(Session session, Ack ack, Set<Outbox> touched) {
    synchronized (lock) {
      WorkQueue.InFlight inFlight = session.queueTags.get(ack.getTag());
      if (inFlight == null) {
        return;
      }
      settle(inFlight);
      if (ack.getNack()) {
        metrics.redeliveredNack.increment();
        giveBack(inFlight);
      } else {
        metrics.acked.increment();
        store.append(removed(inFlight.queue.name, inFlight.item.seq));
      }
      dispatch(inFlight.queue, touched);
    }
  }

  // ---- broadcast ----

  private void broadcast(Session session, Broadcast broadcast, Set<Outbox> touched) {
    Envelope message = broadcast.getMessage();
    synchronized (lock) {
      Status refusal = checkSend(session, message.getSubject(), "group", message);
      if (refusal != null) {
        result(session, broadcast.getSeq(), refusal, null, touched);
        return;
      }
      metrics.broadcasts.increment();
      PendingBroadcast pending = new PendingBroadcast(session, broadcast.getSeq());
      Envelope stamped = message.toBuilder().setSender(session.peer).build();
      Map<String, Member> members = groups.getOrDefault(message.getSubject(), Map.of());
      for (Member member : new ArrayList<>(members.values())) {
        if (!member.session().isOpen()) {
          continue;
        }
        String peer = member.session().peer;
        long tag = member.session().nextTag();
        pending.awaiting.put(peer, member.session());
        pending.tags.put(peer, tag);
        member.session().receiptTags.put(tag, (status, t) -> pending.receipt(peer, status, t));
        send(
            member.session(),
            HubFrame.newBuilder()
                .setInbound(Inbound.newBuilder().setId(member.id()).setTag(tag).setMessage(stamped))
                .build(),
            touched);
      }
      broadcasts.add(pending);
      if (pending.awaiting.isEmpty()) {
        pending.finish(touched);
        return;
      }
      pending.timer =
          config
              .scheduler()
              .schedule(
                  () -> {
                    Set<Outbox> later = new LinkedHashSet<>();
                    synchronized (lock) {
                      pending.finish(later);
                    }
                    later.forEach(Outbox::flush);
                  },
                  Math.max(1, broadcast.getDeadlineMillis()),
                  TimeUnit.MILLISECONDS);
    }
  }

  private void join(Session session, Join join) {
    Set<Outbox> touched = new LinkedHashSet<>();
    synchronized (lock) {
      Status refusal = checkListen(session, join.getGroup(), "group", false);
      if (refusal != null) {
        ended(session, join.getId(), refusal, touched);
      } else {
        Member member = new Member(session, join.getId(), join.getGroup());
        replace(session, join.getId(), member, touched);
        groups
            .computeIfAbsent(join.getGroup(), g -> new LinkedHashMap<>())
            .put(session.peer, member);
      }
    }
    touched.forEach(Outbox::flush);
  }

  // ---- notification ----

  private void notify(Session session, Notify notify, Set<Outbox> touched) {
    Envelope message = notify.getMessage();
    String peer = message.getSubject();
    synchronized (lock) {
      Status refusal = checkSend(session, peer, "peer", message);
      if (refusal != null) {
        result(session, notify.getSeq(), refusal, null, touched);
        return;
      }
      metrics.notifications.increment();
      Envelope stamped = message.toBuilder().setSender(session.peer).build();
      Listener listener = listeners.get(peer);
      if (listener != null && listener.session().isOpen()) {
        deliverNotification(
            listener, stamped, session, notify.getSeq(), notify.getAcknowledged(), touched);
        return;
      }
      if (notify.getHoldMillis() <= 0) {
        result(
            session,
            notify.getSeq(),
            Status.UNAVAILABLE.withDescription("peer " + peer + " is offline"),
            null,
            touched);
        return;
      }
      ArrayDeque<Held> waiting = held.computeIfAbsent(peer, p -> new ArrayDeque<>());
      Held[] holder = new Held[1];
      ScheduledFuture<?> timer =
          config
              .scheduler()
              .schedule(
                  () -> expireHeld(peer, holder[0]), notify.getHoldMillis(), TimeUnit.MILLISECONDS);
      holder[0] = new Held(stamped, session, notify.getSeq(), notify.getAcknowledged(), timer);
      waiting.add(holder[0]);
      if (!notify.getAcknowledged()) {
        result(session, notify.getSeq(), Status.OK, null, touched);
      }
    }
  }

  // @GuardedBy("lock")
  private void deliverNotification(
      Listener listener,
      Envelope message,
      Session sender,
      long seq,
      boolean acknowledged,
      Set<Outbox> touched) {
    long tag = 0;
    if (acknowledged) {
      tag = listener.session().nextTag();
      String peer = listener.session().peer;
      listener
          .session()
          .receiptTags
          .put(
              tag,
              (status, t) ->
                  result(
                      sender,
                      seq,
                      status.isOk() || status.getCode() == Status.Code.UNAVAILABLE
                          ? status
                          : Status.UNKNOWN.withDescription(
                              "peer "
                                  + peer
                                  + " failed to handle the notification: "
                                  + status.getDescription()),
                      null,
                      t));
    }
    send(
        listener.session(),
        HubFrame.newBuilder()
            .setInbound(Inbound.newBuilder().setId(listener.id()).setTag(tag).setMessage(message))
            .build(),
        touched);
    if (!acknowledged) {
      result(sender, seq, Status.OK, null, touched);
    }
  }

  private void expireHeld(String peer, @Nullable Held expired) {
    Set<Outbox> touched = new LinkedHashSet<>();
    synchronized (lock) {
      ArrayDeque<Held> waiting = held.get(peer);
      if (expired == null || waiting == null || !waiting.remove(expired)) {
        return;
      }
      if (waiting.isEmpty()) {
        held.remove(peer);
      }
      if (expired.acknowledged()) {
        result(
            expired.sender(),
            expired.seq(),
            Status.DEADLINE_EXCEEDED.withDescription(
                "peer " + peer + " did not come online before the notification expired"),
            null,
            touched);
      }
    }
    touched.forEach(Outbox::flush);
  }

  private void listen(Session session, long id, Set<Outbox> touched) {
    synchronized (lock) {
      Listener listener = new Listener(session, id);
      replace(session, id, listener, touched);
      listeners.put(session.peer, listener);
      ArrayDeque<Held> waiting = held.remove(session.peer);
      if (waiting != null) {
        for (Held h : waiting) {
          cancel(h.timer());
          if (h.sender().isOpen() || !h.acknowledged()) {
            deliverNotification(
                listener, h.message(), h.sender(), h.seq(), h.acknowledged(), touched);
          }
        }
      }
    }
  }

  private void receipt(
      Session session,
      long tag,
      dev.switchboard.messaging.internal.proto.Receipt receipt,
      Set<Outbox> touched) {
    synchronized (lock) {
      ReceiptTarget target = session.receiptTags.remove(tag);
      if (target != null) {
        target.receipt(
            receipt.getOk() ? Status.OK : Status.UNKNOWN.withDescription(receipt.getError()),
            touched);
      }
    }
  }

  private void flush(
      Session session, dev.switchboard.messaging.internal.proto.Flush flush, Set<Outbox> touched) {
    Status refused = flush.getPeek() ? null : session.refused;
    if (!flush.getPeek()) {
      session.refused = null;
    }
    synchronized (lock) {
      result(session, flush.getSeq(), refused == null ? Status.OK : refused, null, touched);
    }
  }

  // ---- sending ----

  private static void send(Session session, HubFrame frame, Set<Outbox> touched) {
    session.outbox.control(frame);
    touched.add(session.outbox);
  }

  private static void result(
      Session session, long seq, Status status, @Nullable Envelope reply, Set<Outbox> touched) {
    Result.Builder result = Result.newBuilder().setSeq(seq).setCode(status.getCode().value());
    if (status.getDescription() != null) {
      result.setDescription(status.getDescription());
    }
    if (reply != null) {
      result.setReply(reply);
    }
    send(session, HubFrame.newBuilder().setResult(result).build(), touched);
  }

  private static void ended(Session session, long id, Status status, Set<Outbox> touched) {
    send(
        session,
        HubFrame.newBuilder()
            .setEnded(
                Ended.newBuilder()
                    .setId(id)
                    .setCode(status.getCode().value())
                    .setDescription(status.getDescription() == null ? "" : status.getDescription()))
            .build(),
        touched);
  }

  private static void cancel(@Nullable ScheduledFuture<?> timer) {
    if (timer != null) {
      timer.cancel(false);
    }
  }
}
