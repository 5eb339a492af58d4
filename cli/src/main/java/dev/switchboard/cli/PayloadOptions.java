package dev.switchboard.cli;

import com.google.protobuf.ByteString;
import com.google.protobuf.DynamicMessage;
import dev.switchboard.contract.ContractException;
import dev.switchboard.messaging.MessageValidator;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Option;

/**
 * {@code -d}, the payload of the {@code sb msg} verbs that send. Without {@code --type} it is raw
 * bytes, as the NATS CLI sends them; with {@code --type} ({@link MessageTypeOptions}) it is that
 * message's JSON, checked against its {@code buf.validate} rules with protovalidate before anything
 * is sent.
 */
final class PayloadOptions {
  @Option(
      names = {"-d", "--data"},
      paramLabel = "DATA|@FILE|@-",
      description =
          "The payload: inline text, @FILE, or @- for stdin. Raw bytes, unless --type makes it"
              + " that message's JSON.")
  @Nullable String data;

  /** Where {@code -d @-} reads from; {@code Sb.run} sets it, so in-process tests can feed it. */
  InputStream stdin = System.in;

  /**
   * The payload of {@code -d}, checked when typed.
   *
   * @throws BadInputException when {@code -d} is missing, unreadable, not the type's JSON, or
   *     breaks a validation rule (naming each field path and rule)
   */
  ByteString read(MessageTypeOptions types) throws BadInputException, ContractException {
    String source = data;
    if (source == null) {
      throw new BadInputException("-d is required: the payload (text, @FILE or @-)");
    }
    MessageTypeOptions.Typed as = types.typed();
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
}
