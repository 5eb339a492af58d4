package dev.switchboard.testing;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Finds and runs the real programs the tests talk to (Debian's protoc, Go, Node, Python). A missing
 * program fails the test with the Debian package that provides it, never skips it: a green run must
 * mean the peer was really there.
 */
public final class PeerPrograms {
  private PeerPrograms() {}

  /** The first {@code program} on PATH, or an AssertionError naming {@code debianPackage}. */
  public static Path onPath(String program, String debianPackage) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
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
      Path out, List<Path> importPaths, boolean sourceInfo, String... files)
      throws IOException, InterruptedException {
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
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
      process.destroyForcibly();
      throw new AssertionError("protoc failed on " + String.join(" ", files) + ": " + output);
    }
    return out;
  }
}
