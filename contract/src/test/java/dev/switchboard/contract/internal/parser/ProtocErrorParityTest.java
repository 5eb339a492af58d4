package dev.switchboard.contract.internal.parser;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.contract.ContractException;
import dev.switchboard.contract.ContractProblem;
import dev.switchboard.testing.PeerPrograms;
import dev.switchboard.testing.TestProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Broken protos under src/test/resources/parser/errors: every error protoc reports with a location
 * must be among ours, at the same {@code line:column}, with protoc's message as the start of ours
 * (we may add a hint such as the nearest names). protoc often stops after the first failing phase,
 * so we may report more; that is intended.
 */
class ProtocErrorParityTest {
  static final List<String> FILES =
      List.of(
          "syntax.proto",
          "semantic.proto",
          "tabs.proto",
          "types.proto",
          "options.proto",
          "rules.proto",
          "extensions.proto");

  @TempDir static Path dir;

  @TestFactory
  Stream<DynamicTest> ourErrorsIncludeProtocsAtTheSameLocations() throws IOException {
    Path protoc = PeerPrograms.protoc();
    ProtoSources.copyResources("parser/errors", FILES, dir);
    List<DynamicTest> tests = new ArrayList<>();
    for (String file : FILES) {
      tests.add(
          DynamicTest.dynamicTest(
              file,
              () -> {
                List<String> expected = protocErrors(protoc, file);
                assertThat(expected).as("protoc must reject %s", file).isNotEmpty();
                List<String> ours = new ArrayList<>();
                try {
                  ProtoCompiler.create(List.of(dir)).compile(List.of(file));
                } catch (ContractException e) {
                  for (ContractProblem problem : e.problems()) {
                    ours.add(problem.toString());
                  }
                }
                for (String error : expected) {
                  String prefix =
                      error.endsWith(".") ? error.substring(0, error.length() - 1) : error;
                  assertThat(ours).as("protoc said: %s", error).anyMatch(o -> o.startsWith(prefix));
                }
              }));
    }
    return tests.stream();
  }

  /** protoc's located errors, without its follow-up notes. */
  private static List<String> protocErrors(Path protoc, String file) throws IOException {
    String output =
        TestProcess.builder(
                protoc.toString(),
                "-I" + dir,
                "--descriptor_set_out=" + dir.resolve("out.pb"),
                file)
            .directory(dir)
            .run(Duration.ofSeconds(60))
            .output();
    List<String> errors = new ArrayList<>();
    for (String line : output.split("\n")) {
      if (line.matches("[^:]+:\\d+:\\d+: .*") && !line.contains("Suggested field numbers")) {
        errors.add(line.strip());
      }
    }
    Files.deleteIfExists(dir.resolve("out.pb"));
    return errors;
  }
}
