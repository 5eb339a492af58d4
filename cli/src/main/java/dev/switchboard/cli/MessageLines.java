package dev.switchboard.cli;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.google.protobuf.ByteString;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.switchboard.messaging.Message;
import java.io.PrintWriter;
import java.util.Base64;
import org.jspecify.annotations.Nullable;

/**
 * Received messages on stdout, one JSON object per line, flushed at once so a pipe sees each as it
 * arrives: {@code {"subject":"orders.eu","data":...,"id":"o-7"}}. {@code data} is the message's
 * JSON when the payload is typed, the text when the bytes are UTF-8, and otherwise {@code
 * data_base64} holds them in base64. {@code id} appears when the sender gave one, {@code missed}
 * when a slow subscriber lost messages just before this one. Thread-safe.
 */
final class MessageLines {
  private final PrintWriter out;
  private final MessageTypeOptions.@Nullable Typed typed;

  MessageLines(PrintWriter out, MessageTypeOptions.@Nullable Typed typed) {
    this.out = out;
    this.typed = typed;
  }

  /** Prints {@code message} as one line. */
  synchronized void print(Message message) {
    out.println(json(message, typed));
    out.flush();
  }

  static String json(Message message, MessageTypeOptions.@Nullable Typed typed) {
    StringBuilder line = new StringBuilder("{\"subject\":");
    quote(line, message.subject());
    ByteString data = message.data();
    String typedJson = typed == null ? null : typedJson(data, typed);
    if (typedJson != null) {
      line.append(",\"data\":").append(typedJson);
    } else if (data.isValidUtf8()) {
      line.append(",\"data\":");
      quote(line, data.toStringUtf8());
    } else {
      line.append(",\"data_base64\":");
      quote(line, Base64.getEncoder().encodeToString(data.toByteArray()));
    }
    if (message.id().isPresent()) {
      line.append(",\"id\":");
      quote(line, message.id().get());
    }
    if (message.missedBefore() > 0) {
      line.append(",\"missed\":").append(message.missedBefore());
    }
    return line.append('}').toString();
  }

  /** The payload as the type's JSON, or null when it is not one (then it prints as bytes). */
  private static @Nullable String typedJson(ByteString data, MessageTypeOptions.Typed typed) {
    try {
      return typed.json().print(DynamicMessage.parseFrom(typed.descriptor(), data), false);
    } catch (InvalidProtocolBufferException | IllegalArgumentException e) {
      return null;
    }
  }

  private static void quote(StringBuilder line, String text) {
    line.append('"').append(JsonStringEncoder.getInstance().quoteAsString(text)).append('"');
  }

  /** {@code text} as a JSON string. */
  static String quoted(String text) {
    StringBuilder quoted = new StringBuilder();
    quote(quoted, text);
    return quoted.toString();
  }
}
