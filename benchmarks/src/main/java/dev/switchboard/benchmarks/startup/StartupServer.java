package dev.switchboard.benchmarks.startup;

import dev.switchboard.runtime.SwitchboardServer;
import java.io.IOException;

/**
 * The server the start-up benchmark calls: our runtime with health and reflection on, on the
 * loopback interface. Prints {@code 127.0.0.1:PORT} on stdout once it listens, and stops when its
 * stdin closes, so the script that started it cannot leave it running.
 *
 * <p>Usage: {@code StartupServer [port]} (0, the default, picks a free port)
 */
public final class StartupServer {
  private StartupServer() {}

  public static void main(String[] args) throws IOException {
    int port = args.length > 0 ? Integer.parseInt(args[0]) : 0;
    try (SwitchboardServer server =
        SwitchboardServer.builder("127.0.0.1:" + port).build().start()) {
      System.out.println("127.0.0.1:" + server.port());
      System.out.flush();
      while (System.in.read() >= 0) {
        // Wait for the caller to close stdin.
      }
    }
  }
}
