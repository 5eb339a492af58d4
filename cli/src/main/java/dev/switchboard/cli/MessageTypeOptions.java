package dev.switchboard.cli;

import com.google.protobuf.Descriptors.Descriptor;
import dev.switchboard.contract.ContractException;
import dev.switchboard.contract.ContractSet;
import dev.switchboard.contract.MessageJson;
import dev.switchboard.messaging.MethodBinding;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code --type FULL.NAME} with the contract flags ({@code --proto}, {@code -I}, {@code
 * --protoset}): the message type of the payloads an {@code sb msg} verb sends ({@code -d} is then
 * that message's JSON) and receives (printed as that message's JSON). Without {@code --type},
 * payloads are raw bytes.
 */
final class MessageTypeOptions {
  @Option(
      names = "--type",
      paramLabel = "FULL.NAME",
      description =
          "The payload's message type (e.g. shop.v1.OrderPlaced), from --proto or --protoset:"
              + " -d is its JSON, validated with protovalidate; received payloads print as JSON.")
  @Nullable String type;

  @Mixin ContractOptions contract = new ContractOptions();

  private @Nullable Typed typed;
  private boolean resolved;
  private @Nullable ContractSet loaded;

  /** A message type of the contract and the JSON mapping to go with it. */
  record Typed(Descriptor descriptor, MessageJson json) {}

  /**
   * The {@code --type} message, loaded once; null without {@code --type}.
   *
   * @throws BadInputException when {@code --type} and the contract flags do not go together
   */
  @Nullable Typed typed() throws BadInputException, ContractException {
    if (!resolved) {
      resolved = true;
      if (type == null && contract.fromFiles()) {
        throw new BadInputException(
            "--proto and --protoset need --type FULL.NAME: the message type of the payload");
      }
      typed = type == null ? null : typed("--type", type);
    }
    return typed;
  }

  /**
   * A message of the contract, given by {@code flag} ({@code --type}, or {@code --reply-type} for a
   * reply's type).
   *
   * @throws BadInputException when there is no contract or no such message
   */
  Typed typed(String flag, String name) throws BadInputException, ContractException {
    if (!contract.fromFiles()) {
      throw new BadInputException(
          flag + " " + name + " needs the contract: --proto FILE (with -I DIR) or --protoset FILE");
    }
    ContractSet set = contractSet();
    if (!(set.requireSymbol(name) instanceof Descriptor descriptor)) {
      throw new BadInputException(flag + " " + name + ": not a message type");
    }
    return new Typed(descriptor, set.json());
  }

  private ContractSet contractSet() throws ContractException {
    ContractSet set = loaded;
    if (set == null) {
      set = withValidationImports(() -> new Contracts(contract, null, null).all());
      loaded = set;
    }
    return set;
  }

  /**
   * Loads the contract with {@code buf/validate/validate.proto} and Switchboard's messaging options
   * importable, as the messaging library ships them, so a contract with validation rules needs no
   * copies of either on {@code -I}; a copy on {@code -I} still wins.
   */
  private ContractSet withValidationImports(ContractLoad load) throws ContractException {
    Path imports;
    try {
      imports = MethodBinding.writeImports(Files.createTempDirectory("sb-msg-imports"));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the validation imports: " + e.getMessage(), e);
    }
    if (contract.importPaths.isEmpty()) {
      contract.importPaths.add(Path.of(""));
    }
    contract.importPaths.add(imports);
    try {
      return load.run();
    } finally {
      contract.importPaths.remove(imports);
      delete(imports);
    }
  }

  private static void delete(Path directory) {
    try (Stream<Path> files = Files.walk(directory)) {
      files.sorted(Comparator.reverseOrder()).forEach(file -> file.toFile().delete());
    } catch (IOException e) {
      // A temporary directory left behind is harmless.
    }
  }

  @FunctionalInterface
  private interface ContractLoad {
    ContractSet run() throws ContractException;
  }
}
