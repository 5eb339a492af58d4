package dev.switchboard.contract.internal.parser;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.DescriptorProtos.SourceCodeInfo;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.TextFormat;
import com.google.protobuf.WireFormat;
import dev.switchboard.contract.ContractException;
import dev.switchboard.testing.Fixtures;
import dev.switchboard.testing.PeerPrograms;
import dev.switchboard.testing.TestProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The oracle test: Debian's protoc compiles a corpus of real protos with {@code --include_imports
 * --include_source_info --descriptor_set_out}, our compiler compiles the same sources, and every
 * FileDescriptorProto must be equal (source_code_info cleared). Each file's source_code_info is
 * compared on its own by {@link SourceInfoComparison}: our declarations' locations (path, span,
 * comments) must be protoc's. Both read the same source files: the well-known types are extracted
 * from the protobuf-java jar and passed first with -I, so protoc's older bundled copies are never
 * used.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ProtocFidelityTest {
  private static final String WKT_ANCHOR = "google/protobuf/descriptor.proto";

  @TempDir static Path work;

  private Path protoc;
  private Path wkt;
  private final Map<String, Corpus> corpora = new LinkedHashMap<>();
  private static final int FILE_TAG = 10;
  private final Map<String, ByteString> rawBytes = new HashMap<>();
  private final Map<String, SourceCodeInfo> protocSourceInfo = new HashMap<>();
  private int compared;
  private int rawIdentical;
  private int sourceInfoCompared;
  private int ourLocations;
  private int commentedLocations;
  private int declarationLocations;

  /** Sources under {@code root}; {@code ourImportPaths} are what our compiler is given. */
  private record Corpus(Path root, List<String> files, List<Path> ourImportPaths) {}

  @BeforeAll
  void prepare() throws IOException {
    protoc = PeerPrograms.protoc();
    wkt = work.resolve("wkt");
    List<String> wktFiles =
        ProtoSources.extract(WKT_ANCHOR, "protobuf-java", List.of("google/protobuf/"), wkt);
    corpora.put("well-known types", new Corpus(wkt, wktFiles, List.of(wkt)));

    Path interop = work.resolve("interop");
    corpora.put(
        "grpc-interop-testing",
        new Corpus(
            interop,
            ProtoSources.extract(
                "grpc/testing/messages.proto",
                "grpc-interop-testing",
                List.of("grpc/testing/"),
                interop),
            List.of(wkt, interop)));
    Path benchmarks = work.resolve("benchmarks");
    corpora.put(
        "grpc-benchmarks",
        new Corpus(
            benchmarks,
            ProtoSources.extract(
                "grpc/testing/messages.proto",
                "grpc-benchmarks",
                List.of("grpc/testing/"),
                benchmarks),
            List.of(wkt, benchmarks)));
    Path services = work.resolve("services");
    List<String> serviceFiles =
        ProtoSources.extract(
            "grpc/health/v1/health.proto",
            "grpc-services",
            List.of("grpc/health/v1/health.proto", "grpc/reflection/v1/reflection.proto"),
            services);
    corpora.put("grpc-services", new Corpus(services, serviceFiles, List.of(wkt, services)));
    Path common = work.resolve("common");
    corpora.put(
        "common protos",
        new Corpus(
            common,
            ProtoSources.extract(
                "google/api/http.proto",
                "proto-google-common-protos",
                List.of("google/api/", "google/rpc/", "google/longrunning/"),
                common),
            List.of(wkt, common)));

    corpora.put(
        "todo (a published service)",
        new Corpus(Fixtures.protoRoot(), List.of("todo.proto"), List.of(Fixtures.protoRoot())));
    // Our side gets only the edge directory: the well-known types it imports come bundled.
    Path edge = work.resolve("edge");
    ProtoSources.copyResources("edge", EdgeCorpus.IMPORTED, edge);
    corpora.put(
        "edge cases",
        new Corpus(
            edge, ProtoSources.copyResources("edge", EdgeCorpus.FILES, edge), List.of(edge)));
  }

  @TestFactory
  Stream<DynamicTest> everyFileMatchesProtoc() throws Exception {
    List<DynamicTest> tests = new ArrayList<>();
    int total = 0;
    for (Map.Entry<String, Corpus> entry : corpora.entrySet()) {
      Corpus corpus = entry.getValue();
      assertThat(corpus.files()).as("corpus %s", entry.getKey()).isNotEmpty();
      Map<String, FileDescriptorProto> expected = runProtoc(corpus);
      Map<String, FileDescriptorProto> actual = new LinkedHashMap<>();
      List<String> ourOrder = new ArrayList<>();
      ContractException failure = null;
      try {
        for (FileDescriptorProto file :
            ProtoCompiler.create(corpus.ourImportPaths()).compile(corpus.files())) {
          actual.put(file.getName(), file);
          ourOrder.add(file.getName());
        }
      } catch (ContractException e) {
        failure = e;
      }
      ContractException compileFailure = failure;
      List<String> protocOrder = new ArrayList<>(expected.keySet());
      tests.add(
          DynamicTest.dynamicTest(
              entry.getKey() + ": compiles, same files in the same order, links in protobuf-java",
              () -> {
                if (compileFailure != null) {
                  fail(
                      "our compiler rejected corpus "
                          + entry.getKey()
                          + ":\n"
                          + compileFailure.getMessage());
                }
                assertThat(ourOrder).isEqualTo(protocOrder);
                // What ContractSet does with the result: every file links in protobuf-java.
                Map<String, FileDescriptor> built = new HashMap<>();
                for (FileDescriptorProto file : actual.values()) {
                  FileDescriptor[] deps =
                      file.getDependencyList().stream()
                          .map(built::get)
                          .toArray(FileDescriptor[]::new);
                  built.put(file.getName(), FileDescriptor.buildFrom(file, deps));
                }
              }));
      for (Map.Entry<String, FileDescriptorProto> file : expected.entrySet()) {
        total++;
        // Keyed by corpus too: two corpora hold different grpc/testing/messages.proto files.
        ByteString raw = rawBytes.get(corpus.root() + ":" + file.getKey());
        SourceCodeInfo protocInfo = protocSourceInfo.get(corpus.root() + ":" + file.getKey());
        tests.add(
            DynamicTest.dynamicTest(
                entry.getKey() + ": " + file.getKey(),
                () -> {
                  assertSame(file.getValue(), actual.get(file.getKey()), file.getKey());
                  compared++;
                  // protoc's own bytes usually match too; where not, only the order of fields
                  // differs:
                  // C++ keeps unknown fields (custom options) in insertion order, protobuf-java
                  // sorts them.
                  if (raw.equals(
                      actual.get(file.getKey()).toBuilder()
                          .clearSourceCodeInfo()
                          .build()
                          .toByteString())) {
                    rawIdentical++;
                  }
                }));
        tests.add(
            DynamicTest.dynamicTest(
                entry.getKey() + ": source info of " + file.getKey(),
                () -> {
                  FileDescriptorProto ours = actual.get(file.getKey());
                  if (ours == null) {
                    fail(file.getKey() + ": protoc emitted it, our compiler did not");
                  }
                  SourceInfoComparison.Result result =
                      SourceInfoComparison.check(
                          file.getKey(), file.getValue(), protocInfo, ours.getSourceCodeInfo());
                  sourceInfoCompared++;
                  ourLocations += result.ours();
                  commentedLocations += result.commented();
                  declarationLocations += result.declarations();
                }));
      }
    }
    assertThat(total).as("files in the corpus").isGreaterThan(60);
    int expectedTotal = total;
    tests.add(
        DynamicTest.dynamicTest(
            "summary",
            () -> {
              System.out.printf(
                  "protoc fidelity: %d of %d FileDescriptorProtos equal to protoc's; %d byte-identical"
                      + " to protoc's raw output%n",
                  compared, expectedTotal, rawIdentical);
              System.out.printf(
                  "source info: %d of %d files match protoc's; our %d locations are all protoc's, among"
                      + " them all %d commented ones and all %d declarations protoc locates%n",
                  sourceInfoCompared,
                  expectedTotal,
                  ourLocations,
                  commentedLocations,
                  declarationLocations);
              assertThat(compared).isEqualTo(expectedTotal);
              assertThat(sourceInfoCompared).isEqualTo(expectedTotal);
              assertThat(commentedLocations)
                  .as("commented locations in the corpus")
                  .isGreaterThan(1000);
            }));
    return tests.stream();
  }

  private Map<String, FileDescriptorProto> runProtoc(Corpus corpus) throws IOException {
    Path out = Files.createTempFile(work, "set", ".pb");
    List<String> command = new ArrayList<>();
    command.add(protoc.toString());
    command.add("-I" + wkt);
    if (!corpus.root().equals(wkt)) {
      command.add("-I" + corpus.root());
    }
    command.add("--include_imports");
    command.add("--include_source_info");
    command.add("--descriptor_set_out=" + out);
    command.addAll(corpus.files());
    TestProcess.builder(command).run(Duration.ofSeconds(60)).assertSuccess();
    // Each file's bytes exactly as protoc wrote them (FileDescriptorSet.file is field 1).
    Map<String, FileDescriptorProto> files = new LinkedHashMap<>();
    CodedInputStream in = CodedInputStream.newInstance(Files.readAllBytes(out));
    while (!in.isAtEnd()) {
      assertThat(in.readTag()).isEqualTo(FILE_TAG);
      ByteString raw = in.readBytes();
      FileDescriptorProto file = FileDescriptorProto.parseFrom(raw);
      files.put(file.getName(), file.toBuilder().clearSourceCodeInfo().build());
      protocSourceInfo.put(corpus.root() + ":" + file.getName(), file.getSourceCodeInfo());
      rawBytes.put(corpus.root() + ":" + file.getName(), withoutSourceInfo(raw));
    }
    return files;
  }

  /** protoc's bytes without field 9 (source_code_info), every other field as written. */
  private static ByteString withoutSourceInfo(ByteString raw) throws IOException {
    CodedInputStream in = raw.newCodedInput();
    ByteString.Output out = ByteString.newOutput(raw.size());
    CodedOutputStream copy = CodedOutputStream.newInstance(out);
    while (true) {
      int tag = in.readTag();
      if (tag == 0) {
        break;
      }
      if (WireFormat.getTagFieldNumber(tag) == FileDescriptorProto.SOURCE_CODE_INFO_FIELD_NUMBER) {
        in.skipField(tag);
      } else {
        in.skipField(tag, copy);
      }
    }
    copy.flush();
    return out.toByteString();
  }

  static void assertSame(FileDescriptorProto expected, FileDescriptorProto actual, String name) {
    if (actual == null) {
      fail(name + ": protoc emitted it, our compiler did not");
    }
    FileDescriptorProto ours = actual.toBuilder().clearSourceCodeInfo().build();
    if (expected.equals(ours) && expected.toByteString().equals(ours.toByteString())) {
      return;
    }
    fail(name + " differs from protoc:\n" + firstDifference(expected, ours));
  }

  /** The first differing line of the two text renderings, with the field path that leads to it. */
  static String firstDifference(FileDescriptorProto expected, FileDescriptorProto actual) {
    String[] a = TextFormat.printer().printToString(expected).split("\n");
    String[] b = TextFormat.printer().printToString(actual).split("\n");
    Deque<String> path = new ArrayDeque<>();
    int n = Math.max(a.length, b.length);
    for (int i = 0; i < n; i++) {
      String x = i < a.length ? a[i] : "<end>";
      String y = i < b.length ? b[i] : "<end>";
      if (!x.equals(y)) {
        List<String> shown = new ArrayList<>(path);
        java.util.Collections.reverse(shown);
        return "  at "
            + String.join(" > ", shown)
            + "\n  protoc: "
            + x.strip()
            + "\n  ours:   "
            + y.strip();
      }
      String t = x.strip();
      if (t.endsWith("{")) {
        path.push(t.substring(0, t.length() - 1).strip() + "[" + i + "]");
      } else if (t.equals("}") && !path.isEmpty()) {
        path.pop();
      } else if (t.startsWith("name:") && !path.isEmpty()) {
        String top = path.pop();
        path.push(top.substring(0, top.indexOf('[')) + "(" + t.substring(5).strip() + ")");
      }
    }
    return "  (the text renderings are equal; the unknown-field bytes differ)";
  }
}
