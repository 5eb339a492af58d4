package dev.switchboard.runtime.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import com.google.protobuf.DynamicMessage;
import dev.switchboard.runtime.test.EchoRequest;
import io.grpc.Drainable;
import io.grpc.KnownLength;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import org.junit.jupiter.api.Test;

class DynamicMarshallerTest {

  private final DynamicMarshaller marshaller = new DynamicMarshaller(EchoRequest.getDescriptor());
  private final EchoRequest generated =
      EchoRequest.newBuilder()
          .setText("héllo")
          .setPayload(ByteString.copyFrom(new byte[1000]))
          .setRepeat(3)
          .build();
  private final DynamicMessage message = DynamicMessage.newBuilder(generated).build();

  @Test
  void streamKnowsItsLengthAndDrainsTheWireBytes() throws Exception {
    InputStream stream = marshaller.stream(message);
    assertThat(stream).isInstanceOf(KnownLength.class).isInstanceOf(Drainable.class);
    assertThat(stream.available()).isEqualTo(generated.getSerializedSize());
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int written = ((Drainable) stream).drainTo(out);
    assertThat(written).isEqualTo(generated.getSerializedSize());
    assertThat(out.toByteArray()).isEqualTo(generated.toByteArray());
    assertThat(stream.available()).isZero();
    assertThat(stream.read()).isEqualTo(-1);
  }

  @Test
  void streamReadsInSmallPiecesToo() throws Exception {
    InputStream stream = marshaller.stream(message);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buffer = new byte[7];
    int n;
    while ((n = stream.read(buffer, 0, buffer.length)) != -1) {
      out.write(buffer, 0, n);
    }
    assertThat(out.toByteArray()).isEqualTo(generated.toByteArray());
  }

  @Test
  void streamReadsWholeIntoALargeBuffer() throws Exception {
    InputStream stream = marshaller.stream(message);
    byte[] buffer = new byte[5000];
    int n = stream.read(buffer, 10, 4990);
    assertThat(n).isEqualTo(generated.getSerializedSize());
    assertThat(java.util.Arrays.copyOfRange(buffer, 10, 10 + n)).isEqualTo(generated.toByteArray());
    assertThat(stream.read(buffer, 0, 10)).isEqualTo(-1);
  }

  @Test
  void parsesGeneratedBytesFromPlainAndKnownLengthStreams() {
    byte[] bytes = generated.toByteArray();
    assertThat(marshaller.parse(new ByteArrayInputStream(bytes))).isEqualTo(message);
    assertThat(marshaller.parse(new KnownLengthStream(bytes))).isEqualTo(message);
    assertThat(
            EchoRequest.newBuilder()
                .mergeFrom(marshaller.parse(new KnownLengthStream(bytes)))
                .build())
        .isEqualTo(generated);
  }

  @Test
  void emptyStreamIsTheDefaultMessage() {
    assertThat(marshaller.parse(new KnownLengthStream(new byte[0])))
        .isEqualTo(DynamicMessage.getDefaultInstance(EchoRequest.getDescriptor()));
  }

  @Test
  void ownStreamHandsTheMessageOverWithoutSerializing() {
    assertThat(marshaller.parse(marshaller.stream(message))).isSameAs(message);
  }

  @Test
  void streamingAMessageOfAnotherTypeIsRefused() {
    DynamicMessage other =
        DynamicMessage.getDefaultInstance(
            dev.switchboard.runtime.test.EchoResponse.getDescriptor());
    assertThatThrownBy(() -> marshaller.stream(other))
        .isInstanceOf(StatusRuntimeException.class)
        .hasMessage(
            "INTERNAL: message of type switchboard.runtime.test.EchoResponse sent where "
                + "switchboard.runtime.test.EchoRequest is expected");
  }

  @Test
  void garbageIsAnInternalStatusNamingTheType() {
    byte[] garbage = {(byte) 0xff, (byte) 0xff, (byte) 0xff, 0x01, 0x02};
    assertThatThrownBy(() -> marshaller.parse(new KnownLengthStream(garbage)))
        .isInstanceOf(StatusRuntimeException.class)
        .satisfies(
            e ->
                assertThat(((StatusRuntimeException) e).getStatus().getCode())
                    .isEqualTo(Status.Code.INTERNAL))
        .hasMessageContaining("switchboard.runtime.test.EchoRequest");
  }

  /** What gRPC hands a marshaller: a stream that knows its length. */
  private static final class KnownLengthStream extends ByteArrayInputStream implements KnownLength {
    KnownLengthStream(byte[] bytes) {
      super(bytes);
    }
  }
}
