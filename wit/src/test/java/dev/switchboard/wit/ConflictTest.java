package dev.switchboard.wit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.contract.ContractException;
import dev.switchboard.contract.OpenApiContract;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Conflicts that a suffix cannot fix, dangling references, and the documented size fallbacks. */
class ConflictTest {
  @Test
  void unresolvableSchemaConflictNamesBothSources() {
    String doc =
        """
        openapi: 3.0.3
        info: {title: Clash, version: 1.0.0}
        paths: {}
        components:
          schemas:
            Foo-Bar: {type: object, properties: {a: {type: string}}}
            foo_bar: {type: object, properties: {a: {type: string}}}
            FooBar: {type: object, properties: {a: {type: string}}}
        """;
    assertThatThrownBy(
            () -> OpenApiTranslator.create().translate(OpenApiContract.parse(doc, "clash.yaml")))
        .isInstanceOf(ContractException.class)
        .hasMessageContaining("#/components/schemas/FooBar")
        .hasMessageContaining("FooBar")
        .hasMessageContaining("Foo-Bar");
  }

  @Test
  void propertyConflictAndDanglingRefAreAllReportedTogether() {
    String doc =
        """
        openapi: 3.0.3
        info: {title: Clash, version: 1.0.0}
        paths: {}
        components:
          schemas:
            A:
              type: object
              properties:
                user_id: {type: string}
                userId: {type: string}
                USER_ID: {type: string}
                other: {$ref: '#/components/schemas/Nowhere'}
        """;
    assertThatThrownBy(
            () -> OpenApiTranslator.create().translate(OpenApiContract.parse(doc, "clash.yaml")))
        .isInstanceOfSatisfying(
            ContractException.class,
            e -> {
              assertThat(e.problems()).hasSize(2);
              assertThat(e.problems().get(0).location())
                  .isEqualTo("clash.yaml#/components/schemas/A/properties/USER_ID");
              assertThat(e.problems().get(0).message()).contains("'USER_ID'", "'user_id'");
              assertThat(e.problems().get(1).message())
                  .contains("#/components/schemas/Nowhere points to nothing");
            });
  }

  @Test
  void hugeMessagesFallBackToJson(@TempDir Path dir) throws Exception {
    StringBuilder fields = new StringBuilder();
    for (int i = 1; i <= 10_001; i++) {
      fields.append("  string f").append(i).append(" = ").append(i).append(";\n");
    }
    java.nio.file.Files.writeString(
        dir.resolve("wide.proto"),
        "syntax = \"proto3\";\npackage wide.v1;\nmessage Wide {\n"
            + fields
            + "}\n"
            + "message Holder { Wide wide = 1; }\n");
    Binding b = ProtoTranslator.withVersion("1.0.0").translate(Protoc.compile(dir, "wide.proto"));
    WitType wide =
        b.mainPackage().findInterface("types").orElseThrow().findType("wide").orElseThrow();
    assertThat(wide.kind()).isEqualTo(WitType.Kind.ALIAS);
    assertThat(b.warnings()).anyMatch(w -> w.location().startsWith("wide.proto:3"));
    WitPrinter.write(b, dir.resolve("out"));
    WasmTools.assertValid(List.of(dir.resolve("out")));
  }

  @Test
  void hugeObjectsFallBackToJsonAndStayValid(@TempDir Path dir) throws Exception {
    StringBuilder props = new StringBuilder();
    for (int i = 0; i <= 10_000; i++) {
      props.append("        p").append(i).append(": {type: string}\n");
    }
    String doc =
        "openapi: 3.0.3\ninfo: {title: Wide, version: 1.0.0}\npaths: {}\ncomponents:\n  schemas:\n"
            + "    Wide:\n      type: object\n      properties:\n"
            + props;
    Binding b = OpenApiTranslator.create().translate(OpenApiContract.parse(doc, "wide.yaml"));
    WitType wide =
        b.mainPackage().findInterface("types").orElseThrow().findType("wide").orElseThrow();
    assertThat(wide.kind()).isEqualTo(WitType.Kind.ALIAS);
    assertThat(wide.origin().attribute("encoding")).isEqualTo("json");
    assertThat(b.warnings())
        .anyMatch(w -> w.location().equals("wide.yaml#/components/schemas/Wide"));
    WitPrinter.write(b, dir.resolve("wide"));
    WasmTools.assertValid(List.of(dir.resolve("wide")));
  }
}
