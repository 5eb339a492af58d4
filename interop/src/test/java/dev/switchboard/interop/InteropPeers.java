package dev.switchboard.interop;

import dev.switchboard.testing.PeerPrograms;
import dev.switchboard.testing.TestProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The command lines of the peers the interop harnesses run (grpc-java's interop binaries on their
 * own class path, bin/interop, bin/sb), started through the shared {@link TestProcess}.
 */
final class InteropPeers {
  private static final Pattern STARTED = Pattern.compile("Server started on port (\\d+)");

  private InteropPeers() {}

  /** Starts a peer; {@link TestProcess#close()} ends it and its children. */
  static TestProcess start(String name, List<String> command) {
    return TestProcess.builder(command).name(name).start();
  }

  /** Waits for the interop servers' "Server started on port N" line and returns N. */
  static int awaitStartedPort(TestProcess server, Duration timeout) {
    return Integer.parseInt(server.awaitLine(STARTED, timeout).group(1));
  }

  /** grpc-java's own interop server, on the classpath the build resolved for it. */
  static List<String> anchorServer(List<String> args) {
    List<String> command =
        PeerPrograms.java(
            "-cp", anchorClasspath(), "io.grpc.testing.integration.TestServiceServer");
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
        PeerPrograms.java(
            cds,
            "-Xlog:cds=off",
            "-Xlog:cds+dynamic=off",
            "-cp",
            anchorClasspath(),
            "io.grpc.testing.integration.TestServiceClient");
    command.addAll(args);
    return command;
  }

  /** bin/interop, exactly as a user runs it. */
  static List<String> binInterop(List<String> args) {
    return bin("interop", args);
  }

  /** bin/sb, exactly as a user runs it. */
  static List<String> binSb(List<String> args) {
    return bin("sb", args);
  }

  private static List<String> bin(String script, List<String> args) {
    List<String> command =
        new ArrayList<>(List.of(root().resolve("bin").resolve(script).toString()));
    command.addAll(args);
    return command;
  }

  static Path root() {
    return Path.of(property("switchboard.root")).toAbsolutePath().normalize();
  }

  static Path protoDir() {
    return Path.of(property("interop.proto.dir"));
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
}
