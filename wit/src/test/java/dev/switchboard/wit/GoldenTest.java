package dev.switchboard.wit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.contract.OpenApiContract;
import dev.switchboard.testing.Fixtures;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Seed 003's two worked examples, translated and compared byte for byte with the goldens (the
 * seed's WIT with its mistakes corrected; docs/wit.md lists every difference), then validated by
 * wasm-tools. Set -Dwit.updateGoldens=true to rewrite the goldens after a deliberate change.
 */
class GoldenTest {
  private static final Path GOLDEN = Path.of("src/test/resources/golden");

  @Test
  void todoProto(@TempDir Path out) throws Exception {
    Binding binding =
        ProtoTranslator.withVersion("1.0.0")
            .translate(Protoc.compile(Fixtures.protoRoot(), "todo.proto"));
    check(binding, "todo-proto", out);
  }

  /** The same golden through the pure-JVM loader the CLI uses, not protoc. */
  @Test
  void todoProtoThroughContractLoader(@TempDir Path out) throws Exception {
    var set =
        dev.switchboard.contract.ContractLoader.builder()
            .importPath(Fixtures.protoRoot())
            .build()
            .protos(List.of("todo.proto"));
    var todo =
        set.files().stream()
            .filter(f -> f.getName().equals("todo.proto"))
            .findFirst()
            .orElseThrow();
    check(ProtoTranslator.withVersion("1.0.0").translate(List.of(todo)), "todo-proto", out);
  }

  @Test
  void todoOpenApi(@TempDir Path out) throws Exception {
    Binding binding =
        OpenApiTranslator.create()
            .translate(OpenApiContract.load("src/test/resources/openapi/todo-openapi.yaml"));
    check(binding, "todo-openapi", out);
    assertThat(binding.warnings()).isEmpty();
  }

  private static void check(Binding binding, String name, Path out) throws Exception {
    Path dir = out.resolve(name);
    WitPrinter.write(binding, dir);
    Path goldenDir = GOLDEN.resolve(name);
    if (Boolean.getBoolean("wit.updateGoldens")) {
      WitPrinter.write(binding, goldenDir);
    }
    for (var e : WitPrinter.files(binding).entrySet()) {
      assertThat(e.getValue())
          .as(e.getKey())
          .isEqualTo(Files.readString(goldenDir.resolve(e.getKey()), StandardCharsets.UTF_8));
    }
    WasmTools.assertValid(List.of(dir));
  }
}
