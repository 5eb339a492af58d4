package dev.switchboard.cli;

import com.google.protobuf.Descriptors.FileDescriptor;
import dev.switchboard.contract.ContractException;
import dev.switchboard.contract.ContractLoader;
import dev.switchboard.contract.ContractProblem;
import dev.switchboard.contract.ContractSet;
import dev.switchboard.contract.OpenApiContract;
import dev.switchboard.wit.Binding;
import dev.switchboard.wit.BindingJson;
import dev.switchboard.wit.OpenApiTranslator;
import dev.switchboard.wit.ProtoTranslator;
import dev.switchboard.wit.WitPrinter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
    name = "wit",
    mixinStandardHelpOptions = true,
    header = "Translate a proto3 or OpenAPI 3.0 contract into a WIT package.",
    sortOptions = false,
    description =
        "Writes the main WIT package to DIR and its dependencies under DIR/deps/, the layout "
            + "wasm-tools resolves. Warnings (with their location) go to stderr and never block the output; "
            + "errors are all listed, each with its location, and exit 2.",
    footerHeading = "%nExamples:%n",
    footer = {
      "  sb wit --proto todo.proto -I protos --version 1.0.0 -o wit/todo",
      "  sb wit --openapi api.yaml -o wit/api --binding",
    })
final class WitCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @ArgGroup(exclusive = true, multiplicity = "1")
  Input input = new Input();

  static final class Input {
    @Option(
        names = "--proto",
        arity = "1..*",
        paramLabel = "FILE",
        description = ".proto files to translate")
    List<String> protos = new ArrayList<>();

    @Option(
        names = "--openapi",
        paramLabel = "FILE|URL",
        description = "OpenAPI 3.0 document, YAML or JSON")
    @Nullable String openapi;
  }

  @Option(
      names = {"-I", "--proto-path"},
      paramLabel = "DIR",
      description = "Import path for --proto (repeatable)")
  List<Path> importPaths = new ArrayList<>();

  @Option(
      names = "--version",
      paramLabel = "X.Y.Z",
      description = "WIT package version (required with --proto)")
  @Nullable String version;

  @Option(
      names = {"-o", "--output"},
      required = true,
      paramLabel = "DIR",
      description = "Output directory")
  Path output = Path.of(".");

  @Option(
      names = "--binding",
      description =
          "Also write the Binding as DIR/binding.json (and, for --proto, the contract's descriptor"
              + " set as DIR/descriptors.binpb): what sb invoke needs")
  boolean binding;

  @Mixin LogOptions log = new LogOptions();

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Binding result;
    ContractSet protoSet = null;
    try {
      if (input.openapi != null) {
        err.println("loading " + input.openapi);
        err.flush();
        OpenApiContract contract = OpenApiContract.load(input.openapi);
        result =
            OpenApiTranslator.create()
                .progress(
                    message -> {
                      err.println(message);
                      err.flush();
                    })
                .translate(contract);
      } else {
        if (version == null) {
          err.println("--version X.Y.Z is required with --proto (proto packages carry no version)");
          return ExitCode.BAD_INPUT;
        }
        ProtoTranslator translator;
        try {
          translator = ProtoTranslator.withVersion(version);
        } catch (IllegalArgumentException e) {
          err.println(e.getMessage());
          return ExitCode.BAD_INPUT;
        }
        ContractLoader.Builder loader = ContractLoader.builder();
        importPaths.forEach(loader::importPath);
        ContractSet set = loader.build().protos(input.protos);
        result = translator.translate(pick(set, input.protos));
        protoSet = set;
      }
    } catch (ContractException e) {
      for (ContractProblem p : e.problems()) {
        err.println("error: " + p);
      }
      err.println(e.problems().size() + " error(s); nothing written");
      return ExitCode.BAD_INPUT;
    }
    for (Binding.Warning w : result.warnings()) {
      err.println("warning: " + w);
    }
    WitPrinter.write(result, output);
    if (binding) {
      Files.writeString(
          output.resolve("binding.json"),
          BindingJson.create().write(result),
          StandardCharsets.UTF_8);
      if (protoSet != null) {
        // The gRPC stub needs the messages themselves; beside the binding, nothing is re-parsed.
        Files.write(output.resolve("descriptors.binpb"), protoSet.toDescriptorSet().toByteArray());
      }
    }
    out.println(
        "wrote "
            + result.mainPackage().qualifiedName()
            + "@"
            + result.mainPackage().version()
            + " to "
            + output
            + (result.warnings().isEmpty()
                ? ""
                : " (" + result.warnings().size() + " warning(s))"));
    out.flush();
    err.flush();
    return ExitCode.OK;
  }

  /** The loaded files that were named on the command line, in that order. */
  private static List<FileDescriptor> pick(ContractSet set, List<String> names) {
    List<FileDescriptor> picked = new ArrayList<>();
    for (String name : names) {
      String normal = name.replace('\\', '/');
      set.files().stream()
          .filter(f -> f.getName().equals(normal) || normal.endsWith("/" + f.getName()))
          .findFirst()
          .ifPresent(picked::add);
    }
    return picked.isEmpty() ? set.files() : picked;
  }
}
