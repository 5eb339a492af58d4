package dev.switchboard.cli;

import dev.switchboard.contract.ContractException;
import dev.switchboard.contract.ContractLoader;
import dev.switchboard.contract.ContractSet;
import dev.switchboard.contract.ServerReflection;
import io.grpc.Channel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * The contract a command works with: from --proto/--protoset files when given, otherwise from the
 * server's reflection. Reflection fetches only what a command needs (one service's files for a
 * call), and the whole contract only to suggest names after a miss.
 */
final class Contracts {
  private final ContractOptions options;
  private final @Nullable ServerReflection reflection;
  private @Nullable ContractSet fromFiles;

  /** Without a channel the contract must come from files ({@link Operands} makes sure of that). */
  Contracts(ContractOptions options, @Nullable Channel channel, @Nullable Duration deadline) {
    this.options = options;
    if (channel == null) {
      this.reflection = null;
    } else {
      ServerReflection on = ServerReflection.on(channel);
      this.reflection = deadline == null ? on : on.withDeadline(deadline);
    }
  }

  /** Service names, sorted. */
  List<String> serviceNames() throws ContractException {
    if (options.fromFiles()) {
      return files().services().stream().map(s -> s.getFullName()).sorted().toList();
    }
    return reflect(on -> on.services().stream().sorted().toList());
  }

  /** A contract that holds {@code symbol} if the server knows it, or everything for suggestions. */
  ContractSet containing(String symbol) throws ContractException {
    if (options.fromFiles()) {
      return files();
    }
    return reflect(
        on -> {
          try {
            return on.symbol(symbol);
          } catch (StatusRuntimeException e) {
            if (e.getStatus().getCode() == Status.Code.NOT_FOUND) {
              return on.contract();
            }
            throw e;
          }
        });
  }

  /**
   * A contract that holds the service of {@code method} ("pkg.Service/Method" or
   * "pkg.Service.Method"), or everything for suggestions; {@link ContractSet#method} then finds the
   * method or names the nearest.
   */
  ContractSet containingMethod(String method) throws ContractException {
    return containing(serviceOf(method));
  }

  /** Everything: every listed service with its files. */
  ContractSet all() throws ContractException {
    if (options.fromFiles()) {
      return files();
    }
    return reflect(ServerReflection::contract);
  }

  private <T> T reflect(Function<ServerReflection, T> lookup) {
    if (reflection == null) {
      throw new IllegalStateException("no server to reflect on and no contract files");
    }
    try {
      return lookup.apply(reflection);
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() == Status.Code.UNIMPLEMENTED) {
        throw Status.UNIMPLEMENTED
            .withDescription(
                "the server does not offer reflection ("
                    + Failures.describe(e.getStatus())
                    + "); give its contract with --proto FILE or --protoset FILE")
            .asRuntimeException();
      }
      throw e;
    }
  }

  private static String serviceOf(String method) {
    String name = method.startsWith("/") ? method.substring(1) : method;
    int slash = name.lastIndexOf('/');
    if (slash >= 0) {
      return name.substring(0, slash);
    }
    int dot = name.lastIndexOf('.');
    return dot >= 0 ? name.substring(0, dot) : name;
  }

  private ContractSet files() throws ContractException {
    if (fromFiles == null) {
      ContractSet set = ContractSet.empty();
      if (!options.protos.isEmpty()) {
        set = set.plus(protos());
      }
      ContractLoader loader = ContractLoader.builder().build();
      for (Path protoset : options.protosets) {
        set = set.plus(loader.descriptorSet(protoset));
      }
      fromFiles = set;
    }
    return fromFiles;
  }

  /**
   * Compiles --proto files as protoc would: names are relative to an import path (the current
   * directory when none is given); a file given by a path outside every import path brings its own
   * directory along.
   */
  private ContractSet protos() throws ContractException {
    List<Path> importPaths = new ArrayList<>(options.importPaths);
    if (importPaths.isEmpty()) {
      importPaths.add(Path.of(""));
    }
    List<String> names = new ArrayList<>();
    for (String proto : options.protos) {
      names.add(nameOf(proto, importPaths));
    }
    return ContractLoader.builder().importPaths(importPaths).build().protos(names);
  }

  private static String nameOf(String proto, List<Path> importPaths) {
    Path file = Path.of(proto).normalize();
    for (Path importPath : importPaths) {
      if (Files.isRegularFile(importPath.resolve(file)) && !file.isAbsolute()) {
        return slashes(file);
      }
    }
    Path absolute = file.toAbsolutePath().normalize();
    for (Path importPath : importPaths) {
      Path root = importPath.toAbsolutePath().normalize();
      if (absolute.startsWith(root) && Files.isRegularFile(absolute)) {
        return slashes(root.relativize(absolute));
      }
    }
    if (Files.isRegularFile(absolute) && absolute.getParent() != null) {
      importPaths.add(absolute.getParent());
      return absolute.getFileName().toString();
    }
    return slashes(file);
  }

  private static String slashes(Path path) {
    return path.toString().replace(java.io.File.separatorChar, '/');
  }
}
