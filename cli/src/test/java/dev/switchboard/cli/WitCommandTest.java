package dev.switchboard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.wit.Binding;
import dev.switchboard.wit.BindingJson;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WitCommandTest {
  private static final String PETS =
      """
      openapi: 3.0.3
      info: {title: Pet Store API, version: 1.2.0}
      paths:
        /pets/{petId}:
          get:
            parameters:
              - {name: petId, in: path, required: true, schema: {type: string}}
            responses:
              '200':
                description: ok
                content:
                  application/json:
                    schema: {$ref: '#/components/schemas/Pet'}
              '404': {description: missing}
      components:
        schemas:
          Pet:
            type: object
            required: [name]
            properties:
              name: {type: string}
              tag: {$ref: '#/components/schemas/Missing'}
      """;

  @Test
  void writesPackageAndBinding(@TempDir Path dir) throws Exception {
    Path spec = dir.resolve("pets.yaml");
    Files.writeString(
        spec, PETS.replace("tag: {$ref: '#/components/schemas/Missing'}", "tag: {type: string}"));
    Path out = dir.resolve("out");
    SbRun run = SbRun.run("wit", "--openapi", spec.toString(), "-o", out.toString(), "--binding");
    assertThat(run.exit()).as(run.toString()).isZero();
    assertThat(run.out()).contains("wrote api:pet-store@1.2.0");
    assertThat(Files.readString(out.resolve("pet-store.wit")))
        .contains("interface pets-resource", "get: func(pet-id: string) -> result<pet, error>;");
    assertThat(out.resolve("deps/switchboard-rpc/rpc.wit")).exists();
    Binding binding = BindingJson.create().read(out.resolve("binding.json"));
    assertThat(binding.mainPackage().qualifiedName()).isEqualTo("api:pet-store");
  }

  @Test
  void listsEveryErrorWithItsLocationAndExits2(@TempDir Path dir) throws Exception {
    Path spec = dir.resolve("pets.yaml");
    Files.writeString(spec, PETS);
    Path out = dir.resolve("out");
    SbRun run = SbRun.run("wit", "--openapi", spec.toString(), "-o", out.toString());
    assertThat(run.exit()).as(run.toString()).isEqualTo(2);
    assertThat(run.err())
        .contains(
            "#/components/schemas/Pet/properties/tag: $ref #/components/schemas/Missing points to nothing");
    assertThat(out).doesNotExist();
  }

  @Test
  void translatesProtoWithImportPath(@TempDir Path dir) throws Exception {
    Path protos = Files.createDirectories(dir.resolve("protos"));
    Files.writeString(
        protos.resolve("shop.proto"),
        """
        syntax = "proto3";
        package shop.v1;
        import "google/protobuf/timestamp.proto";
        // An order.
        message Order { string id = 1; google.protobuf.Timestamp placed_at = 2; }
        service Orders {
          rpc Get(Order) returns (Order);
          rpc Watch(Order) returns (stream Order);
        }
        """);
    Path out = dir.resolve("out");
    SbRun run =
        SbRun.run(
            "wit",
            "--proto",
            "shop.proto",
            "-I",
            protos.toString(),
            "--version",
            "2.0.0",
            "-o",
            out.toString(),
            "--binding");
    assertThat(run.exit()).as(run.toString()).isZero();
    String wit = Files.readString(out.resolve("shop.wit"));
    assertThat(wit)
        .contains(
            "package shop:shop@2.0.0;",
            "placed-at: option<timestamp>,",
            "resource watch-stream",
            "get: func(request: order) -> result<order, error>;");
    assertThat(out.resolve("binding.json")).exists();
    // the gRPC stub's descriptors, beside the binding
    assertThat(
            dev.switchboard.contract.ContractLoader.builder()
                .build()
                .descriptorSet(out.resolve("descriptors.binpb"))
                .message("shop.v1.Order"))
        .isPresent();
  }

  @Test
  void warnsWithLocationsAndShowsProgressWithoutBlocking(@TempDir Path dir) throws Exception {
    StringBuilder paths = new StringBuilder();
    for (int i = 0; i < 210; i++) {
      paths
          .append("  /things")
          .append(i)
          .append(":\n    get:\n      responses:\n        '200':\n")
          .append("          description: ok\n          content:\n            application/json:\n")
          .append("              schema: {$ref: '#/components/schemas/Node'}\n");
    }
    Path spec = dir.resolve("big.yaml");
    Files.writeString(
        spec,
        "openapi: 3.0.3\ninfo: {title: Big, version: 1.0.0}\npaths:\n"
            + paths
            + "components:\n  schemas:\n    Node:\n      type: object\n      properties:\n"
            + "        next: {$ref: '#/components/schemas/Node'}\n");
    Path out = dir.resolve("out");
    SbRun run = SbRun.run("wit", "--openapi", spec.toString(), "-o", out.toString());
    assertThat(run.exit()).as(run.toString()).isZero();
    assertThat(run.err())
        .contains("translated 200 of 210 operations")
        .contains(
            "warning: " + spec + "#/components/schemas/Node/properties/next: recursive reference");
    assertThat(Files.readString(out.resolve("big.wit"))).contains("next: option<json>,");
  }

  @Test
  void protoNeedsAVersion(@TempDir Path dir) throws Exception {
    Path proto = dir.resolve("a.proto");
    Files.writeString(proto, "syntax = \"proto3\"; package a.v1; message M { string s = 1; }");
    SbRun run = SbRun.run("wit", "--proto", proto.toString(), "-o", dir.resolve("out").toString());
    assertThat(run.exit()).as(run.toString()).isEqualTo(2);
    assertThat(run.err()).contains("--version");
  }
}
