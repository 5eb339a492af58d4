package dev.switchboard.messaging;

import dev.switchboard.messaging.internal.proto.ClientBatch;
import dev.switchboard.messaging.internal.proto.ClientFrame;
import dev.switchboard.messaging.internal.proto.Consume;
import dev.switchboard.messaging.internal.proto.Flush;
import dev.switchboard.messaging.internal.proto.Hello;
import dev.switchboard.messaging.internal.proto.HubBatch;
import dev.switchboard.messaging.internal.proto.HubFrame;
import dev.switchboard.messaging.internal.proto.HubGrpc;
import dev.switchboard.messaging.internal.proto.Respond;
import dev.switchboard.runtime.SwitchboardChannel;
import dev.switchboard.runtime.Target;
import io.grpc.ManagedChannel;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A hub client written against the wire protocol directly: it says Hello, registers, and then sends
 * nothing at all, not even heartbeats, while keeping its connection open. To the hub it is a frozen
 * or cut-off peer.
 */
final class RawHubPeer implements MessagingContract.FrozenPeer {
  private final ManagedChannel channel;
  private final StreamObserver<ClientBatch> requests;
  private final AtomicInteger received = new AtomicInteger();
  private final CountDownLatch registered = new CountDownLatch(1);
  private volatile long lastSent;

  private RawHubPeer(Target hub, String peer, ClientFrame registration) {
    channel = SwitchboardChannel.builder(hub).plaintext().build();
    requests =
        HubGrpc.newStub(channel)
            .session(
                new StreamObserver<HubBatch>() {
                  @Override
                  public void onNext(HubBatch batch) {
                    for (HubFrame frame : batch.getFramesList()) {
                      if (frame.hasDelivery() || frame.hasRequest()) {
                        received.incrementAndGet();
                      }
                      if (frame.hasResult()) {
                        registered.countDown();
                      }
                    }
                  }

                  @Override
                  public void onError(Throwable t) {}

                  @Override
                  public void onCompleted() {}
                });
    requests.onNext(
        ClientBatch.newBuilder()
            .addFrames(ClientFrame.newBuilder().setHello(Hello.newBuilder().setPeer(peer)))
            .addFrames(registration)
            .addFrames(ClientFrame.newBuilder().setFlush(Flush.newBuilder().setSeq(1)))
            .build());
    lastSent = System.nanoTime();
    // The flush is answered once the hub has handled the registration before it.
    try {
      if (!registered.await(10, TimeUnit.SECONDS)) {
        throw new AssertionError("the hub did not confirm the raw peer's registration");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  static RawHubPeer consumer(Target hub, String peer, String queue, int take) {
    return new RawHubPeer(
        hub,
        peer,
        ClientFrame.newBuilder()
            .setConsume(
                Consume.newBuilder()
                    .setId(1)
                    .setQueue(queue)
                    .setMaxInFlight(take)
                    .setAckTimeoutMillis(600_000)
                    .setMaxDeliveries(10))
            .build());
  }

  static RawHubPeer responder(Target hub, String peer, String subject, String group) {
    return new RawHubPeer(
        hub,
        peer,
        ClientFrame.newBuilder()
            .setRespond(Respond.newBuilder().setId(1).setSubject(subject).setGroup(group))
            .build());
  }

  @Override
  public int received() {
    return received.get();
  }

  @Override
  public long lastSentNanos() {
    return lastSent;
  }

  @Override
  public void close() throws InterruptedException {
    channel.shutdownNow();
    channel.awaitTermination(5, TimeUnit.SECONDS);
  }
}
