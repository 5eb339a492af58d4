package dev.switchboard.messaging.spi;

import dev.switchboard.messaging.BroadcastReport;
import dev.switchboard.messaging.ConsumerOptions;
import dev.switchboard.messaging.Delivery;
import dev.switchboard.messaging.Message;
import dev.switchboard.messaging.NotifyOptions;
import dev.switchboard.messaging.RequestOptions;
import dev.switchboard.messaging.SubscribeOptions;
import dev.switchboard.messaging.Subscription;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * A connection to a messaging system that carries the five patterns. Implementations keep the
 * session alive with heartbeats, reconnect with backoff, and restore every open registration after
 * a reconnect without the caller's help.
 *
 * <p><b>Callbacks.</b> Sinks are called on the transport's threads, one call at a time per
 * registration and in arrival order; they must return quickly (the {@code Messaging} client queues
 * the work and returns). Futures fail with a {@code StatusRuntimeException} carrying the gRPC
 * status (for example {@code UNAVAILABLE}, {@code DEADLINE_EXCEEDED}, {@code PERMISSION_DENIED}).
 *
 * <p>Implementations are thread-safe.
 */
public interface Transport extends AutoCloseable {

  /** This client's peer name: where notifications to it are addressed and how others see it. */
  String peerName();

  /**
   * Publishes to every subscriber of the message's subject (one member per queue group). Returns
   * once the message is queued for sending; blocks while the outgoing buffer is full.
   */
  void publish(Message message);

  /**
   * Completes once everything sent before it has reached the server and been handled; fails with
   * the first refusal of a publish since the previous flush (for example {@code
   * PERMISSION_DENIED}), or {@code DEADLINE_EXCEEDED} after {@code timeout}.
   */
  CompletableFuture<Void> flush(Duration timeout);

  /** Receives messages published to {@code subject} (NATS wildcards {@code *} and {@code >}). */
  Subscription subscribe(String subject, SubscribeOptions options, Consumer<Message> sink);

  /**
   * Sends a request to one responder for its subject and completes with the reply. {@code
   * UNAVAILABLE} when there is no responder or it died (after retries, for idempotent requests);
   * {@code DEADLINE_EXCEEDED} at the deadline.
   */
  CompletableFuture<Message> request(Message request, RequestOptions options);

  /** Answers requests to {@code subject}, as one member of {@code group}. */
  Subscription respond(String subject, String group, Consumer<IncomingRequest> sink);

  /**
   * Appends the message to the work queue named by its subject; completes once the message is
   * durable (it would survive {@code kill -9} of the hub, or JetStream has stored it).
   */
  CompletableFuture<Void> push(Message message);

  /** Consumes the work queue {@code queue}: each message goes to one consumer. */
  Subscription consume(String queue, ConsumerOptions options, Consumer<Delivery> sink);

  /**
   * Sends the message to every live member of the group named by its subject; completes at the
   * deadline, or earlier once every member has acknowledged.
   */
  CompletableFuture<BroadcastReport> broadcast(Message message, Duration deadline);

  /** Joins a broadcast group; each delivery is acknowledged or failed by the receiver. */
  Subscription join(String group, Consumer<Delivery> sink);

  /** Sends a notification to the peer named by the message's subject. */
  CompletableFuture<Void> notify(Message message, NotifyOptions options);

  /** Receives notifications addressed to {@link #peerName()}. */
  Subscription listen(Consumer<Delivery> sink);

  /** Closes the connection; open registrations end with {@code OK}, pending calls fail. */
  @Override
  void close();
}
