package dev.switchboard.wit;

import com.google.protobuf.Descriptors.FileDescriptor;
import dev.switchboard.contract.ContractLoader;
import dev.switchboard.contract.ContractSet;
import dev.switchboard.testing.PeerPrograms;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Compiles .proto files with Debian's protoc (the test oracle the architecture names) into a
 * descriptor set with comments, and links it through the contract module.
 */
final class Protoc {
  private Protoc() {}

  static List<FileDescriptor> compile(Path includeDir, String... files) throws Exception {
    Path out = Files.createTempFile("wit-protoc", ".pb");
    try {
      PeerPrograms.descriptorSet(out, List.of(includeDir), true, files);
      ContractSet set = ContractLoader.builder().build().descriptorSet(out);
      List<FileDescriptor> wanted = new ArrayList<>();
      for (String f : files) {
        wanted.add(
            set.files().stream().filter(fd -> fd.getName().equals(f)).findFirst().orElseThrow());
      }
      return wanted;
    } finally {
      Files.deleteIfExists(out);
    }
  }
}
