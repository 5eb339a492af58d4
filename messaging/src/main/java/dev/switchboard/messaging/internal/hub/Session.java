package dev.switchboard.messaging.internal.hub;

import com.google.protobuf.ByteString;
import dev.switchboard.messaging.Liveness;
import dev.switchboard.messaging.internal.Envelopes;
import dev.switchboard.messaging.internal.proto.ClientBatch;
import dev.switchboard.messaging.internal.proto.ClientFrame;
import dev.switchboard.messaging.internal.proto.HubBatch;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;

/**
 * One client's session stream on the hub. Frames from the client are handled in order on gRPC's
 * thread for the call; what they produce for other sessions is flushed once per batch, so a batch
 * of publishes becomes a batch of deliveries.
 *
 * <p>The registrations and in-flight tags of the session are guarded by the hub's lock.
 */
final class Session implements StreamObserver<ClientBatch> {

  private enum State {
    AWAITING_HELLO,
    OPEN,
    CLOSED
  }

  final Hub hub;
  final ServerCallStreamObserver<HubBatch> stream;
  final Outbox outbox;
  final String identity;
  final String remote;
  private final AtomicBoolean ended = new AtomicBoolean();
  private volatile State state = State.AWAITING_HELLO;
  volatile String peer = "";

  /** The encoded sender field the hub appends to this peer's messages. */
  volatile ByteString senderField = ByteString.EMPTY;

  volatile Liveness.@Nullable Peer liveness;

  // @GuardedBy("hub.lock")
  final Map<Long, Object> registrations = new HashMap<>();
  // @GuardedBy("hub.lock")
  final Map<Long, WorkQueue.InFlight> queueTags = new HashMap<>();
  // @GuardedBy("hub.lock")
  final Map<Long, Hub.ReceiptTarget> receiptTags = new HashMap<>();
  // @GuardedBy("hub.lock")
  final Set<Long> assignedRequests = new HashSet<>();
  // @GuardedBy("hub.lock")
  private long nextTag = 1;

  /** The first refusal since the client's last flush; read and written on the call's thread. */
  @Nullable Status refused;

  /**
   * What the hub decided about sending to a subject or queue name ({@link Status#OK} or the
   * refusal), per kind of name; the verdict depends only on the name and this session's identity.
   * Read and written on the call's thread.
   */
  final Map<String, Status> sendVerdicts = new HashMap<>();

  Session(Hub hub, ServerCallStreamObserver<HubBatch> stream, String identity, String remote) {
    this.hub = hub;
    this.stream = stream;
    this.outbox = new Outbox(stream);
    this.identity = identity;
    this.remote = remote;
    stream.setOnReadyHandler(outbox::flush);
    stream.setOnCancelHandler(() -> end(Status.CANCELLED.withDescription("the client went away")));
  }

  long nextTag() {
    return nextTag++;
  }

  boolean isOpen() {
    return state == State.OPEN;
  }

  void opened(String peer, Liveness.Peer liveness) {
    this.peer = peer;
    this.senderField = Envelopes.senderField(peer);
    this.liveness = liveness;
    this.state = State.OPEN;
  }

  @Override
  public void onNext(ClientBatch batch) {
    Liveness.Peer watch = liveness;
    if (watch != null) {
      watch.heard();
    }
    Set<Outbox> touched = new LinkedHashSet<>();
    for (ClientFrame frame : batch.getFramesList()) {
      if (state == State.CLOSED) {
        return;
      }
      if (state == State.AWAITING_HELLO) {
        if (!frame.hasHello()) {
          fail(Status.FAILED_PRECONDITION.withDescription("a session must start with Hello"));
          return;
        }
        hub.hello(this, frame.getHello());
        continue;
      }
      hub.handle(this, frame, touched);
    }
    for (Outbox outbox : touched) {
      outbox.flush();
    }
  }

  @Override
  public void onError(Throwable t) {
    end(Status.fromThrowable(t));
  }

  @Override
  public void onCompleted() {
    end(
        Status.OK.withDescription("the client closed the session"),
        () -> {
          try {
            stream.onCompleted();
          } catch (RuntimeException e) {
            // already cancelled
          }
        });
  }

  /** Ends the session with an error the client sees as the stream's status. */
  void fail(Status status) {
    end(
        status,
        () -> {
          try {
            stream.onError(status.asRuntimeException());
          } catch (RuntimeException e) {
            // already cancelled
          }
        });
  }

  private void end(Status status) {
    end(status, () -> {});
  }

  /** Runs the hub's clean-up once, then {@code last} once the outbox has stopped writing. */
  private void end(Status status, Runnable last) {
    if (!ended.compareAndSet(false, true)) {
      return;
    }
    state = State.CLOSED;
    Liveness.Peer watch = liveness;
    if (watch != null) {
      watch.close();
    }
    outbox.close(last);
    hub.detach(this, status);
  }

  @Override
  public String toString() {
    return "Session{" + (peer.isEmpty() ? "?" : peer) + " as " + identity + " from " + remote + "}";
  }
}
