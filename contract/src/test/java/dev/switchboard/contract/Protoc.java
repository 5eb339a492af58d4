package dev.switchboard.contract;

import com.google.protobuf.DescriptorProtos.FileDescriptorSet;
import dev.switchboard.testing.Fixtures;
import dev.switchboard.testing.PeerPrograms;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Descriptor sets of the shared proto fixtures ({@link Fixtures}), made by the real protoc (Debian
 * protobuf-compiler).
 */
final class Protoc {
  static final Path TEST_PROTOS = Fixtures.protoRoot();

  private Protoc() {}

  /**
   * Writes {@code protoc --include_imports --descriptor_set_out} for the test protos to {@code
   * out}.
   */
  static Path descriptorSet(Path out, String... files) {
    return PeerPrograms.descriptorSet(out, List.of(TEST_PROTOS), false, files);
  }

  static FileDescriptorSet compile(Path tempDir, String... files) throws IOException {
    return FileDescriptorSet.parseFrom(
        Files.readAllBytes(descriptorSet(tempDir.resolve("set.pb"), files)));
  }
}
