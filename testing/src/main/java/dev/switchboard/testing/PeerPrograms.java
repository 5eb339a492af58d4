package dev.switchboard.testing;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds the real programs the tests talk to (Debian's protoc, Go, Node, Python, a fresh JVM) and
 * builds their command lines. A missing program fails the test with the Debian package that
 * provides it, never skips it: a green run must mean the peer was really there.
 */
public final class PeerPrograms {
  private static final Duration PROTOC_TIMEOUT = Duration.ofSeconds(60);
  private static final Duration PYTHON_CHECK_TIMEOUT = Duration.ofSeconds(30);
  // Debian installs python3-grpcio and friends for the system Python only, not for a python3
  // earlier on PATH (a virtualenv, pyenv).
  private static final Path SYSTEM_PYTHON = Path.of("/usr/bin/python3");

  private PeerPrograms() {}

  /** The first {@code program} on PATH, or an AssertionError naming {@code debianPackage}. */
  public static Path onPath(String program, String debianPackage) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator, -1)) {
      Path candidate = Path.of(dir, program);
      if (Files.isExecutable(candidate)) {
        return candidate;
      }
    }
    throw new AssertionError(
        program + " is not on PATH: install the Debian package " + debianPackage);
  }

  /** Debian's protoc, the test oracle for everything that reads .proto files. */
  public static Path protoc() {
    return onPath("protoc", "protobuf-compiler");
  }

  /**
   * Writes {@code protoc --include_imports --descriptor_set_out=out} for {@code files}, with {@code
   * --include_source_info} when asked, and returns {@code out}. A failing protoc fails the test
   * with protoc's own output.
   */
  public static Path descriptorSet(
      Path out, List<Path> importPaths, boolean sourceInfo, String... files) {
    List<String> command = new ArrayList<>();
    command.add(protoc().toString());
    command.add("--include_imports");
    if (sourceInfo) {
      command.add("--include_source_info");
    }
    for (Path importPath : importPaths) {
      command.add("-I" + importPath);
    }
    command.add("--descriptor_set_out=" + out);
    command.addAll(List.of(files));
    TestProcess.builder(command).run(PROTOC_TIMEOUT).assertSuccess();
    return out;
  }

  /**
   * The system Python 3, checked to import {@code modules} ({@code "grpc, google.protobuf"}).
   *
   * @throws AssertionError naming {@code debianPackages} to install when it is missing or an import
   *     fails
   */
  public static Path python(String modules, String debianPackages) {
    if (!Files.isExecutable(SYSTEM_PYTHON)) {
      throw new AssertionError(
          SYSTEM_PYTHON + " is missing: install the Debian packages python3 and " + debianPackages);
    }
    TestProcess.Result check =
        TestProcess.builder(SYSTEM_PYTHON.toString(), "-c", "import " + modules)
            .run(PYTHON_CHECK_TIMEOUT);
    if (check.exitCode() != 0) {
      throw new AssertionError(
          SYSTEM_PYTHON
              + " cannot import "
              + modules
              + ": install the Debian package "
              + debianPackages
              + "\n"
              + check.output());
    }
    return SYSTEM_PYTHON;
  }

  /**
   * A command that starts a fresh JVM (the one running the tests) tuned to start quickly (C1 only,
   * serial GC: test JVMs are short-lived and the machine small), followed by {@code args}.
   */
  public static List<String> java(String... args) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-XX:TieredStopAtLevel=1");
    command.add("-XX:+UseSerialGC");
    command.addAll(List.of(args));
    return command;
  }

  /** {@link #java} running {@code mainClass} on this JVM's class path (main and test classes). */
  public static List<String> javaMain(String mainClass, String... args) {
    List<String> command = java("-cp", System.getProperty("java.class.path"), mainClass);
    command.addAll(List.of(args));
    return command;
  }
}
