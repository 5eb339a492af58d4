package dev.switchboard.cli;

import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.DynamicMessage;
import dev.switchboard.contract.ContractException;
import dev.switchboard.contract.ContractSet;
import dev.switchboard.contract.MessageJson;
import dev.switchboard.messaging.MessageValidator;
import dev.switchboard.messaging.MethodBinding;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code -d} and the typed-payload flags of the {@code sb msg} verbs. Without {@code --type} the
 * payload is raw bytes, as the NATS CLI sends it; with {@code --type FULL.NAME} (and the contract
 * from {@code --proto}/{@code -I} or {@code --protoset}) {@code -d} is that message's JSON, checked
 * against its {@code buf.validate} rules with protovalidate before anything is sent, and received
 * payloads print as that message's JSON.
 */
final class PayloadOptions {
  @Option(
      names = {"-d", "--data"},
      paramLabel = "DATA|@FILE|@-",
      description =
          "The payload: inline text, @FILE, or @- for stdin. Raw bytes, unless --type makes it"
              + " that message's JSON.")
  @Nullable String data;

  @Option(
      names = "--type",
      paramLabel = "FULL.NAME",
      description =
          "The payload's message type (e.g. shop.v1.OrderPlaced), from --proto or --protoset:"
              + " -d is its JSON, validated with protovalidate; received payloads print as JSON.")
  @Nullable String type;

  @Mixin ContractOptions contract = new ContractOptions();

  /** Where {@code -d @-} reads from; {@code Sb.run} sets it, so in-process tests can feed it. */
  InputStream stdin = System.in;

  private @Nullable Typed typed;
  private boolean resolved;
  private @Nullable ContractSet loaded;

  /** A message type of the contract and the JSON mapping to go with it. */
  record Typed(Descriptor descriptor, MessageJson json) {}

  /**
   * The payload of {@code -d}, checked when typed.
   *
   * @throws BadInputException when {@code -d} is missing, unreadable, not the type's JSON, or
   *     breaks a validation rule (naming each field path and rule)
   */
  ByteString read() throws BadInputException, ContractException {
    String source = data;
    if (source == null) {
      throw new BadInputException("-d is required: the payload (text, @FILE or @-)");
    }
    Typed as = typed();
    if (as == null) {
      return raw(source);
    }
    try (JsonInput input = JsonInput.open(source, stdin)) {
      DynamicMessage message = input.next(as.descriptor(), as.json());
      if (message == null) {
        throw new BadInputException("-d: no " + as.descriptor().getFullName() + " message given");
      }
      if (input.nextChunk() != null) {
        throw new BadInputException(
            input.source() + ": more than one message; each command sends one");
      }
      try {
        MessageValidator.create().check(message);
      } catch (StatusRuntimeException e) {
        throw new BadInputException(input.source() + ": " + e.getStatus().getDescription());
      }
      return message.toByteString();
    }
  }

  private ByteString raw(String source) throws BadInputException {
    try {
      if (source.equals("@-")) {
        return ByteString.readFrom(stdin);
      }
      if (source.startsWith("@")) {
        return ByteString.copyFrom(Files.readAllBytes(Path.of(source.substring(1))));
      }
    } catch (NoSuchFileException e) {
      throw new BadInputException("-d " + source + ": no such file");
    } catch (IOException e) {
      throw new BadInputException("-d " + source + ": cannot read: " + e.getMessage());
    }
    return ByteString.copyFromUtf8(source);
  }

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
