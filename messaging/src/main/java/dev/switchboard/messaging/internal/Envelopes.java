package dev.switchboard.messaging.internal;

import dev.switchboard.messaging.Message;
import dev.switchboard.messaging.internal.proto.Envelope;

/** Converts between {@link Message} and the wire's {@link Envelope}. */
public final class Envelopes {
  private Envelopes() {}

  public static Envelope toEnvelope(Message message) {
    Envelope.Builder envelope =
        Envelope.newBuilder().setSubject(message.subject()).setData(message.data());
    if (!message.headers().isEmpty()) {
      envelope.putAllHeaders(message.headers());
    }
    message.id().ifPresent(envelope::setId);
    return envelope.build();
  }

  public static Message toMessage(Envelope envelope, long missed) {
    Message.Builder message =
        Message.builder(envelope.getSubject())
            .data(envelope.getData())
            .headers(envelope.getHeadersMap())
            .missedBefore(missed);
    if (!envelope.getId().isEmpty()) {
      message.id(envelope.getId());
    }
    if (!envelope.getSender().isEmpty()) {
      message.sender(envelope.getSender());
    }
    return message.build();
  }
}
