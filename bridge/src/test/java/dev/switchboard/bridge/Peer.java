package dev.switchboard.bridge;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * A real peer process (Prism on Node, grpc-java's interop server, a Python grpcio server) with its
 * output captured, so a failure shows what the peer said. {@link #close()} ends it and its
 * children. The bridge's only process launcher, kept small so it moves to the shared testing
 * harness as one piece.
 */
final class Peer implements AutoCloseable {
  private final Process process;
  private final StringBuffer output = new StringBuffer();

  private Peer(Process process) {
    this.process = process;
    Thread pump =
        new Thread(
            () -> {
              try (BufferedReader r =
                  new BufferedReader(
                      new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                  output.append(line).append('\n');
                }
              } catch (IOException e) {
                output.append("[output pump: ").append(e.getMessage()).append("]\n");
              }
            },
            "peer-output");
    pump.setDaemon(true);
    pump.start();
  }

  /** Starts {@code command} in {@code dir} and waits until its output matches {@code ready}. */
  static Peer start(List<String> command, Path dir, Pattern ready, Duration timeout) {
    Peer peer;
    try {
      peer =
          new Peer(
              new ProcessBuilder(command)
                  .directory(dir.toFile())
                  .redirectErrorStream(true)
                  .start());
    } catch (IOException e) {
      throw new UncheckedIOException("could not start " + command, e);
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!ready.matcher(peer.output).find()) {
      if (!peer.process.isAlive()) {
        throw new AssertionError(
            command.get(0) + " exited with " + peer.process.exitValue() + ":\n" + peer.output);
      }
      if (System.nanoTime() > deadline) {
        peer.close();
        throw new AssertionError(
            command + " was not ready within " + timeout + ":\n" + peer.output);
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted", e);
      }
    }
    return peer;
  }

  /** Runs a command to its end; fails with its output when it does not exit 0. */
  static String run(List<String> command, Path dir, Duration timeout) {
    try {
      Process p =
          new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
      byte[] out = p.getInputStream().readAllBytes();
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS) || p.exitValue() != 0) {
        p.destroyForcibly();
        throw new AssertionError(
            String.join(" ", command) + " failed:\n" + new String(out, StandardCharsets.UTF_8));
      }
      return new String(out, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  String output() {
    return output.toString();
  }

  static int freePort() {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    process.descendants().forEach(ProcessHandle::destroy);
    process.destroy();
    try {
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
