package dev.switchboard.contract.internal.parser;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.contract.ContractException;
import dev.switchboard.contract.ContractProblem;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Damaged source never crashes the compiler: every mangled variant of the edge protos either
 * compiles or yields located problems. The mutations are seeded, so a failure reproduces.
 */
class MangledInputTest {
  private static final String[] JUNK = {
    "{",
    "}",
    ";",
    "=",
    "[",
    "]",
    "(",
    ")",
    "<",
    ">",
    ".",
    ",",
    "-",
    "\"",
    "'",
    "/*",
    "message",
    "option",
    "map<",
    "oneof",
    "extend",
    "rpc",
    "returns",
    "stream",
    "reserved",
    "to",
    "max",
    "0x",
    "09",
    "1e",
    "\\",
    "(foo).",
    "\u00e9",
    "\t",
    "\n",
    "optional",
    "repeated",
    "required",
    "group",
    "syntax = \"proto2\";",
    "import \"nowhere.proto\";",
    "{ a: [1, }",
    "999999999999999999999"
  };

  @TempDir Path dir;

  @Test
  void mangledSourcesGiveLocatedProblemsNeverCrashes() throws IOException {
    List<String> sources = new ArrayList<>();
    for (String file : EdgeCorpus.FILES) {
      try (InputStream in = getClass().getClassLoader().getResourceAsStream("edge/" + file)) {
        sources.add(new String(in.readAllBytes(), StandardCharsets.UTF_8));
      }
    }
    for (String file : EdgeCorpus.IMPORTED) {
      Path target = dir.resolve(file);
      Files.createDirectories(target.getParent());
      try (InputStream in = getClass().getClassLoader().getResourceAsStream("edge/" + file)) {
        Files.write(target, in.readAllBytes());
      }
    }
    Random random = new Random(20_26_11_21L);
    int rejected = 0;
    for (int round = 0; round < 96; round++) {
      String source = sources.get(round % sources.size());
      String mangled = mangle(source, random);
      Path file = dir.resolve("mangled.proto");
      Files.writeString(file, mangled);
      try {
        ProtoCompiler.create(List.of(dir)).compile(List.of("mangled.proto"));
      } catch (ContractException e) {
        rejected++;
        for (ContractProblem problem : e.problems()) {
          assertThat(problem.location())
              .as("round %d: %s", round, problem)
              .matches("[^:]+(:\\d+:\\d+)?");
          assertThat(problem.message()).isNotBlank();
        }
      } catch (RuntimeException | StackOverflowError e) {
        throw new AssertionError("round " + round + " crashed on:\n" + mangled, e);
      }
    }
    assertThat(rejected).as("mangled files that were rejected").isGreaterThan(48);
  }

  @Test
  void deepNestingIsAnErrorNotAStackOverflow() throws IOException {
    String deep = "syntax = \"proto3\";\n" + "message M {".repeat(5000) + "}".repeat(5000);
    Files.writeString(dir.resolve("deep.proto"), deep);
    String aggregate =
        "syntax = \"proto3\";\nimport \"google/protobuf/descriptor.proto\";\n"
            + "message R { R r = 1; }\nextend google.protobuf.FileOptions { R rr = 50000; }\n"
            + "option (rr) = "
            + "{ r ".repeat(5000)
            + "}".repeat(5000)
            + ";\n";
    Files.writeString(dir.resolve("deep_option.proto"), aggregate);
    for (String name : List.of("deep.proto", "deep_option.proto")) {
      try {
        ProtoCompiler.create(List.of(dir)).compile(List.of(name));
        throw new AssertionError(name + " compiled");
      } catch (ContractException e) {
        assertThat(e.problems().get(0).message()).contains("nest");
      }
    }
  }

  private static String mangle(String source, Random random) {
    StringBuilder out = new StringBuilder(source);
    int edits = 1 + random.nextInt(4);
    for (int i = 0; i < edits; i++) {
      int at = random.nextInt(out.length() + 1);
      switch (random.nextInt(4)) {
        case 0 -> out.delete(at, Math.min(out.length(), at + 1 + random.nextInt(12)));
        case 1 -> out.insert(at, JUNK[random.nextInt(JUNK.length)]);
        case 2 -> out.setLength(Math.max(1, Math.min(out.length(), at)));
        default ->
            out.replace(at, Math.min(out.length(), at + 1), JUNK[random.nextInt(JUNK.length)]);
      }
    }
    return out.toString();
  }
}
