package dev.switchboard.messaging.internal;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.UnsafeByteOperations;
import com.google.protobuf.WireFormat;
import dev.switchboard.messaging.Message;
import dev.switchboard.messaging.internal.proto.Envelope;
import java.io.IOException;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Converts between {@link Message} and the wire's {@link Envelope}, and reads and stamps encoded
 * envelopes, which the hub forwards without decoding them.
 */
public final class Envelopes {
  /** Field number 1, wire type 2 (length-delimited). */
  private static final int SUBJECT_TAG =
      (Envelope.SUBJECT_FIELD_NUMBER << 3) | WireFormat.WIRETYPE_LENGTH_DELIMITED;

  private Envelopes() {}

  public static Envelope toEnvelope(Message message) {
    Envelope.Builder envelope =
        Envelope.newBuilder().setSubject(message.subject()).setData(message.data());
    Map<String, String> headers = message.headers();
    if (!headers.isEmpty()) {
      envelope.putAllHeaders(headers);
    }
    message.id().ifPresent(envelope::setId);
    return envelope.build();
  }

  public static Message toMessage(Envelope envelope, long missed) {
    Message.Builder message =
        Message.builder(envelope.getSubject()).data(envelope.getData()).missedBefore(missed);
    if (envelope.getHeadersCount() > 0) {
      message.headers(envelope.getHeadersMap());
    }
    if (!envelope.getId().isEmpty()) {
      message.id(envelope.getId());
    }
    if (!envelope.getSender().isEmpty()) {
      message.sender(envelope.getSender());
    }
    return message.build();
  }

  /**
   * The message encoded as an envelope, as {@code toEnvelope(message).toByteString()} encodes it,
   * written straight into one array for the common message without headers.
   */
  public static ByteString encode(Message message) {
    if (!message.headers().isEmpty()) {
      return toEnvelope(message).toByteString();
    }
    String subject = message.subject();
    ByteString data = message.data();
    @Nullable String id = message.id().orElse(null);
    int size = CodedOutputStream.computeStringSize(Envelope.SUBJECT_FIELD_NUMBER, subject);
    if (!data.isEmpty()) {
      size += CodedOutputStream.computeBytesSize(Envelope.DATA_FIELD_NUMBER, data);
    }
    if (id != null) {
      size += CodedOutputStream.computeStringSize(Envelope.ID_FIELD_NUMBER, id);
    }
    byte[] bytes = new byte[size];
    CodedOutputStream out = CodedOutputStream.newInstance(bytes);
    try {
      out.writeString(Envelope.SUBJECT_FIELD_NUMBER, subject);
      if (!data.isEmpty()) {
        out.writeBytes(Envelope.DATA_FIELD_NUMBER, data);
      }
      if (id != null) {
        out.writeString(Envelope.ID_FIELD_NUMBER, id);
      }
      out.checkNoSpaceLeft();
    } catch (IOException e) {
      throw new IllegalStateException("a sized array overflowed", e);
    }
    return UnsafeByteOperations.unsafeWrap(bytes);
  }

  /**
   * The message in an encoded envelope, decoded field by field without building an {@link Envelope}
   * first, its payload sharing the envelope's bytes. Strings are decoded without a separate UTF-8
   * check: the hub checked the subject when it was published and wrote the sender itself (malformed
   * bytes would become replacement characters, not an error).
   *
   * @throws InvalidProtocolBufferException the bytes are not an envelope
   */
  public static Message decode(ByteString envelope, long missed)
      throws InvalidProtocolBufferException {
    CodedInputStream in = envelope.newCodedInput();
    in.enableAliasing(true);
    String subject = "";
    ByteString data = ByteString.EMPTY;
    String id = "";
    String sender = "";
    try {
      fields:
      while (true) {
        int tag = in.readTag();
        if (tag == 0) {
          break;
        }
        switch (WireFormat.getTagFieldNumber(tag)) {
          case Envelope.SUBJECT_FIELD_NUMBER -> subject = in.readBytes().toStringUtf8();
          case Envelope.DATA_FIELD_NUMBER -> data = in.readBytes();
          case Envelope.ID_FIELD_NUMBER -> id = in.readBytes().toStringUtf8();
          case Envelope.SENDER_FIELD_NUMBER -> sender = in.readBytes().toStringUtf8();
          case Envelope.HEADERS_FIELD_NUMBER -> {
            return toMessage(Envelope.parseFrom(envelope), missed);
          }
          default -> {
            if (!in.skipField(tag)) {
              break fields;
            }
          }
        }
      }
    } catch (InvalidProtocolBufferException e) {
      throw e;
    } catch (IOException e) {
      throw new InvalidProtocolBufferException(e);
    }
    Message.Builder message = Message.builder(subject).data(data).missedBefore(missed);
    if (!id.isEmpty()) {
      message.id(id);
    }
    if (!sender.isEmpty()) {
      message.sender(sender);
    }
    return message.build();
  }

  /**
   * The subject of an encoded envelope, read without decoding the rest (the last occurrence wins,
   * as when decoding); empty if it has none.
   *
   * @throws InvalidProtocolBufferException the bytes are not an envelope
   */
  public static String subjectOf(ByteString envelope) throws InvalidProtocolBufferException {
    CodedInputStream in = envelope.newCodedInput();
    String subject = "";
    try {
      while (true) {
        int tag = in.readTag();
        if (tag == 0) {
          return subject;
        }
        if (tag == SUBJECT_TAG) {
          subject = in.readStringRequireUtf8();
        } else if (!in.skipField(tag)) {
          return subject;
        }
      }
    } catch (InvalidProtocolBufferException e) {
      throw e;
    } catch (IOException e) {
      throw new InvalidProtocolBufferException(e);
    }
  }

  /**
   * The encoded {@code sender} field, to append to an encoded envelope: decoding takes the last
   * occurrence of a field, so appending sets the sender whatever the bytes before it said.
   */
  public static ByteString senderField(String sender) {
    ByteString value = ByteString.copyFromUtf8(sender);
    int size =
        CodedOutputStream.computeTagSize(Envelope.SENDER_FIELD_NUMBER)
            + CodedOutputStream.computeUInt32SizeNoTag(value.size())
            + value.size();
    byte[] bytes = new byte[size];
    CodedOutputStream out = CodedOutputStream.newInstance(bytes);
    try {
      out.writeBytes(Envelope.SENDER_FIELD_NUMBER, value);
      out.checkNoSpaceLeft();
    } catch (IOException e) {
      throw new IllegalStateException("a sized array overflowed", e);
    }
    return ByteString.copyFrom(bytes);
  }
}
