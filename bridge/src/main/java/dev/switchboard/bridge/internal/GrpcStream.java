package dev.switchboard.bridge.internal;

import com.google.protobuf.Descriptors.MethodDescriptor;
import com.google.protobuf.DynamicMessage;
import dev.switchboard.bridge.WitValue;
import dev.switchboard.wit.WitTypeRef;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;

/**
 * One open streaming call behind a WIT stream resource. Flow control is gRPC's own, in both
 * directions: responses are requested one at a time, only when {@code receive} takes the previous
 * one (so a fast server waits instead of filling memory), and {@code send} waits until the
 * transport is ready for another message.
 *
 * <p>Thread-safe: {@code send} and {@code finish} are serialised; {@code receive} may run beside
 * them.
 */
final class GrpcStream implements ClientResponseObserver<DynamicMessage, DynamicMessage> {
  private enum State {
    STARTING,
    OPEN,
    HALF_CLOSED,
    DONE
  }

  /** What the response side hands to {@code receive}: a message, the end, or the failure. */
  private record Event(@Nullable DynamicMessage message, @Nullable Throwable failure) {}

  private static final Event END = new Event(null, null);

  private final MethodDescriptor method;
  private final ProtoCodec codec;
  private final GrpcErrors errors;
  private final String path;
  private final Duration timeout;
  private final BlockingQueue<Event> inbox = new LinkedBlockingQueue<>();
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition ready = lock.newCondition();

  // @GuardedBy("lock")
  private State state = State.STARTING;
  private @Nullable ClientCallStreamObserver<DynamicMessage> requests;
  private volatile @Nullable Event last;

  GrpcStream(
      MethodDescriptor method, ProtoCodec codec, GrpcErrors errors, String path, Duration timeout) {
    this.method = method;
    this.codec = codec;
    this.errors = errors;
    this.path = path;
    this.timeout = timeout;
  }

  @Override
  public void beforeStart(ClientCallStreamObserver<DynamicMessage> stream) {
    stream.disableAutoRequestWithInitial(1);
    stream.setOnReadyHandler(
        () -> {
          lock.lock();
          try {
            ready.signalAll();
          } finally {
            lock.unlock();
          }
        });
    lock.lock();
    try {
      requests = stream;
      state = State.OPEN;
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void onNext(DynamicMessage message) {
    inbox.add(new Event(message, null));
  }

  @Override
  public void onError(Throwable t) {
    inbox.add(new Event(null, t));
    wakeSenders();
  }

  @Override
  public void onCompleted() {
    inbox.add(END);
    wakeSenders();
  }

  private void wakeSenders() {
    lock.lock();
    try {
      state = State.DONE;
      ready.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** {@code send: func(message: T) -> result<_, error>}: waits until the transport is ready. */
  WitValue.ResultValue send(@Nullable WitValue message) {
    DynamicMessage m = codec.toMessage(method.getInputType(), message);
    lock.lock();
    try {
      long waitNanos = timeout.toNanos();
      while (state == State.OPEN && requests != null && !requests.isReady()) {
        if (waitNanos <= 0) {
          return ErrorValues.failure(
              "timeout",
              "the server did not take the message within " + timeout,
              "DEADLINE_EXCEEDED",
              null);
        }
        waitNanos = ready.awaitNanos(waitNanos);
      }
      if (state != State.OPEN || requests == null) {
        return endedError("send");
      }
      requests.onNext(m);
      return WitValue.ok(null);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return ErrorValues.failure("other", "interrupted while sending", "CANCELLED", null);
    } finally {
      lock.unlock();
    }
  }

  /**
   * {@code receive: func() -> result<option<U>, error>} (or {@code result<bool, error>} for an
   * empty response type): the next response, none at the end.
   */
  WitValue.ResultValue receive(@Nullable WitTypeRef okType) {
    Event e = next();
    if (e == null) {
      return ErrorValues.failure(
          "timeout", "no response within " + timeout, "DEADLINE_EXCEEDED", null);
    }
    boolean presence = okType != null && okType.kind() == WitTypeRef.Kind.PRIMITIVE;
    if (e.failure() != null) {
      return failure(e.failure());
    }
    if (e.message() == null) {
      return WitValue.ok(presence ? WitValue.bool(false) : WitValue.none());
    }
    WitValue v = codec.fromMessage(e.message());
    if (presence) {
      return WitValue.ok(WitValue.bool(true));
    }
    return WitValue.ok(v == null ? WitValue.none() : WitValue.some(v));
  }

  /**
   * {@code finish}: half-closes the sending side. For client streaming it then waits for the single
   * response ({@code result<U, error>}); for bidi it returns at once ({@code result<_, error>}).
   */
  WitValue.ResultValue finish() {
    lock.lock();
    try {
      if (state == State.OPEN && requests != null) {
        requests.onCompleted();
        state = State.HALF_CLOSED;
      }
    } finally {
      lock.unlock();
    }
    if (method.isServerStreaming()) {
      return WitValue.ok(null);
    }
    Event e = next();
    if (e == null) {
      return ErrorValues.failure(
          "timeout", "no response within " + timeout, "DEADLINE_EXCEEDED", null);
    }
    if (e.failure() != null) {
      return failure(e.failure());
    }
    if (e.message() == null) {
      return ErrorValues.failure("server-error", "the server sent no response", "INTERNAL", null);
    }
    return WitValue.ok(codec.fromMessage(e.message()));
  }

  /** The next event; after the end, the end (or the failure) again. Null on timeout. */
  private @Nullable Event next() {
    synchronized (inbox) {
      if (last != null) {
        return last;
      }
      try {
        Event e = inbox.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
        if (e == null) {
          return null;
        }
        if (e.message() == null) {
          last = e;
        } else {
          ClientCallStreamObserver<DynamicMessage> r = requests;
          if (r != null) {
            r.request(1);
          }
        }
        return e;
      } catch (InterruptedException ie) {
        Thread.currentThread().interrupt();
        return new Event(null, ie);
      }
    }
  }

  private WitValue.ResultValue failure(Throwable t) {
    Status status = Status.fromThrowable(t);
    Metadata trailers = Status.trailersFromThrowable(t);
    return errors.toError(status, trailers, path);
  }

  private WitValue.ResultValue endedError(String what) {
    Event e = last != null ? last : inbox.peek();
    if (e != null && e.failure() != null) {
      return failure(e.failure());
    }
    return ErrorValues.failure(
        "other", "cannot " + what + ": the call has ended", "FAILED_PRECONDITION", null);
  }

  void cancel(String reason) {
    lock.lock();
    try {
      if (requests != null && state != State.DONE) {
        requests.cancel(reason, null);
      }
      state = State.DONE;
    } finally {
      lock.unlock();
    }
  }
}
