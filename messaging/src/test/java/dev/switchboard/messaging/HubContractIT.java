package dev.switchboard.messaging;

import dev.switchboard.runtime.Target;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/** The pattern contract on the embedded hub, over TCP on loopback. */
class HubContractIT extends MessagingContract {
  private static final Duration HEARTBEAT = Duration.ofMillis(200);

  private @Nullable MessagingHub hub;
  private int port;

  @Override
  void startServer() throws Exception {
    hub = MessagingHub.builder("127.0.0.1:" + port).heartbeat(HEARTBEAT).start();
    port = hub.target().port();
  }

  @Override
  void stopServer() {
    if (hub != null) {
      hub.close();
      hub = null;
    }
    port = 0;
  }

  @Override
  void restartServer() throws Exception {
    int keep = port;
    stopServer();
    port = keep;
    startServer();
  }

  @Override
  Messaging connect(String name) {
    return Messaging.builder(target().toString()).plaintext().name(name).build();
  }

  private Target target() {
    if (hub == null) {
      throw new IllegalStateException("hub not started");
    }
    return hub.target();
  }

  @Override
  Duration heartbeat() {
    return HEARTBEAT;
  }

  @Override
  FrozenPeer frozenConsumer(String queue, int take) {
    return RawHubPeer.consumer(target(), "frozen-consumer", queue, take);
  }

  @Override
  FrozenPeer frozenResponder(String subject, String group) {
    return RawHubPeer.responder(target(), "frozen-responder", subject, group);
  }
}
