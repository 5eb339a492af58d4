package dev.switchboard.messaging;

import io.grpc.Status;
import java.util.concurrent.CompletionStage;

/**
 * A registration with the transport: a subscription, responder, consumer, group membership or
 * notification listener. The client restores it after every reconnect until it is closed.
 */
public interface Subscription extends AutoCloseable {

  /** What it listens on: a subject (wildcards allowed), a queue, a group, or the peer's name. */
  String subject();

  /**
   * Completes when the registration ends: {@code OK} after {@link #close()} or when the client
   * closes, another status when the transport ended it (for example {@code RESOURCE_EXHAUSTED} when
   * a slow subscriber is disconnected, {@code PERMISSION_DENIED} when the hub refuses it).
   */
  CompletionStage<Status> closed();

  /** Ends the registration; messages already received may still reach the handler. Idempotent. */
  @Override
  void close();
}
