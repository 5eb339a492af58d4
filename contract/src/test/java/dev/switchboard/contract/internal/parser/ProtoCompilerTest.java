package dev.switchboard.contract.internal.parser;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.Descriptors.FileDescriptor;
import dev.switchboard.contract.ContractException;
import dev.switchboard.contract.ContractProblem;
import dev.switchboard.testing.Fixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProtoCompilerTest {
  @TempDir Path dir;

  private void write(String name, String text) throws IOException {
    Path file = dir.resolve(name);
    Files.createDirectories(file.getParent());
    Files.writeString(file, text);
  }

  private List<ContractProblem> problems(String... files) {
    ContractException e =
        catchThrowableOfType(
            ContractException.class,
            () -> ProtoCompiler.create(List.of(dir)).compile(List.of(files)));
    assertThat(e).as("expected a ContractException").isNotNull();
    return e.problems();
  }

  @Test
  void everySyntaxErrorIsReportedWithItsLocation() throws IOException {
    write(
        "bad.proto",
        """
        syntax = "proto3";
        package bad;
        message A {
          int32 x = 1
        }
        message B {
          string = 2;
          int32 ok = 3;
        }
        enum E {
          E_ZERO = zero;
        }
        service S {
          rpc Call(A) returns B;
        }
        """);
    assertThat(problems("bad.proto"))
        .extracting(ContractProblem::toString)
        .containsExactly(
            "bad.proto:5:1: Expected \";\", found \"}\".",
            "bad.proto:7:10: Expected field name.",
            "bad.proto:11:12: Expected integer.",
            "bad.proto:14:23: Expected \"(\", found \"B\".");
  }

  @Test
  void everyLinkErrorIsReportedWithItsLocation() throws IOException {
    write(
        "semantic.proto",
        """
        syntax = "proto3";
        package sem;
        message A {
          int32 x = 1;
          int32 y = 1;
          reserved 7, 10 to 12;
          reserved "old";
          string old = 11;
          required int32 r = 3;
          int32 big = 19500;
          A x = 4;
        }
        enum Bad { BAD_ONE = 1; }
        enum Aliased { ALIASED_ZERO = 0; ALIASED_AGAIN = 0; }
        message B { group G = 1 { } }
        """);
    assertThat(problems("semantic.proto"))
        .extracting(ContractProblem::toString)
        .containsExactly(
            "semantic.proto:9:3: Required fields are not allowed in proto3.",
            "semantic.proto:15:13: Groups are not supported; use a nested message type and a field instead.");
    // Syntax problems stop a file before linking, as in protoc; fix them and the rest shows up.
    write(
        "semantic.proto",
        Files.readString(dir.resolve("semantic.proto"))
            .replace("required int32 r = 3;", "int32 r = 3;")
            .replace("message B { group G = 1 { } }", ""));
    assertThat(problems("semantic.proto"))
        .extracting(ContractProblem::toString)
        .containsExactly(
            "semantic.proto:5:13: Field number 1 has already been used in \"sem.A\" by field \"x\".",
            "semantic.proto:8:10: Field name \"old\" is reserved.",
            "semantic.proto:8:16: Field \"old\" uses reserved number 11.",
            "semantic.proto:10:15: Field numbers 19000 through 19999 are reserved for the protocol buffer library"
                + " implementation.",
            "semantic.proto:11:5: \"x\" is already defined in \"sem.A\".",
            "semantic.proto:13:12: The first enum value must be zero in proto3.",
            "semantic.proto:14:34: \"sem.ALIASED_AGAIN\" uses the same enum value as \"sem.ALIASED_ZERO\". If this is"
                + " intended, set 'option allow_alias = true;' to the enum definition.");
  }

  @Test
  void tabsCountToTheNextMultipleOfEightLikeProtoc() throws IOException {
    write("tabs.proto", "syntax = \"proto3\";\nmessage T {\n\tint32\tx = 1\n}\n");
    assertThat(problems("tabs.proto"))
        .extracting(ContractProblem::location)
        .containsExactly("tabs.proto:4:1");
    write("tabs2.proto", "syntax = \"proto3\";\nmessage T {\n\tNope\tx = 1;\n}\n");
    assertThat(problems("tabs2.proto"))
        .extracting(ContractProblem::location)
        .containsExactly("tabs2.proto:3:9");
  }

  @Test
  void missingImportNamesEveryPathSearched() throws IOException {
    Path other = Files.createDirectories(dir.resolve("other"));
    write("main.proto", "syntax = \"proto3\";\nimport \"lib/missing.proto\";\nmessage M {}\n");
    ContractException e =
        catchThrowableOfType(
            ContractException.class,
            () -> ProtoCompiler.create(List.of(dir, other)).compile(List.of("main.proto")));
    assertThat(e.problems()).hasSize(1);
    ContractProblem problem = e.problems().get(0);
    assertThat(problem.location()).isEqualTo("main.proto:2:8");
    assertThat(problem.message())
        .startsWith("Import \"lib/missing.proto\" was not found. Searched: ")
        .contains(dir.resolve("lib/missing.proto").toString())
        .contains(other.resolve("lib/missing.proto").toString());
  }

  @Test
  void missingWellKnownTypeMentionsTheBundledCopies() throws IOException {
    write("main.proto", "syntax = \"proto3\";\nimport \"google/protobuf/nope.proto\";\n");
    assertThat(problems("main.proto").get(0).message())
        .contains(dir.resolve("google/protobuf/nope.proto").toString())
        .contains("the well-known types bundled in protobuf-java");
  }

  @Test
  void unknownTypeListsTheNearestNames() throws IOException {
    write(
        "types.proto",
        """
        syntax = "proto3";
        package shop.v1;
        import "google/protobuf/timestamp.proto";
        message Order { Tmestamp placed = 1; Custmer buyer = 2; Nothing_like_it x = 3; }
        message Customer {}
        message Costume {}
        """);
    List<ContractProblem> problems = problems("types.proto");
    assertThat(problems)
        .extracting(ContractProblem::toString)
        .containsExactly(
            "types.proto:4:17: \"Tmestamp\" is not defined. Did you mean \"google.protobuf.Timestamp\"?",
            "types.proto:4:38: \"Custmer\" is not defined. Did you mean \"shop.v1.Customer\"?",
            "types.proto:4:57: \"Nothing_like_it\" is not defined.");
  }

  @Test
  void symbolFromAFileThatIsNotImportedIsNamedWithThatFile() throws IOException {
    write("a.proto", "syntax = \"proto3\";\npackage p;\nmessage A {}\n");
    write(
        "b.proto",
        "syntax = \"proto3\";\npackage p;\nimport \"c.proto\";\nmessage B { A a = 1; }\n");
    write("c.proto", "syntax = \"proto3\";\npackage p;\nimport \"a.proto\";\n");
    assertThat(problems("b.proto"))
        .extracting(ContractProblem::toString)
        .containsExactly(
            "b.proto:4:13: \"A\" seems to be defined in \"a.proto\", which is not imported by \"b.proto\".  To use"
                + " it here, please add the necessary import.");
  }

  @Test
  void unknownCustomOptionSuggestsDefinedOnes() throws IOException {
    write(
        "opts.proto",
        """
        syntax = "proto3";
        package o;
        import "google/protobuf/descriptor.proto";
        extend google.protobuf.FieldOptions { string sensitive = 50000; }
        message M { string s = 1 [(sensitve) = "yes", (sensitive) = 3]; }
        """);
    assertThat(problems("opts.proto"))
        .extracting(ContractProblem::toString)
        .containsExactly(
            "opts.proto:5:27: Option \"(sensitve)\" unknown. Ensure that your proto definition file imports the"
                + " proto which defines the option. Did you mean \"(o.sensitive)\"?",
            "opts.proto:5:61: Value must be quoted string for string option \"o.sensitive\".");
  }

  @Test
  void editionsAndUnknownSyntaxAreRejected() throws IOException {
    write("ed.proto", "edition = \"2023\";\nmessage M {}\n");
    write("sx.proto", "syntax = \"proto4\";\nmessage M {}\n");
    assertThat(problems("ed.proto"))
        .extracting(ContractProblem::toString)
        .containsExactly(
            "ed.proto:1:1: Editions (edition = \"2023\") are not supported; use syntax = \"proto2\" or \"proto3\".");
    assertThat(problems("sx.proto"))
        .extracting(ContractProblem::location)
        .containsExactly("sx.proto:1:10");
  }

  @Test
  void importCyclesAreReported() throws IOException {
    write("x.proto", "syntax = \"proto3\";\nimport \"y.proto\";\n");
    write("y.proto", "syntax = \"proto3\";\nimport \"x.proto\";\n");
    assertThat(problems("x.proto"))
        .extracting(ContractProblem::toString)
        .containsExactly(
            "y.proto:2:8: File recursively imports itself: x.proto -> y.proto -> x.proto");
  }

  @Test
  void resultHoldsImportsFirstAndBundledWellKnownTypes() throws Exception {
    write("app/c.proto", "syntax = \"proto3\";\npackage app;\nmessage C {}\n");
    write(
        "app/b.proto",
        "syntax = \"proto3\";\npackage app;\nimport \"app/c.proto\";\nmessage B { C c = 1; }\n");
    write(
        "app/a.proto",
        """
        syntax = "proto3";
        package app;
        import "app/b.proto";
        import "google/protobuf/timestamp.proto";
        message A { B b = 1; google.protobuf.Timestamp at = 2; }
        """);
    List<FileDescriptorProto> files =
        ProtoCompiler.create(List.of(dir)).compile(List.of("app/a.proto"));
    assertThat(files)
        .extracting(FileDescriptorProto::getName)
        .containsExactly(
            "app/c.proto", "app/b.proto", "google/protobuf/timestamp.proto", "app/a.proto");
    // The output links in protobuf-java, the way ContractSet uses it.
    Map<String, FileDescriptor> built = new HashMap<>();
    for (FileDescriptorProto file : files) {
      FileDescriptor[] deps =
          file.getDependencyList().stream().map(built::get).toArray(FileDescriptor[]::new);
      built.put(file.getName(), FileDescriptor.buildFrom(file, deps));
    }
    assertThat(
            built
                .get("app/a.proto")
                .findMessageTypeByName("A")
                .findFieldByName("at")
                .getMessageType()
                .getFullName())
        .isEqualTo("google.protobuf.Timestamp");
  }

  @Test
  void diskPathsUnderAnImportPathAreRenamedRelativeToIt() throws Exception {
    write("protos/pkg/svc.proto", "syntax = \"proto3\";\npackage pkg;\nmessage M {}\n");
    Path importPath = dir.resolve("protos");
    List<FileDescriptorProto> files =
        ProtoCompiler.create(List.of(importPath))
            .compile(List.of(importPath.resolve("pkg/svc.proto").toString()));
    assertThat(files).extracting(FileDescriptorProto::getName).containsExactly("pkg/svc.proto");

    assertThat(ProtoCompiler.create(List.of(importPath)).compile(List.of("./pkg/../pkg/svc.proto")))
        .extracting(FileDescriptorProto::getName)
        .containsExactly("pkg/svc.proto");

    write("elsewhere/x.proto", "syntax = \"proto3\";\n");
    String outside = dir.resolve("elsewhere/x.proto").toString();
    ContractException e =
        catchThrowableOfType(
            ContractException.class,
            () -> ProtoCompiler.create(List.of(importPath)).compile(List.of(outside)));
    assertThat(e.problems())
        .extracting(ContractProblem::toString)
        .containsExactly(
            outside
                + ": File does not reside within any import path ("
                + importPath
                + "). Name it relative to an import path, or add its directory as an import path.");
  }

  @Test
  void withoutImportPathsTheWorkingDirectoryIsTheImportPath() throws Exception {
    // Surefire runs in the module directory, like a user running protoc without -I.
    String relative = "target/no-import-path/todo.proto";
    Files.createDirectories(Path.of(relative).getParent());
    Files.copy(
        Fixtures.proto("todo.proto"), Path.of(relative), StandardCopyOption.REPLACE_EXISTING);
    List<FileDescriptorProto> files = ProtoCompiler.create(List.of()).compile(List.of(relative));
    assertThat(files).extracting(FileDescriptorProto::getName).containsExactly(relative);
    assertThat(files.get(0).getService(0).getMethodCount()).isEqualTo(3);
  }

  @Test
  void byteOrderMarkAndStrayBytesInCommentsAreAccepted() throws Exception {
    byte[] bom = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};
    byte[] body =
        "syntax = \"proto3\";\n// latin-1 comment: \u00ff\nmessage M {}\n"
            .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
    byte[] all = new byte[bom.length + body.length];
    System.arraycopy(bom, 0, all, 0, bom.length);
    System.arraycopy(body, 0, all, bom.length, body.length);
    Files.write(dir.resolve("bom.proto"), all);
    assertThat(
            ProtoCompiler.create(List.of(dir))
                .compile(List.of("bom.proto"))
                .get(0)
                .getMessageType(0)
                .getName())
        .isEqualTo("M");
  }

  @Test
  void problemsInSeveralFilesAreAllCollected() throws IOException {
    write("one.proto", "syntax = \"proto3\";\nmessage One { Missing m = 1; }\n");
    write("two.proto", "syntax = \"proto3\";\nmessage Two { int32 a = 1 }\n");
    assertThat(problems("one.proto", "two.proto"))
        .extracting(ContractProblem::location)
        .containsExactly("one.proto:2:15", "two.proto:2:27");
  }

  @Test
  void optionValueErrorsNameTheOption() throws IOException {
    write(
        "vals.proto",
        """
        syntax = "proto2";
        import "google/protobuf/descriptor.proto";
        extend google.protobuf.MessageOptions { optional int32 small = 50000; optional Kind kind = 50001; }
        enum Kind { A = 0; }
        message M {
          option (small) = 3000000000;
          option (kind) = B;
          option java_package = "dup";
          option (small) = 1;
          optional int32 f = 1 [default = "text"];
          repeated string s = 2 [packed = true];
        }
        """);
    assertThat(problems("vals.proto"))
        .extracting(ContractProblem::toString)
        .containsExactly(
            "vals.proto:6:20: Value out of range for int32 option \"small\".",
            "vals.proto:7:19: Enum type \"Kind\" has no value named \"B\" for option \"kind\".",
            "vals.proto:8:10: Option \"java_package\" unknown.",
            "vals.proto:10:35: Expected integer for field default value.",
            "vals.proto:11:12: [packed = true] can only be specified for repeated primitive fields.");
  }

  @Test
  void sourceInfoCarriesCommentsUnlessTurnedOff() throws Exception {
    write(
        "doc.proto",
        """
        syntax = "proto3";
        // A documented message.
        message Doc {
          int32 id = 1; // The id.
        }
        """);
    FileDescriptorProto kept =
        ProtoCompiler.create(List.of(dir)).compile(List.of("doc.proto")).get(0);
    FileDescriptorProto plain =
        ProtoCompiler.create(List.of(dir)).withoutSourceInfo().compile(List.of("doc.proto")).get(0);

    assertThat(kept.getSourceCodeInfo().getLocationList())
        .filteredOn(l -> l.getPathList().equals(List.of(4, 0)))
        .singleElement()
        .satisfies(
            l -> {
              assertThat(l.getLeadingComments()).isEqualTo(" A documented message.\n");
              assertThat(l.getSpanList()).containsExactly(2, 0, 4, 1);
            });
    assertThat(kept.getSourceCodeInfo().getLocationList())
        .filteredOn(l -> l.getPathList().equals(List.of(4, 0, 2, 0)))
        .singleElement()
        .satisfies(l -> assertThat(l.getTrailingComments()).isEqualTo(" The id.\n"));
    assertThat(plain.hasSourceCodeInfo()).isFalse();
    assertThat(plain).isEqualTo(kept.toBuilder().clearSourceCodeInfo().build());
    // What ContractSet does: the comments survive into the linked descriptors.
    FileDescriptor linked = FileDescriptor.buildFrom(kept, new FileDescriptor[0]);
    assertThat(linked.findMessageTypeByName("Doc").toProto()).isNotNull();
    assertThat(linked.toProto().getSourceCodeInfo()).isEqualTo(kept.getSourceCodeInfo());
  }

  @Test
  void nestedBlockCommentIsAnError() throws IOException {
    write("nested.proto", "syntax = \"proto3\";\n/* outer /* inner */\nmessage M {}\n");
    assertThat(problems("nested.proto"))
        .extracting(ContractProblem::toString)
        .containsExactly(
            "nested.proto:2:11: \"/*\" inside block comment.  Block comments cannot be nested.");
  }
}
