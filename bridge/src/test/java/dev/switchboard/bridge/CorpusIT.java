package dev.switchboard.bridge;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Descriptors.FileDescriptor;
import dev.switchboard.contract.ContractLoader;
import dev.switchboard.contract.ContractSet;
import dev.switchboard.contract.OpenApiContract;
import dev.switchboard.testing.Fixtures;
import dev.switchboard.testing.PeerPrograms;
import dev.switchboard.testing.TestProcess;
import dev.switchboard.wit.Binding;
import dev.switchboard.wit.OpenApiTranslator;
import dev.switchboard.wit.ProtoTranslator;
import dev.switchboard.wit.WitField;
import dev.switchboard.wit.WitTypeRef;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The wit module's corpus, as stubs see it: for every package, every function lists with its WIT
 * signature (what {@code sb invoke --list} prints), and every parameter type round-trips a rich
 * sample value WAVE → value → WAVE and JSON → value → JSON. The large OpenAPI documents are fetched
 * with {@code npm pack} at test time, the same versions the wit module validates.
 */
class CorpusIT {
  private static final Path WIT_RESOURCES = Path.of("../wit/src/test/resources");
  private static final Path CORPUS = Path.of("target/corpus");

  /** What went wrong, per package and function; empty when everything round-tripped. */
  private final List<String> failures = new ArrayList<>();

  private int functions;

  @Test
  void protoPackages(@TempDir Path common) throws Exception {
    List<FileDescriptor> files =
        new ArrayList<>(
            List.of(
                com.google.protobuf.Timestamp.getDescriptor().getFile(),
                com.google.protobuf.Duration.getDescriptor().getFile(),
                com.google.protobuf.Any.getDescriptor().getFile(),
                com.google.protobuf.Struct.getDescriptor().getFile(),
                com.google.protobuf.Empty.getDescriptor().getFile(),
                com.google.protobuf.FieldMask.getDescriptor().getFile(),
                com.google.protobuf.StringValue.getDescriptor().getFile(),
                com.google.protobuf.Api.getDescriptor().getFile(),
                com.google.protobuf.Type.getDescriptor().getFile()));
    files.add(com.google.protobuf.DescriptorProtos.getDescriptor());
    for (FileDescriptor f : files) {
      check(
          "proto " + f.getName(),
          ProtoTranslator.withVersion("1.0.0").translate(List.of(f)),
          ContractSet.of(List.of(f)));
    }
    List<String> googleProtos =
        List.of(
            "google/rpc/status.proto",
            "google/rpc/error_details.proto",
            "google/rpc/code.proto",
            "google/longrunning/operations.proto",
            "google/type/date.proto",
            "google/type/money.proto",
            "google/type/latlng.proto",
            "google/type/interval.proto",
            "google/type/expr.proto",
            "google/type/color.proto",
            "google/type/postal_address.proto",
            "google/type/datetime.proto",
            "google/cloud/location/locations.proto",
            "google/logging/type/http_request.proto",
            "google/api/annotations.proto",
            "google/api/http.proto",
            "google/api/client.proto",
            "google/api/field_behavior.proto",
            "google/api/launch_stage.proto",
            "google/api/resource.proto");
    for (String f : googleProtos) {
      copyResource(f, common);
    }
    for (String f : googleProtos) {
      if (f.startsWith("google/api/") && !f.equals("google/api/http.proto")) {
        continue;
      }
      protoFile(common, f);
    }
    protoFile(WIT_RESOURCES.resolve("proto"), "grpcbin.proto");
    protoFile(WIT_RESOURCES.resolve("proto"), "adversarial.proto");
    protoFile(Fixtures.protoRoot(), "todo.proto");
    protoFile(Contracts.RESOURCES.resolve("proto"), "shapes.proto");
    assertThat(failures).as("round-trip failures over %d functions", functions).isEmpty();
    assertThat(functions).isGreaterThan(40);
  }

  private static void copyResource(String name, Path dir) throws Exception {
    try (InputStream in = CorpusIT.class.getClassLoader().getResourceAsStream(name)) {
      if (in == null) {
        return;
      }
      Path target = dir.resolve(name);
      Files.createDirectories(target.getParent());
      Files.copy(in, target);
    }
  }

  /** Compiled by Debian's protoc, as the wit module's corpus is. */
  private void protoFile(Path dir, String file) throws Exception {
    Path out = Files.createTempFile("bridge-corpus", ".pb");
    ContractSet set;
    try {
      PeerPrograms.descriptorSet(out, List.of(dir), false, file);
      set = ContractLoader.builder().build().descriptorSet(out);
    } finally {
      Files.deleteIfExists(out);
    }
    Binding b =
        ProtoTranslator.withVersion("1.0.0")
            .translate(set.files().stream().filter(f -> f.getName().equals(file)).toList());
    check("proto " + file, b, set);
  }

  @Test
  void openApiPackages() throws Exception {
    check("openapi todo", openApi(WIT_RESOURCES.resolve("openapi/todo-openapi.yaml")), null);
    check("openapi adversarial", openApi(WIT_RESOURCES.resolve("openapi/adversarial.yaml")), null);
    check("openapi features", openApi(Contracts.RESOURCES.resolve("openapi/features.yaml")), null);
    Path examples = unpack("@readme/oas-examples@8.2.2");
    int documents = 0;
    try (Stream<Path> files = Files.list(examples.resolve("3.0/json"))) {
      for (Path f : files.filter(p -> p.toString().endsWith(".json")).sorted().toList()) {
        check("oas-examples " + f.getFileName(), openApi(f), null);
        documents++;
      }
    }
    assertThat(documents).isGreaterThan(35);
    Path octokit = unpack("@octokit/openapi@23.0.2");
    int before = functions;
    check("GitHub", openApi(octokit.resolve("generated/api.github.com.json")), null);
    assertThat(functions - before).isGreaterThanOrEqualTo(1223);
    assertThat(failures).as("round-trip failures over %d functions", functions).isEmpty();
  }

  private static Binding openApi(Path document) throws Exception {
    return OpenApiTranslator.create().translate(OpenApiContract.load(document.toString()));
  }

  private void fail(String message) {
    if (failures.size() < 40) {
      failures.add(message.length() > 600 ? message.substring(0, 600) + "..." : message);
    }
  }

  private void check(String pkg, Binding binding, ContractSet descriptors) {
    WitTypes types = descriptors == null ? WitTypes.of(binding) : WitTypes.of(binding, descriptors);
    WitJson json = WitJson.of(types);
    for (WitTypes.Function f : types.functions()) {
      functions++;
      String signature = WitTypes.signature(f);
      if (!signature.startsWith(f.name() + ": func(")) {
        fail(pkg + " " + f.name() + ": signature " + signature);
      }
      for (WitField p : f.function().params()) {
        WitTypeRef type = p.type();
        String where = pkg + " " + f.name() + "(" + p.name() + ")";
        try {
          WitValue sample = types.check(type, Samples.rich(types, type), p.name());
          String wave = Wave.print(sample);
          WitValue back = Wave.parse(types, type, wave);
          if (!back.equals(sample) || !Wave.print(back).equals(wave)) {
            fail(where + ": WAVE " + wave + " read back as " + Wave.print(back));
          }
          String text = json.print(type, sample);
          String again = json.print(type, json.parse(type, text));
          if (!again.equals(text)) {
            fail(where + ": JSON " + text + " read back as " + again);
          }
        } catch (RuntimeException e) {
          fail(where + ": " + e);
        }
      }
    }
  }

  /** npm pack of a package into target/corpus (cached per build), unpacked. */
  private static synchronized Path unpack(String spec) throws Exception {
    Path dir = CORPUS.resolve(spec.replace('/', '_').replace("@", ""));
    Path done = dir.resolve(".unpacked");
    if (!Files.exists(done)) {
      Files.createDirectories(dir);
      String out =
          TestProcess.builder(
                  PeerPrograms.onPath("npm", "npm").toString(), "pack", "--silent", spec)
              .directory(dir)
              .run(Duration.ofMinutes(3))
              .assertSuccess()
              .stdout()
              .strip();
      String tarball = out.lines().reduce((a, b) -> b).orElseThrow();
      TestProcess.builder("tar", "xzf", tarball)
          .directory(dir)
          .run(Duration.ofMinutes(1))
          .assertSuccess();
      Files.delete(dir.resolve(tarball));
      Files.createFile(done);
    }
    return dir.resolve("package");
  }
}
