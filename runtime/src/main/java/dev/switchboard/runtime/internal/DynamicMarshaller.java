package dev.switchboard.runtime.internal;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Parser;
import io.grpc.Drainable;
import io.grpc.KnownLength;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.jspecify.annotations.Nullable;

/**
 * Marshals {@link DynamicMessage}s of one message type, with the tricks that keep a dynamic service
 * close to generated stubs in speed:
 *
 * <ul>
 *   <li>outbound, the message is serialized straight into gRPC's framing buffer ({@link Drainable})
 *       with its size known up front ({@link KnownLength}), so no intermediate byte array is made;
 *   <li>inbound, a known-length stream is read once into an exact-size array and parsed with
 *       aliasing, so {@code bytes} fields share that array instead of being copied again;
 *   <li>in-process, the receiving side takes the sender's immutable message object as is.
 * </ul>
 *
 * <p>Thread-safe.
 */
public final class DynamicMarshaller
    implements MethodDescriptor.PrototypeMarshaller<DynamicMessage> {

  private final Descriptor type;
  private final DynamicMessage prototype;
  private final Parser<DynamicMessage> parser;

  public DynamicMarshaller(Descriptor type) {
    this.type = type;
    this.prototype = DynamicMessage.getDefaultInstance(type);
    this.parser = prototype.getParserForType();
  }

  /** The message type this marshaller reads and writes. */
  public Descriptor type() {
    return type;
  }

  @Override
  public DynamicMessage getMessagePrototype() {
    return prototype;
  }

  @Override
  public Class<DynamicMessage> getMessageClass() {
    return DynamicMessage.class;
  }

  /**
   * Streams a message, which must be of this marshaller's type: the wire carries no type, so a
   * handler that answers with the wrong message would otherwise reach the peer as silent garbage.
   *
   * @throws io.grpc.StatusRuntimeException {@code INTERNAL}, naming both types, for a message of
   *     another type
   */
  @Override
  public InputStream stream(DynamicMessage value) {
    Descriptor actual = value.getDescriptorForType();
    if (actual != type && !actual.getFullName().equals(type.getFullName())) {
      throw Status.INTERNAL
          .withDescription(
              "message of type "
                  + actual.getFullName()
                  + " sent where "
                  + type.getFullName()
                  + " is expected")
          .asRuntimeException();
    }
    return new MessageStream(value);
  }

  @Override
  public DynamicMessage parse(InputStream stream) {
    if (stream instanceof MessageStream own) {
      DynamicMessage message = own.takeMessageOf(type);
      if (message != null) {
        return message;
      }
    }
    try {
      CodedInputStream input;
      if (stream instanceof KnownLength) {
        int size = stream.available();
        if (size == 0) {
          return prototype;
        }
        byte[] bytes = new byte[size];
        int read = stream.readNBytes(bytes, 0, size);
        if (read != size) {
          throw Status.INTERNAL
              .withDescription(
                  "message of "
                      + type.getFullName()
                      + " ended after "
                      + read
                      + " of "
                      + size
                      + " bytes")
              .asRuntimeException();
        }
        input = CodedInputStream.newInstance(bytes, 0, size);
        // The array is ours alone, so bytes fields may point into it rather than copy it.
        input.enableAliasing(true);
      } else {
        input = CodedInputStream.newInstance(stream);
      }
      // gRPC enforces the message size limit itself; protobuf's own 64 MiB cap must not undercut
      // it.
      input.setSizeLimit(Integer.MAX_VALUE);
      DynamicMessage message = parser.parseFrom(input);
      input.checkLastTagWas(0);
      return message;
    } catch (InvalidProtocolBufferException e) {
      throw Status.INTERNAL
          .withDescription(
              "invalid protobuf bytes for " + type.getFullName() + ": " + e.getMessage())
          .withCause(e)
          .asRuntimeException();
    } catch (IOException e) {
      throw Status.INTERNAL
          .withDescription("cannot read message of " + type.getFullName() + ": " + e.getMessage())
          .withCause(e)
          .asRuntimeException();
    }
  }

  @Override
  public String toString() {
    return "DynamicMarshaller{" + type.getFullName() + "}";
  }

  /**
   * A message waiting to be written. gRPC's framer drains it straight into its buffer; anything
   * else reads it as bytes, serialized on first read.
   */
  static final class MessageStream extends InputStream implements Drainable, KnownLength {
    private @Nullable DynamicMessage message;
    private @Nullable ByteArrayInputStream bytes;

    MessageStream(DynamicMessage message) {
      this.message = message;
    }

    /** The message itself if it is still unread and of the wanted type (in-process hand-over). */
    @Nullable DynamicMessage takeMessageOf(Descriptor wanted) {
      DynamicMessage current = message;
      if (current != null && current.getDescriptorForType() == wanted) {
        message = null;
        return current;
      }
      return null;
    }

    @Override
    public int drainTo(OutputStream target) throws IOException {
      DynamicMessage current = message;
      if (current != null) {
        int size = current.getSerializedSize();
        message = null;
        current.writeTo(target);
        return size;
      }
      ByteArrayInputStream rest = bytes;
      if (rest != null) {
        bytes = null;
        return (int) rest.transferTo(target);
      }
      return 0;
    }

    @Override
    public int read() {
      ByteArrayInputStream rest = serialized();
      return rest == null ? -1 : rest.read();
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
      DynamicMessage current = message;
      if (current != null) {
        int size = current.getSerializedSize();
        if (size == 0) {
          message = null;
          return -1;
        }
        if (length >= size) {
          // The whole message fits: serialize straight into the caller's buffer.
          CodedOutputStream output = CodedOutputStream.newInstance(buffer, offset, size);
          current.writeTo(output);
          output.flush();
          output.checkNoSpaceLeft();
          message = null;
          return size;
        }
      }
      ByteArrayInputStream rest = serialized();
      return rest == null ? -1 : rest.read(buffer, offset, length);
    }

    @Override
    public int available() {
      DynamicMessage current = message;
      if (current != null) {
        return current.getSerializedSize();
      }
      ByteArrayInputStream rest = bytes;
      return rest == null ? 0 : rest.available();
    }

    private @Nullable ByteArrayInputStream serialized() {
      DynamicMessage current = message;
      if (current != null) {
        bytes = new ByteArrayInputStream(current.toByteArray());
        message = null;
      }
      return bytes;
    }
  }
}
