package dev.switchboard.messaging;

import dev.switchboard.testing.PeerPrograms;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * A real {@code nats-server} (Debian's package) with JetStream, on a free loopback port and a store
 * directory of its own; restartable on the same port and store, and killable with SIGKILL. The only
 * place these tests launch it.
 */
final class NatsServer implements AutoCloseable {
  private final Path store;
  private final List<String> extraArgs;
  private final int port;
  private @Nullable Process process;

  private NatsServer(Path store, int port, List<String> extraArgs) {
    this.store = store;
    this.port = port;
    this.extraArgs = extraArgs;
  }

  /** Starts a server with JetStream storing under {@code store}. */
  static NatsServer start(Path store, String... extraArgs)
      throws IOException, InterruptedException {
    NatsServer server = new NatsServer(store, freePort(), List.of(extraArgs));
    server.launch();
    return server;
  }

  static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  String url() {
    return "nats://127.0.0.1:" + port;
  }

  int port() {
    return port;
  }

  private void launch() throws IOException, InterruptedException {
    Files.createDirectories(store);
    List<String> command = new ArrayList<>();
    command.add(PeerPrograms.onPath("nats-server", "nats-server").toString());
    command.addAll(
        List.of("-a", "127.0.0.1", "-p", Integer.toString(port), "-js", "-sd", store.toString()));
    command.addAll(extraArgs);
    process =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(store.resolveSibling(store.getFileName() + ".log").toFile())
            .start();
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new AssertionError(
            "nats-server exited with "
                + process.exitValue()
                + ": "
                + Files.readString(store.resolveSibling(store.getFileName() + ".log")));
      }
      try (Socket probe = new Socket()) {
        probe.connect(new InetSocketAddress("127.0.0.1", port), 200);
        return;
      } catch (IOException notYet) {
        Thread.sleep(50);
      }
    }
    throw new AssertionError("nats-server did not listen on " + port + " within 20 s");
  }

  /** Stops (SIGTERM) and starts again on the same port and store. */
  void restart() throws IOException, InterruptedException {
    stop();
    launch();
  }

  /** SIGKILL: no chance to flush anything. */
  void kill() throws InterruptedException {
    Process p = process;
    if (p != null) {
      p.destroyForcibly();
      p.waitFor(10, TimeUnit.SECONDS);
    }
  }

  void stop() throws InterruptedException {
    Process p = process;
    if (p != null && p.isAlive()) {
      p.destroy();
      if (!p.waitFor(10, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        p.waitFor(10, TimeUnit.SECONDS);
      }
    }
  }

  @Override
  public void close() throws InterruptedException {
    stop();
  }
}
