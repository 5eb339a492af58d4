package dev.switchboard.wit;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Descriptors.FileDescriptor;
import dev.switchboard.contract.ContractLoader;
import dev.switchboard.contract.ContractSet;
import java.io.File;
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
    Path protoc = findOnPath("protoc");
    Path out = Files.createTempFile("wit-protoc", ".pb");
    try {
      List<String> cmd = new ArrayList<>(List.of(protoc.toString(), "--include_imports", "--include_source_info",
          "-I" + includeDir, "--descriptor_set_out=" + out));
      cmd.addAll(List.of(files));
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      String output = new String(p.getInputStream().readAllBytes());
      assertThat(p.waitFor()).as("protoc output: %s", output).isZero();
      ContractSet set = ContractLoader.builder().build().descriptorSet(out);
      List<FileDescriptor> wanted = new ArrayList<>();
      for (String f : files) {
        wanted.add(set.files().stream().filter(fd -> fd.getName().equals(f)).findFirst().orElseThrow());
      }
      return wanted;
    } finally {
      Files.deleteIfExists(out);
    }
  }

  static Path findOnPath(String tool) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      Path candidate = Path.of(dir, tool);
      if (Files.isExecutable(candidate)) {
        return candidate;
      }
    }
    throw new AssertionError(tool + " is not on PATH: install the Debian package "
        + (tool.equals("protoc") ? "protobuf-compiler" : "nodejs"));
  }
}
