package dev.switchboard.durable;

import dev.switchboard.durable.OplogEntry.Kind;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One worker: code that makes calls, each recorded as the next entry of the worker's oplog.
 *
 * <p>When the worker opens, it is <em>replaying</em>: each call its oplog already holds returns the
 * recorded outcome without sending anything, after checking that the code asked for the same
 * function with the same request (otherwise {@link DivergenceException}). Past the end of its
 * history it is <em>recording</em>: a call's outcome is committed before the caller sees it, and a
 * call that is not idempotent first commits an intent and carries an idempotency key derived from
 * the worker and the sequence number, so that it is never applied twice (see {@link Idempotency}).
 *
 * <p>A worker is used by one logical thread at a time; its calls are ordered by nature. Close it to
 * give its lease back.
 */
public final class Worker implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Worker.class);

  /** Sends one call to its peer. */
  @FunctionalInterface
  public interface Sender {
    /**
     * Sends the call and returns the peer's answer, ok or error. Throw instead when there is no
     * answer (connection refused or reset, deadline exceeded): the failure is not recorded.
     *
     * @param idempotencyKey the key to send ({@code Idempotency-Key} header, {@code
     *     idempotency-key} metadata); present for calls protected by an intent, and the same on
     *     every attempt of one call
     */
    Outcome send(Optional<String> idempotencyKey) throws Exception;
  }

  private enum State {
    /** Calls are answered from the oplog. */
    REPLAYING,
    /** Calls are made and committed. */
    RECORDING,
    /** The code diverged from the history; every further call fails the same way. */
    DIVERGED,
    /** Another process took the worker over; nothing more may be appended. */
    LEASE_LOST,
    CLOSED
  }

  private final Durable durable;
  private final OplogStore store;
  private final String id;
  private final Lease lease;
  private final ScheduledFuture<?> renewal;

  // Guarded by this.
  private State state;
  private @Nullable DurableException failure;
  private @Nullable Snapshot snapshot;
  private boolean snapshotRead;
  private final List<OplogEntry> entries;
  private long next;
  private final Set<Long> retriesAllowed = new HashSet<>();

  private volatile boolean leaseLost;

  Worker(Durable durable, Lease lease, History history) {
    this.durable = durable;
    this.store = durable.store();
    this.id = lease.workerId();
    this.lease = lease;
    this.snapshot = history.snapshot().orElse(null);
    this.entries = new ArrayList<>(history.entries());
    this.next = snapshot == null ? 1 : snapshot.sequence() + 1;
    this.state = entries.isEmpty() ? State.RECORDING : State.REPLAYING;
    long period = Math.max(100, durable.leaseTtl().toMillis() / 3);
    this.renewal =
        durable
            .scheduler()
            .scheduleWithFixedDelay(this::renewLease, period, period, TimeUnit.MILLISECONDS);
    log.atLevel(entries.isEmpty() ? org.slf4j.event.Level.DEBUG : org.slf4j.event.Level.INFO)
        .log(
            "worker {} opened: {} entries to replay{}, lease token {}",
            id,
            entries.size(),
            snapshot == null ? "" : " after snapshot #" + snapshot.sequence(),
            lease.token());
  }

  /** The worker's id. */
  public String id() {
    return id;
  }

  /** The sequence number the next call gets. */
  public synchronized long position() {
    return next;
  }

  /** Whether calls are still being answered from the oplog. */
  public synchronized boolean isReplaying() {
    return state == State.REPLAYING;
  }

  /**
   * The snapshot the oplog was compacted into, if any. A worker that compacts must start from it:
   * replay resumes with the call after {@link Snapshot#sequence()}, not from the first call.
   */
  public synchronized Optional<Snapshot> snapshot() {
    snapshotRead = true;
    return Optional.ofNullable(snapshot);
  }

  /**
   * Makes {@code call} the worker's next oplog entry: while replaying, returns the recorded outcome
   * without sending anything; while recording, sends it through {@code sender} and commits the
   * outcome before returning it.
   *
   * @throws DivergenceException the oplog holds a different call at this position
   * @throws UncertainCallException a non-idempotent call here was interrupted earlier
   * @throws LeaseException another process took the worker over
   * @throws OplogStoreException the oplog could not be written; nothing was sent if the intent
   *     failed, and the call is resumed on the next run if its outcome failed
   */
  public synchronized Outcome call(DurableCall call, Sender sender) {
    Redactor.RedactedRequest request = durable.redactor().redact(call);
    return step(Kind.CALL, call.function(), call.idempotency(), request, sender);
  }

  /**
   * Runs a local side effect that is not a bridged call (Restate's {@code ctx.run}): the first time
   * {@code action} runs and its result is committed; on replay the recorded result is returned and
   * {@code action} does not run. It is at-least-once: a crash after {@code action} and before the
   * commit runs it again, so make it safe to repeat. An exception from {@code action} is not
   * recorded and propagates.
   */
  public synchronized String run(String name, Callable<String> action) {
    Redactor.RedactedRequest request =
        new Redactor.RedactedRequest(Redactor.hash("run:" + name, new byte[0]), () -> "");
    Outcome outcome =
        step(Kind.RUN, name, Idempotency.IDEMPOTENT, request, key -> Outcome.ok(action.call()));
    return outcome.text();
  }

  /**
   * Compacts the oplog: the entries up to the current position are replaced by {@code state}, which
   * {@link #snapshot()} returns when the worker runs again. Does nothing if there is nothing new to
   * compact.
   */
  public synchronized void compact(byte[] state) {
    usable();
    long upTo = next - 1;
    if (upTo < 1 || (snapshot != null && upTo <= snapshot.sequence())) {
      return;
    }
    Snapshot compacted = new Snapshot(upTo, state, now());
    guard(() -> store.compact(lease, compacted));
    entries.removeIf(e -> e.sequence() <= upTo);
    snapshot = compacted;
    snapshotRead = true;
    log.info("worker {}: compacted its oplog up to #{}", id, upTo);
  }

  /**
   * Skips replaying the committed history, for callers that make one call per run rather than
   * running the worker's code from its start (the CLI's {@code sb invoke --worker}): the next call
   * is recorded after the last committed entry or, when the last entry is an open intent, must be
   * that very call, which is then resumed with its idempotency key (or reported uncertain).
   */
  public synchronized void fastForward() {
    usable();
    if (entries.isEmpty()) {
      return;
    }
    OplogEntry last = entries.get(entries.size() - 1);
    next = last.isOpen() ? last.sequence() : last.sequence() + 1;
    state = last.isOpen() ? State.REPLAYING : State.RECORDING;
  }

  /** The open intent at the end of the oplog, if a call was interrupted before its outcome. */
  public synchronized Optional<OplogEntry> openIntent() {
    if (entries.isEmpty() || !entries.get(entries.size() - 1).isOpen()) {
      return Optional.empty();
    }
    return Optional.of(entries.get(entries.size() - 1));
  }

  /**
   * Records {@code outcome} as the result of the uncertain call at {@code sequence}, found out from
   * the peer or decided by the caller. The code, run again, then receives it there.
   */
  public synchronized void resolve(long sequence, Outcome outcome) {
    usable();
    OplogEntry open = openIntentAt(sequence);
    OplogEntry done = open.complete(outcome, now());
    guard(() -> store.complete(lease, done));
    entries.set(entries.size() - 1, done);
    log.info(
        "worker {}: uncertain call {} resolved as {}",
        id,
        open.describe(),
        outcome.isOk() ? "ok" : "error");
  }

  /**
   * Lets the uncertain call at {@code sequence} be sent once more with its recorded idempotency
   * key, accepting that a peer that ignores the key may apply it twice.
   */
  public synchronized void retry(long sequence) {
    usable();
    openIntentAt(sequence);
    retriesAllowed.add(sequence);
  }

  private OplogEntry openIntentAt(long sequence) {
    OplogEntry last = entries.isEmpty() ? null : entries.get(entries.size() - 1);
    if (last == null || last.sequence() != sequence || !last.isOpen()) {
      throw new IllegalStateException(
          "worker " + id + " has no open intent at #" + sequence + " to resolve");
    }
    return last;
  }

  private Outcome step(
      Kind kind,
      String function,
      Idempotency idempotency,
      Redactor.RedactedRequest request,
      Sender sender) {
    usable();
    long sequence = next;
    int index = (int) (sequence - firstSequence());
    if (index < entries.size()) {
      OplogEntry recorded = entries.get(index);
      checkSameCall(recorded, kind, function, request);
      Outcome outcome = recorded.outcome();
      if (outcome != null) {
        advance();
        return outcome;
      }
      return resume(recorded, sender);
    }
    state = State.RECORDING;
    return record(kind, function, idempotency, request, sender, sequence);
  }

  private Outcome record(
      Kind kind,
      String function,
      Idempotency idempotency,
      Redactor.RedactedRequest request,
      Sender sender,
      long sequence) {
    String key = idempotency.writesIntent() ? idempotencyKey(sequence) : null;
    OplogEntry intent =
        new OplogEntry(
            sequence,
            kind,
            function,
            idempotency,
            request.hash(),
            request.display(),
            key,
            now(),
            null,
            null);
    if (idempotency.writesIntent()) {
      guard(() -> store.append(lease, intent));
      entries.add(intent);
    }
    Outcome outcome = send(intent, sender);
    OplogEntry done = intent.complete(outcome, now());
    if (idempotency.writesIntent()) {
      guard(() -> store.complete(lease, done));
      entries.set(entries.size() - 1, done);
    } else {
      guard(() -> store.append(lease, done));
      entries.add(done);
    }
    next++;
    if (log.isDebugEnabled()) {
      log.debug("worker {}: recorded {}", id, done.describe());
    }
    return outcome;
  }

  private Outcome resume(OplogEntry open, Sender sender) {
    if (!open.idempotency().safeToResume() && !retriesAllowed.contains(open.sequence())) {
      throw new UncertainCallException(id, open);
    }
    log.info(
        "worker {}: resuming interrupted call {} with its idempotency key", id, open.describe());
    Outcome outcome = send(open, sender);
    OplogEntry done = open.complete(outcome, now());
    guard(() -> store.complete(lease, done));
    entries.set(entries.size() - 1, done);
    retriesAllowed.remove(open.sequence());
    advance();
    return outcome;
  }

  private Outcome send(OplogEntry entry, Sender sender) {
    try {
      return sender.send(Optional.ofNullable(entry.idempotencyKey()));
    } catch (RuntimeException e) {
      throw e;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new DurableException(
          "worker " + id + ": call " + entry.describe() + " interrupted before an answer", e);
    } catch (Exception e) {
      throw new DurableException(
          "worker " + id + ": call " + entry.describe() + " failed before an answer: " + e, e);
    }
  }

  private void advance() {
    next++;
    if (next - firstSequence() >= entries.size()) {
      state = State.RECORDING;
      log.debug("worker {}: replay done, recording from #{}", id, next);
    }
  }

  private long firstSequence() {
    return snapshot == null ? 1 : snapshot.sequence() + 1;
  }

  private void checkSameCall(
      OplogEntry recorded, Kind kind, String function, Redactor.RedactedRequest request) {
    if (recorded.kind() == kind
        && recorded.function().equals(function)
        && recorded.requestHash().equals(request.hash())) {
      return;
    }
    OplogEntry now =
        new OplogEntry(
            recorded.sequence(),
            kind,
            function,
            recorded.idempotency(),
            request.hash(),
            request.display(),
            null,
            now(),
            null,
            null);
    StringBuilder message =
        new StringBuilder("worker ")
            .append(id)
            .append(" diverged from its oplog at #")
            .append(recorded.sequence())
            .append(":\n  recorded: ")
            .append(recorded.describe())
            .append(", ")
            .append(
                recorded.isOpen()
                    ? "intent committed " + recorded.startedAt()
                    : "committed " + recorded.completedAt())
            .append("\n  now:      ")
            .append(now.describe());
    if (recorded.kind() == kind && recorded.function().equals(function)) {
      message.append('\n').append(firstDifference(recorded.request(), request.display()));
    }
    message.append(
        "\nOn replay the code must make the same calls in the same order with the same requests;"
            + " run changed code as a new worker.");
    if (snapshot != null && !snapshotRead) {
      message
          .append(" This oplog was compacted at #")
          .append(snapshot.sequence())
          .append(": the code must start from worker.snapshot(), not from its first call.");
    }
    DivergenceException diverged =
        new DivergenceException(id, recorded.sequence(), message.toString());
    state = State.DIVERGED;
    failure = diverged;
    throw diverged;
  }

  private static String firstDifference(String recorded, String now) {
    String[] a = recorded.split("\n", -1);
    String[] b = now.split("\n", -1);
    for (int i = 0; i < Math.max(a.length, b.length); i++) {
      String x = i < a.length ? a[i] : "<none>";
      String y = i < b.length ? b[i] : "<none>";
      if (!x.equals(y)) {
        return "  first difference, request line "
            + (i + 1)
            + ":\n    recorded: "
            + x
            + "\n    now:      "
            + y;
      }
    }
    return "  the requests read the same once masked: they differ in a masked value";
  }

  private String idempotencyKey(long sequence) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update(lease.incarnation().getBytes(StandardCharsets.UTF_8));
      sha.update((byte) 0);
      sha.update(id.getBytes(StandardCharsets.UTF_8));
      sha.update((byte) 0);
      sha.update(ByteBuffer.allocate(Long.BYTES).putLong(sequence).array());
      ByteBuffer digest = ByteBuffer.wrap(sha.digest());
      long high = (digest.getLong() & ~0xF000L) | 0x8000L; // version 8: custom
      long low = (digest.getLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L; // RFC variant
      return new UUID(high, low).toString();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }

  private Instant now() {
    return durable.clock().instant().truncatedTo(ChronoUnit.MILLIS);
  }

  private void usable() {
    if (leaseLost && state != State.CLOSED) {
      state = State.LEASE_LOST;
    }
    switch (state) {
      case REPLAYING, RECORDING -> {}
      case DIVERGED -> throw requireNonNullFailure();
      case LEASE_LOST ->
          throw new LeaseException(
              "worker " + id + " lost its lease (token " + lease.token() + ") to another process");
      case CLOSED -> throw new IllegalStateException("worker " + id + " is closed");
    }
  }

  private DurableException requireNonNullFailure() {
    DurableException f = failure;
    return f != null ? f : new DurableException("worker " + id + " diverged");
  }

  private void guard(Runnable write) {
    try {
      write.run();
    } catch (LeaseException e) {
      leaseLost = true;
      state = State.LEASE_LOST;
      throw e;
    }
  }

  private void renewLease() {
    try {
      if (!store.renew(lease, durable.leaseTtl())) {
        leaseLost = true;
        renewal.cancel(false);
        log.warn("worker {}: lost its lease (token {}) to another process", id, lease.token());
      }
    } catch (DurableException e) {
      log.warn("worker {}: could not renew its lease, will try again: {}", id, e.getMessage());
    }
  }

  /** Stops renewing the lease and releases it. */
  @Override
  public synchronized void close() {
    if (state == State.CLOSED) {
      return;
    }
    state = State.CLOSED;
    renewal.cancel(false);
    if (!leaseLost) {
      durable.releaseQuietly(lease);
    }
  }
}
