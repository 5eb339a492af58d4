package dev.switchboard.contract;

import com.google.protobuf.DescriptorProtos.FileDescriptorSet;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the real protoc (Debian protobuf-compiler) to make descriptor sets for tests. */
final class Protoc {
  static final Path TEST_PROTOS = Path.of("src/test/resources/contract").toAbsolutePath();

  private Protoc() {}

  /** Writes {@code protoc --include_imports --descriptor_set_out} for the test protos to {@code out}. */
  static Path descriptorSet(Path out, String... files) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(executable(), "-I" + TEST_PROTOS, "--include_imports",
        "--descriptor_set_out=" + out));
    command.addAll(List.of(files));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes());
    if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
      throw new AssertionError("protoc failed: " + output);
    }
    return out;
  }

  static FileDescriptorSet compile(Path tempDir, String... files) throws IOException, InterruptedException {
    return FileDescriptorSet.parseFrom(Files.readAllBytes(descriptorSet(tempDir.resolve("set.pb"), files)));
  }

  private static String executable() {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
      if (Files.isExecutable(Path.of(dir, "protoc"))) {
        return Path.of(dir, "protoc").toString();
      }
    }
    throw new AssertionError("protoc is not on PATH: install the Debian package protobuf-compiler");
  }
}
