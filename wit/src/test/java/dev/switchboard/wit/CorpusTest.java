package dev.switchboard.wit;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Descriptors.FileDescriptor;
import dev.switchboard.contract.OpenApiContract;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Real and adversarial contracts: every one must translate, and every package must pass wasm-tools.
 * The large OpenAPI documents are fetched at test time with {@code npm pack} into target/corpus.
 */
class CorpusTest {
  private static final Path OUT = Path.of("target/corpus-wit");

  @Test
  void protos() throws Exception {
    List<Path> dirs = new ArrayList<>();
    List<FileDescriptor> wellKnown =
        List.of(
            com.google.protobuf.Timestamp.getDescriptor().getFile(),
            com.google.protobuf.Duration.getDescriptor().getFile(),
            com.google.protobuf.Any.getDescriptor().getFile(),
            com.google.protobuf.Struct.getDescriptor().getFile(),
            com.google.protobuf.Empty.getDescriptor().getFile(),
            com.google.protobuf.FieldMask.getDescriptor().getFile(),
            com.google.protobuf.StringValue.getDescriptor().getFile(),
            com.google.protobuf.Api.getDescriptor().getFile(),
            com.google.protobuf.Type.getDescriptor().getFile(),
            com.google.protobuf.SourceContext.getDescriptor().getFile(),
            com.google.protobuf.DescriptorProtos.getDescriptor());
    List<FileDescriptor> grpc =
        List.of(
            io.grpc.health.v1.HealthProto.getDescriptor(),
            io.grpc.reflection.v1.ServerReflectionProto.getDescriptor());
    for (List<FileDescriptor> group : List.of(wellKnown, grpc)) {
      for (FileDescriptor f : group) {
        dirs.add(
            write(
                ProtoTranslator.withVersion("1.0.0").translate(List.of(f)),
                "proto-" + f.getName().replace('/', '-')));
      }
    }
    // google common protos: compiled from the .proto sources in the proto-google-common-protos jar
    // (its generated classes need a newer protobuf runtime than ours).
    Path commonDir = Files.createTempDirectory("common-protos");
    List<String> common =
        List.of(
            "google/rpc/status.proto",
            "google/rpc/error_details.proto",
            "google/rpc/code.proto",
            "google/rpc/context/attribute_context.proto",
            "google/longrunning/operations.proto",
            "google/api/annotations.proto",
            "google/api/http.proto",
            "google/api/service.proto",
            "google/type/date.proto",
            "google/type/money.proto",
            "google/type/latlng.proto",
            "google/type/interval.proto",
            "google/type/expr.proto",
            "google/type/color.proto",
            "google/type/postal_address.proto",
            "google/type/datetime.proto",
            "google/cloud/location/locations.proto",
            "google/logging/type/http_request.proto");
    copyResourceTree(commonDir);
    for (String file : common) {
      dirs.add(
          write(
              ProtoTranslator.withVersion("1.0.0").translate(Protoc.compile(commonDir, file)),
              "proto-" + file.replace('/', '-')));
    }
    dirs.add(
        write(
            ProtoTranslator.withVersion("1.2.3")
                .translate(Protoc.compile(Path.of("src/test/resources/proto"), "grpcbin.proto")),
            "proto-grpcbin"));
    Binding adversarial =
        ProtoTranslator.withVersion("0.1.0")
            .translate(Protoc.compile(Path.of("src/test/resources/proto"), "adversarial.proto"));
    dirs.add(write(adversarial, "proto-adversarial"));
    assertThat(adversarial.warnings())
        .isNotEmpty()
        .allMatch(w -> w.location().matches("adversarial\\.proto:\\d+"));
    String wit = WitPrinter.files(adversarial).values().iterator().next();
    assertThat(wit)
        .contains(
            "package stream-pkg:record-api@0.1.0;",
            "%type: string",
            "%list: string",
            "record http-server-record",
            "children: list<json>");
    assertThat(wit.lines()).allMatch(l -> !l.matches(".*\\b[a-z0-9-]{65,}\\b.*"));
    WasmTools.assertValid(dirs);
  }

  @Test
  void openApiExamples() throws Exception {
    Path pkg = Npm.unpack("@readme/oas-examples@8.2.2");
    List<Path> dirs = new ArrayList<>();
    try (Stream<Path> files = Files.list(pkg.resolve("3.0/json"))) {
      for (Path f : files.filter(p -> p.toString().endsWith(".json")).sorted().toList()) {
        Binding b = OpenApiTranslator.create().translate(OpenApiContract.load(f.toString()));
        dirs.add(write(b, "oas-" + f.getFileName().toString().replace(".json", "")));
      }
    }
    assertThat(dirs).hasSizeGreaterThan(35);
    Binding adversarial =
        OpenApiTranslator.create()
            .translate(OpenApiContract.load("src/test/resources/openapi/adversarial.yaml"));
    dirs.add(write(adversarial, "oas-adversarial"));
    String wit = WitPrinter.files(adversarial).values().iterator().next();
    assertThat(wit)
        .contains(
            "package api:adversarial@2.0.0;",
            "flags node-scopes",
            "permissions: option<list<",
            "variant pet",
            "cat(cat)",
            "auth: option<credentials>",
            "expected-version: option<string>",
            "list: func() -> result<option<owner>, error>;",
            "variant create-result {",
            "created(owner),",
            "accepted(create-accepted-response-body),");
    assertThat(adversarial.warnings()).anyMatch(w -> w.message().contains("exceeds the 32 flags"));
    assertThat(adversarial.warnings())
        .anyMatch(
            w ->
                w.message().contains("recursive reference")
                    && w.location()
                        .endsWith("adversarial.yaml#/components/schemas/Node/properties/children"));
    WasmTools.assertValid(dirs);
  }

  @Test
  void gitHubRestApi() throws Exception {
    Path pkg = Npm.unpack("@octokit/openapi@23.0.2");
    Binding b =
        OpenApiTranslator.create()
            .translate(
                OpenApiContract.load(pkg.resolve("generated/api.github.com.json").toString()));
    long functions =
        b.mainPackage().interfaces().stream().mapToLong(i -> i.functions().size()).sum();
    assertThat(functions).isEqualTo(1223);
    assertThat(BindingJson.create().read(BindingJson.create().write(b))).isEqualTo(b);
    WasmTools.assertValid(List.of(write(b, "github")));
  }

  /**
   * A generated API far beyond the corpus (see {@link SyntheticApi}): with worlds split by
   * interface count alone, its worlds exceed wasm-tools' effective type size (and nesting depth,
   * and enum case) limits. Every world must now build, and everything cut to JSON must say so.
   */
  @Test
  void syntheticGiantApi() throws Exception {
    Path doc = SyntheticApi.write(Path.of("target/synthetic/giant.json"));
    Binding b = OpenApiTranslator.create().translate(OpenApiContract.load(doc.toString()));
    WitPackage main = b.mainPackage();
    assertThat(main.interfaces()).hasSize(SyntheticApi.OPERATIONS + 1);
    WitInterface types = main.findInterface("types").orElseThrow();
    assertThat(types.findType("huge-code").orElseThrow().kind()).isEqualTo(WitType.Kind.ALIAS);
    assertThat(types.findType("huge-code").orElseThrow().origin().attribute("encoding"))
        .isEqualTo("enum-name");
    assertThat(types.findType("large-code").orElseThrow().kind()).isEqualTo(WitType.Kind.ENUM);
    assertThat(b.warnings())
        .anyMatch(w -> w.message().contains("HugeCode") || w.message().contains("huge-code"))
        .anyMatch(w -> w.message().contains("nesting depth"))
        .anyMatch(w -> w.message().contains("effective type size"))
        .allMatch(w -> w.location().isEmpty() || w.location().contains("giant.json#/"));
    // The fan-out keeps its first levels whole and carries the rest as JSON where it must.
    WitType fan = types.findType("fan23").orElseThrow();
    assertThat(fan.members()).anyMatch(m -> "json".equals(m.origin().attribute("encoding")));
    Path dir = write(b, "synthetic-giant");
    int worlds = WasmTools.assertValid(List.of(dir));
    assertThat(worlds).isGreaterThan(1);
  }

  /** Copies google/** .proto files from the common-protos jar on the test class path. */
  private static void copyResourceTree(Path dir) throws Exception {
    java.net.URL marker = CorpusTest.class.getResource("/google/rpc/status.proto");
    assertThat(marker).as("proto-google-common-protos on the test class path").isNotNull();
    String jar = marker.getPath().substring("file:".length(), marker.getPath().indexOf('!'));
    try (java.util.zip.ZipFile zip = new java.util.zip.ZipFile(jar)) {
      for (var entries = zip.entries(); entries.hasMoreElements(); ) {
        var e = entries.nextElement();
        if (e.getName().startsWith("google/")
            && e.getName().endsWith(".proto")
            && !e.getName().startsWith("google/protobuf/")) {
          Path target = dir.resolve(e.getName());
          Files.createDirectories(target.getParent());
          try (var in = zip.getInputStream(e)) {
            Files.copy(in, target);
          }
        }
      }
    }
  }

  private static Path write(Binding b, String name) throws Exception {
    Path dir = OUT.resolve(name);
    if (Files.exists(dir)) {
      try (Stream<Path> walk = Files.walk(dir)) {
        walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
    WitPrinter.write(b, dir);
    return dir;
  }
}
