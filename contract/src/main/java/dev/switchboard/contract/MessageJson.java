package dev.switchboard.contract;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageOrBuilder;
import com.google.protobuf.util.JsonFormat;

/**
 * Messages to and from JSON with the protobuf JSON mapping (protobuf-java-util's {@link
 * JsonFormat}), knowing every type of one {@link ContractSet} so that {@code google.protobuf.Any}
 * works.
 *
 * <p>JsonFormat stops at the first problem and does not say where it is. When it rejects an input,
 * {@link JsonProblems} walks the JSON tree beside the message descriptor and reports every problem
 * at its field path ({@code $.items[2].name}). Thread-safe.
 */
public final class MessageJson {
  private final JsonFormat.Parser parser;
  private final JsonFormat.Printer printer;
  private final JsonFormat.Printer printerWithDefaults;

  MessageJson(ContractSet contracts) {
    JsonFormat.TypeRegistry.Builder registry = JsonFormat.TypeRegistry.newBuilder();
    for (FileDescriptor file : contracts.files()) {
      registry.add(file.getMessageTypes());
    }
    JsonFormat.TypeRegistry types = registry.build();
    this.parser = JsonFormat.parser().usingTypeRegistry(types);
    this.printer = JsonFormat.printer().usingTypeRegistry(types).omittingInsignificantWhitespace();
    this.printerWithDefaults = printer.alwaysPrintFieldsWithNoPresence();
  }

  /**
   * Parses one JSON object into a message of {@code type}.
   *
   * @throws ContractException listing every problem: syntax errors located by {@code line:column},
   *     the rest by field path ({@code $.items[2].name})
   */
  public DynamicMessage parse(String json, Descriptor type) throws ContractException {
    DynamicMessage.Builder builder = DynamicMessage.newBuilder(type);
    try {
      parser.merge(json, builder);
      return builder.build();
    } catch (InvalidProtocolBufferException | RuntimeException e) {
      // JsonFormat also throws unchecked exceptions (from Gson) on some malformed inputs.
      throw new ContractException(new JsonProblems(parser).find(json, type, e));
    }
  }

  /**
   * Prints a message as compact, one-line JSON.
   *
   * @param emitDefaults also print fields that hold their default value (fields without presence)
   * @throws IllegalArgumentException when the message holds an {@code Any} of a type this set does
   *     not know
   */
  public String print(MessageOrBuilder message, boolean emitDefaults) {
    try {
      return (emitDefaults ? printerWithDefaults : printer).print(message);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalArgumentException(
          "cannot print a "
              + message.getDescriptorForType().getFullName()
              + " as JSON: "
              + e.getMessage(),
          e);
    }
  }

  static String reason(Exception e) {
    String message = e.getMessage();
    if (message == null || message.isBlank()) {
      return e.getClass().getSimpleName();
    }
    // Gson appends a troubleshooting link on a second line; the first line is the reason.
    int newline = message.indexOf('\n');
    return newline > 0 ? message.substring(0, newline) : message;
  }
}
