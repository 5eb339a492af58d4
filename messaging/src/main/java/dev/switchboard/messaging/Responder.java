package dev.switchboard.messaging;

import com.google.protobuf.ByteString;

/**
 * Answers requests. Throwing a {@code StatusException} or {@code StatusRuntimeException} fails the
 * request with that status; any other exception fails it with {@code INTERNAL} and the exception's
 * message.
 */
@FunctionalInterface
public interface Responder {
  /** The reply payload for {@code request}. */
  ByteString respond(Message request) throws Exception;
}
