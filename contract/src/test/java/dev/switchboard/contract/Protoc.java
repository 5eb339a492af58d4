package dev.switchboard.contract;

import com.google.protobuf.DescriptorProtos.FileDescriptorSet;
import dev.switchboard.testing.PeerPrograms;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Descriptor sets of this module's test protos, made by the real protoc (Debian protobuf-compiler).
 */
final class Protoc {
  static final Path TEST_PROTOS = Path.of("src/test/resources/contract").toAbsolutePath();

  private Protoc() {}

  /**
   * Writes {@code protoc --include_imports --descriptor_set_out} for the test protos to {@code
   * out}.
   */
  static Path descriptorSet(Path out, String... files) throws IOException, InterruptedException {
    return PeerPrograms.descriptorSet(out, List.of(TEST_PROTOS), false, files);
  }

  static FileDescriptorSet compile(Path tempDir, String... files)
      throws IOException, InterruptedException {
    return FileDescriptorSet.parseFrom(
        Files.readAllBytes(descriptorSet(tempDir.resolve("set.pb"), files)));
  }
}
