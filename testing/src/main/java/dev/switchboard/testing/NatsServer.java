package dev.switchboard.testing;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A real {@code nats-server} (Debian's package) with JetStream, on a free loopback port and a store
 * directory of its own; restartable on the same port and store, and killable with SIGKILL. A
 * missing {@code nats-server} fails the test naming the package to install.
 *
 * <pre>{@code
 * try (NatsServer nats = NatsServer.start(temp.resolve("nats"))) {
 *   Messaging messaging = Messaging.builder(nats.url()).build();
 * }
 * }</pre>
 */
public final class NatsServer implements AutoCloseable {
  private final Path store;
  private final int port;
  private @Nullable TestProcess process;

  private NatsServer(Path store, int port) {
    this.store = store;
    this.port = port;
  }

  /** Starts a server with JetStream storing under {@code store}. */
  public static NatsServer start(Path store) {
    NatsServer server = new NatsServer(store, FreePorts.pick());
    server.launch();
    return server;
  }

  /** {@code nats://127.0.0.1:PORT}. */
  public String url() {
    return "nats://127.0.0.1:" + port;
  }

  private void launch() {
    TestProcess started =
        TestProcess.builder(
                List.of(
                    PeerPrograms.onPath("nats-server", "nats-server").toString(),
                    "-a",
                    "127.0.0.1",
                    "-p",
                    Integer.toString(port),
                    "-js",
                    "-sd",
                    store.toString()))
            .name("nats-server :" + port)
            .start();
    process = started;
    started.awaitListening(port, Duration.ofSeconds(20));
  }

  /** Stops (SIGTERM) and starts again on the same port and store. */
  public void restart() {
    stop();
    launch();
  }

  /** SIGKILL: no chance to flush anything. */
  public void kill() {
    if (process != null) {
      process.kill();
    }
  }

  /** SIGTERM, then SIGKILL if it does not exit within 10 s. */
  public void stop() {
    if (process != null) {
      process.stop(Duration.ofSeconds(10));
    }
  }

  @Override
  public void close() {
    stop();
  }
}
