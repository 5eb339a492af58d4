package dev.switchboard.interop;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real peer process (a JVM running grpc-java's interop binaries or ours, Python, bin/sb) with its
 * combined output captured, so a failure can show what the peer said. {@link #close()} ends it and
 * its children, so no test leaves a process or a bound port behind.
 */
final class PeerProcess implements AutoCloseable {
  private static final Pattern STARTED = Pattern.compile("Server started on port (\\d+)");

  private final Process process;
  private final StringBuffer output = new StringBuffer();
  private final Thread pump;

  private PeerProcess(Process process) {
    this.process = process;
    this.pump =
        new Thread(
            () -> {
              try (BufferedReader reader =
                  new BufferedReader(
                      new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = reader.readLine()) != null) {
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

  static PeerProcess start(List<String> command) {
    try {
      return new PeerProcess(new ProcessBuilder(command).redirectErrorStream(true).start());
    } catch (IOException e) {
      throw new UncheckedIOException("could not start " + command, e);
    }
  }

  /** Runs a command to its end (or the timeout) and returns its exit code and output. */
  static Result run(List<String> command, Duration timeout) {
    try (PeerProcess peer = start(command)) {
      return peer.await(timeout);
    }
  }

  record Result(int exitCode, String output) {}

  Result await(Duration timeout) {
    try {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        close();
        return new Result(-1, output() + "\n[killed after " + timeout.toSeconds() + "s]");
      }
      pump.join(5_000);
      return new Result(process.exitValue(), output());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  /** Waits for the interop servers' "Server started on port N" line and returns N. */
  int awaitStartedPort(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      Matcher matcher = STARTED.matcher(output);
      if (matcher.find()) {
        return Integer.parseInt(matcher.group(1));
      }
      if (!process.isAlive()) {
        throw new AssertionError("server exited with " + process.exitValue() + ":\n" + output());
      }
      sleep(50);
    }
    throw new AssertionError("server did not report its port within " + timeout + ":\n" + output());
  }

  /** Waits until something accepts connections on the port (grpc-java prints before binding). */
  static void awaitListening(int port, PeerProcess peer, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
        return;
      } catch (IOException notYet) {
        if (!peer.process.isAlive()) {
          throw new AssertionError("server exited:\n" + peer.output());
        }
        sleep(100);
      }
    }
    throw new AssertionError(
        "nothing listens on port " + port + " after " + timeout + ":\n" + peer.output());
  }

  String output() {
    return output.toString();
  }

  @Override
  public void close() {
    process.descendants().forEach(ProcessHandle::destroy);
    process.destroy();
    try {
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        process.waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  // --- what the harnesses launch -------------------------------------------------------------

  /** grpc-java's own interop server, on the classpath the build resolved for it. */
  static List<String> anchorServer(List<String> args) {
    List<String> command =
        new ArrayList<>(
            List.of(
                javaBin(),
                "-XX:+UseSerialGC",
                "-cp",
                anchorClasspath(),
                "io.grpc.testing.integration.TestServiceServer"));
    command.addAll(args);
    return command;
  }

  /**
   * grpc-java's own interop client. One JVM per case is how that binary works, so its start-up is
   * most of the suite's time: C1 only, serial GC, and an application class-data archive (written by
   * the first run, in target/, used by the rest) roughly halve it on 2 cores.
   */
  static List<String> anchorClient(List<String> args) {
    Path archive = Path.of(property("anchor.classpath.file")).resolveSibling("anchor-client.jsa");
    String cds =
        Files.isRegularFile(archive)
            ? "-XX:SharedArchiveFile=" + archive
            : "-XX:ArchiveClassesAtExit=" + archive;
    List<String> command =
        new ArrayList<>(
            List.of(
                javaBin(),
                "-XX:TieredStopAtLevel=1",
                "-XX:+UseSerialGC",
                cds,
                "-Xlog:cds=off",
                "-Xlog:cds+dynamic=off",
                "-cp",
                anchorClasspath(),
                "io.grpc.testing.integration.TestServiceClient"));
    command.addAll(args);
    return command;
  }

  /** bin/interop, exactly as a user runs it. */
  static List<String> binInterop(List<String> args) {
    List<String> command = new ArrayList<>(List.of(root().resolve("bin/interop").toString()));
    command.addAll(args);
    return command;
  }

  static Path root() {
    return Path.of(property("switchboard.root")).toAbsolutePath().normalize();
  }

  static Path protoDir() {
    return Path.of(property("interop.proto.dir"));
  }

  static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String anchorClasspath() {
    Path file = Path.of(property("anchor.classpath.file"));
    try {
      return Files.readString(file).strip();
    } catch (IOException e) {
      throw new AssertionError(
          "the anchor classpath "
              + file
              + " is missing; the interop build"
              + " writes it in generate-test-resources (mvn -pl interop verify)",
          e);
    }
  }

  private static String javaBin() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  private static String property(String name) {
    String value = System.getProperty(name);
    if (value == null) {
      throw new AssertionError(
          "system property "
              + name
              + " is not set; run through"
              + " mvn -pl interop verify (failsafe sets it)");
    }
    return value;
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
