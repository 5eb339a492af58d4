package dev.switchboard.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** Where the contract comes from: server reflection (the default) or local files. */
final class ContractOptions {
  @Option(
      names = "--proto",
      paramLabel = "FILE",
      description =
          "A .proto file to take the contract from instead of server reflection; repeatable.")
  List<String> protos = new ArrayList<>();

  @Option(
      names = {"-I", "--import-path"},
      paramLabel = "DIR",
      description =
          "A directory to resolve --proto files and their imports in; repeatable "
              + "(default: the current directory).")
  List<Path> importPaths = new ArrayList<>();

  @Option(
      names = "--protoset",
      paramLabel = "FILE",
      description =
          "A descriptor set (protoc --include_imports --descriptor_set_out) to take the contract from; "
              + "repeatable.")
  List<Path> protosets = new ArrayList<>();

  boolean fromFiles() {
    return !protos.isEmpty() || !protosets.isEmpty();
  }
}
