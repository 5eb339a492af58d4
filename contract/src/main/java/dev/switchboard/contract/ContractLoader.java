package dev.switchboard.contract;

import com.google.protobuf.DescriptorProtos.FileDescriptorSet;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.switchboard.contract.internal.parser.ProtoCompiler;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Loads contracts from {@code .proto} source (compiled in the JVM, no protoc) or from descriptor
 * sets written by {@code protoc --descriptor_set_out}.
 *
 * <pre>{@code
 * ContractSet set = ContractLoader.builder().importPath(Path.of("protos")).build()
 *     .protos(List.of("shop/v1/orders.proto"));
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 */
public final class ContractLoader {
  private final List<Path> importPaths;

  private ContractLoader(Builder builder) {
    this.importPaths = List.copyOf(builder.importPaths);
  }

  public static Builder builder() {
    return new Builder();
  }

  public Builder toBuilder() {
    Builder builder = new Builder();
    builder.importPaths.addAll(importPaths);
    return builder;
  }

  /** The directories searched for imports, in order. */
  public List<Path> importPaths() {
    return importPaths;
  }

  /**
   * Compiles {@code .proto} files and everything they import. Names are resolved against the import
   * paths, as protoc does; the {@code google/protobuf/*.proto} well-known types are bundled.
   *
   * @throws ContractException with every problem at {@code file:line:column}; a missing import
   *     names the paths that were searched, an unknown type the nearest names
   */
  public ContractSet protos(List<String> files) throws ContractException {
    if (files.isEmpty()) {
      throw new ContractException("", "no .proto files given");
    }
    return ContractSet.link(ProtoCompiler.create(importPaths).compile(files));
  }

  /**
   * Reads a descriptor set ({@code protoc --include_imports --descriptor_set_out=FILE}). Imports
   * missing from the set are an error, except the well-known types, which are bundled.
   *
   * @throws ContractException when the file cannot be read, is not a descriptor set, or does not
   *     link
   */
  public ContractSet descriptorSet(Path file) throws ContractException {
    String where = file.toString();
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new ContractException(where, "no such file");
    } catch (IOException e) {
      throw new ContractException(where, "cannot read the descriptor set: " + e.getMessage());
    }
    FileDescriptorSet set;
    try {
      set = FileDescriptorSet.parseFrom(bytes);
    } catch (InvalidProtocolBufferException e) {
      throw new ContractException(
          where,
          "not a descriptor set (expected the binary output of "
              + "protoc --descriptor_set_out): "
              + e.getMessage());
    }
    // Arbitrary bytes can parse as a message with unknown fields only, so check that it looks real.
    List<ContractProblem> problems = new ArrayList<>();
    if (set.getFileCount() == 0) {
      problems.add(
          new ContractProblem(
              where,
              "the descriptor set holds no files"
                  + (bytes.length == 0
                      ? " (the file is empty)"
                      : " (is it really protoc --descriptor_set_out output?)")));
    } else if (!set.getUnknownFields().asMap().isEmpty()) {
      problems.add(
          new ContractProblem(
              where,
              "not a descriptor set: it has fields a FileDescriptorSet does not (expected protoc --descriptor_set_out output)"));
    }
    for (int i = 0; i < set.getFileCount(); i++) {
      if (set.getFile(i).getName().isEmpty()) {
        problems.add(new ContractProblem(where, "file #" + (i + 1) + " in the set has no name"));
      }
    }
    if (!problems.isEmpty()) {
      throw new ContractException(problems);
    }
    try {
      return ContractSet.link(set.getFileList());
    } catch (ContractException e) {
      List<ContractProblem> located = new ArrayList<>();
      for (ContractProblem problem : e.problems()) {
        located.add(new ContractProblem(where + ": " + problem.location(), problem.message()));
      }
      throw new ContractException(located);
    }
  }

  /** Builds a {@link ContractLoader}. */
  public static final class Builder {
    private final List<Path> importPaths = new ArrayList<>();

    private Builder() {}

    /**
     * Adds a directory to search for {@code .proto} files and imports, after those already added.
     */
    public Builder importPath(Path directory) {
      importPaths.add(directory);
      return this;
    }

    /** Adds several import directories, in order. */
    public Builder importPaths(Collection<Path> directories) {
      importPaths.addAll(directories);
      return this;
    }

    public ContractLoader build() {
      return new ContractLoader(this);
    }
  }
}
