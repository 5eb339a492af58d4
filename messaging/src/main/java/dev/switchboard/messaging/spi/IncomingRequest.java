package dev.switchboard.messaging.spi;

import com.google.protobuf.ByteString;
import dev.switchboard.messaging.Message;
import io.grpc.Deadline;
import io.grpc.Status;

/**
 * A request handed to a responder by a transport. Exactly one of {@link #reply} and {@link #fail}
 * should be called; later calls are ignored. Thread-safe.
 */
public interface IncomingRequest {

  /** The request. */
  Message message();

  /** When the requester stops waiting. */
  Deadline deadline();

  /** Answers the request. */
  void reply(ByteString data);

  /** Fails the request with {@code status} (not {@code OK}). */
  void fail(Status status);
}
