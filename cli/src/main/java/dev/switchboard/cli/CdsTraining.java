package dev.switchboard.cli;

import dev.switchboard.runtime.SwitchboardServer;
import java.io.PrintWriter;
import java.io.Writer;

/**
 * The training run for sb's class-data-sharing archive: bin/sb runs this once with {@code
 * -XX:ArchiveClassesAtExit} so the archive holds the classes a real {@code list}, {@code describe}
 * and {@code call} load (picocli, reflection, JSON, netty's client side), whatever command the user
 * happens to run first. It talks to a throw-away server on the loopback interface.
 */
public final class CdsTraining {
  private CdsTraining() {}

  public static void main(String[] args) throws Exception {
    PrintWriter discard = new PrintWriter(Writer.nullWriter());
    int failures = 0;
    try (SwitchboardServer server = SwitchboardServer.builder("127.0.0.1:0").build().start()) {
      String target = "127.0.0.1:" + server.port();
      String[][] commands = {
        {"--help"},
        {"call", "--help"},
        {"list", "--plaintext", target},
        {"describe", "--plaintext", target, "grpc.health.v1.Health"},
        {"call", "--plaintext", target, "grpc.health.v1.Health/Check", "-d", "{\"service\": \"\"}"},
        {
          "call",
          "--plaintext",
          "--deadline",
          "5s",
          "-H",
          "x-training: 1",
          target,
          "grpc.health.v1.Health/Check",
          "-d",
          "{}"
        },
        {"health", "--plaintext", target},
      };
      for (String[] command : commands) {
        if (Sb.run(discard, discard, command) != ExitCode.OK) {
          failures++;
        }
      }
    }
    System.exit(failures == 0 ? 0 : 1);
  }
}
