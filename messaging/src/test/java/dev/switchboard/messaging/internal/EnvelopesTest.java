package dev.switchboard.messaging.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.switchboard.messaging.Message;
import dev.switchboard.messaging.internal.proto.Envelope;
import org.junit.jupiter.api.Test;

class EnvelopesTest {

  @Test
  void encodesWhatTheGeneratedCodeEncodes() {
    Message plain = Message.ofText("orders.eu", "{\"id\":7}");
    Message withId = Message.builder("jobs").data(new byte[] {1, 2}).id("job-9").build();
    Message empty = Message.of("ping", ByteString.EMPTY);
    Message withHeaders = Message.builder("orders.eu").header("trace", "abc").build();
    for (Message message : new Message[] {plain, withId, empty, withHeaders}) {
      assertThat(Envelopes.encode(message))
          .as("%s", message)
          .isEqualTo(Envelopes.toEnvelope(message).toByteString());
    }
  }

  @Test
  void readsTheSubjectWithoutDecodingTheRest() throws InvalidProtocolBufferException {
    ByteString encoded =
        Envelopes.encode(Message.builder("orders.eu").data(new byte[4096]).id("x").build());
    assertThat(Envelopes.subjectOf(encoded)).isEqualTo("orders.eu");
    assertThat(Envelopes.subjectOf(ByteString.EMPTY)).isEmpty();
    assertThatThrownBy(() -> Envelopes.subjectOf(ByteString.copyFrom(new byte[] {10, 50, 1})))
        .isInstanceOf(InvalidProtocolBufferException.class);
  }

  @Test
  void theAppendedSenderWinsOverOneTheClientWroteItself() throws InvalidProtocolBufferException {
    ByteString forged =
        Envelope.newBuilder().setSubject("orders.eu").setSender("admin").build().toByteString();
    ByteString stamped = forged.concat(Envelopes.senderField("billing"));

    assertThat(Envelope.parseFrom(stamped).getSender()).isEqualTo("billing");
    assertThat(Envelopes.decode(stamped, 0).sender()).contains("billing");
  }

  @Test
  void decodesEveryFieldAsTheGeneratedCodeDoes() throws InvalidProtocolBufferException {
    Message first = Message.builder("orders.eu").data(new byte[] {7}).id("m-1").build();
    Message withHeaders =
        Message.builder("orders.us").header("trace", "abc").header("n", "1").build();
    ByteString sender = Envelopes.senderField("shop");
    for (Message message : new Message[] {first, withHeaders}) {
      ByteString stamped = Envelopes.encode(message).concat(sender);
      Message decoded = Envelopes.decode(stamped, 3);
      assertThat(decoded).isEqualTo(Envelopes.toMessage(Envelope.parseFrom(stamped), 3));
      assertThat(decoded.subject()).isEqualTo(message.subject());
      assertThat(decoded.headers()).isEqualTo(message.headers());
      assertThat(decoded.sender()).contains("shop");
      assertThat(decoded.missedBefore()).isEqualTo(3);
    }
    // A subject field longer than what is left: cut short.
    assertThatThrownBy(() -> Envelopes.decode(ByteString.copyFrom(new byte[] {10, 5, 'a'}), 0))
        .isInstanceOf(InvalidProtocolBufferException.class);
  }
}
