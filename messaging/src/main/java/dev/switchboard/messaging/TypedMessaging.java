package dev.switchboard.messaging;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Parser;
import dev.switchboard.messaging.v1.Pattern;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The five patterns for the methods of a contract: protobuf messages in and out, subjects from each
 * method's options ({@link MethodBinding}), and every message checked against its {@code
 * buf.validate} rules before it is sent and again when it arrives. A message that fails is never
 * sent, or never reaches the handler: senders get {@code INVALID_ARGUMENT} naming each field path
 * and rule; an invalid arrival is answered with {@code INVALID_ARGUMENT} (requests), not
 * acknowledged (queue messages, broadcasts, notifications) or dropped with a warning (pub/sub).
 *
 * <p>Generated clients and server stubs are built on this class; the CLI uses it with contracts
 * loaded at run time ({@code DynamicMessage} parsers work the same). Every message sent carries the
 * header {@value #METHOD_HEADER} with the method's full name.
 *
 * <p>Thread-safe.
 */
public final class TypedMessaging {
  private static final Logger log = LoggerFactory.getLogger(TypedMessaging.class);

  /** The header naming the method a message belongs to ({@code package.Service/Method}). */
  public static final String METHOD_HEADER = "Sb-Method";

  /** Handles one message of a method. */
  @FunctionalInterface
  public interface Handler<T> {
    void handle(T message) throws Exception;
  }

  /** Answers one request of a method. */
  @FunctionalInterface
  public interface Answer<T, R> {
    R respond(T request) throws Exception;
  }

  private final Messaging messaging;
  private final MessageValidator validator;
  private final Map<String, Handler<Message>> notificationHandlers = new ConcurrentHashMap<>();
  private volatile @Nullable Subscription listener;

  private TypedMessaging(Messaging messaging, MessageValidator validator) {
    this.messaging = messaging;
    this.validator = validator;
  }

  /** Typed patterns over {@code messaging}, with protovalidate. */
  public static TypedMessaging on(Messaging messaging) {
    return new TypedMessaging(
        Objects.requireNonNull(messaging, "messaging"), MessageValidator.create());
  }

  /** The same, sharing {@code validator}. */
  public static TypedMessaging on(Messaging messaging, MessageValidator validator) {
    return new TypedMessaging(
        Objects.requireNonNull(messaging, "messaging"),
        Objects.requireNonNull(validator, "validator"));
  }

  /** The client underneath. */
  public Messaging messaging() {
    return messaging;
  }

  private Message outgoing(
      MethodBinding method,
      String subject,
      com.google.protobuf.Message input,
      @Nullable String id) {
    expect(method, input);
    validator.check(input);
    return Message.builder(subject)
        .data(input.toByteString())
        .header(METHOD_HEADER, method.fullName())
        .id(id)
        .build();
  }

  private static void expect(MethodBinding method, com.google.protobuf.Message input) {
    if (!input
        .getDescriptorForType()
        .getFullName()
        .equals(method.method().getInputType().getFullName())) {
      throw new IllegalArgumentException(
          method.fullName()
              + " takes "
              + method.method().getInputType().getFullName()
              + ", not "
              + input.getDescriptorForType().getFullName());
    }
  }

  private static void expectPattern(MethodBinding method, Pattern pattern) {
    if (method.pattern() != pattern) {
      throw new IllegalArgumentException(
          method.fullName() + " is " + method.pattern() + ", not " + pattern);
    }
  }

  private <T extends com.google.protobuf.Message> T incoming(
      MethodBinding method, Parser<T> parser, ByteString data) {
    T message;
    try {
      message = parser.parseFrom(data);
    } catch (InvalidProtocolBufferException e) {
      throw Status.INVALID_ARGUMENT
          .withDescription(
              method.fullName()
                  + ": not a "
                  + method.method().getInputType().getFullName()
                  + ": "
                  + e.getMessage())
          .asRuntimeException();
    }
    validator.check(message);
    return message;
  }

  // ---- publish/subscribe ----

  /**
   * Publishes {@code input} of a {@code PUBLISH_SUBSCRIBE} method to its subject.
   *
   * @throws StatusRuntimeException {@code INVALID_ARGUMENT} if it fails validation or cannot fill
   *     the subject; nothing is sent
   */
  public void publish(MethodBinding method, com.google.protobuf.Message input) {
    expectPattern(method, Pattern.PUBLISH_SUBSCRIBE);
    messaging.publish(outgoing(method, method.subject(input), input, null));
  }

  /**
   * Subscribes to every subject of a {@code PUBLISH_SUBSCRIBE} method ({@link
   * MethodBinding#filter()}).
   */
  public <T extends com.google.protobuf.Message> Subscription subscribe(
      MethodBinding method, Parser<T> parser, SubscribeOptions options, Handler<T> handler) {
    return subscribe(method, method.filter(), parser, options, handler);
  }

  /** Subscribes to {@code subject}, one of the method's subjects or a narrower filter of them. */
  public <T extends com.google.protobuf.Message> Subscription subscribe(
      MethodBinding method,
      String subject,
      Parser<T> parser,
      SubscribeOptions options,
      Handler<T> handler) {
    expectPattern(method, Pattern.PUBLISH_SUBSCRIBE);
    return messaging.subscribe(
        subject,
        options,
        message -> {
          T typed;
          try {
            typed = incoming(method, parser, message.data());
          } catch (StatusRuntimeException e) {
            log.warn(
                "dropped a message on {}: {}", message.subject(), e.getStatus().getDescription());
            return;
          }
          handler.handle(typed);
        });
  }

  // ---- request/response ----

  /**
   * Sends a request of a {@code REQUEST_RESPONSE} method and waits for the validated reply, with
   * the method's deadline and idempotence.
   */
  public <R extends com.google.protobuf.Message> R request(
      MethodBinding method, com.google.protobuf.Message input, Parser<R> replies) {
    RequestOptions options = RequestOptions.deadline(method.deadline());
    return request(method, input, replies, method.idempotent() ? options.idempotent() : options);
  }

  /** The same with explicit options. */
  public <R extends com.google.protobuf.Message> R request(
      MethodBinding method,
      com.google.protobuf.Message input,
      Parser<R> replies,
      RequestOptions options) {
    expectPattern(method, Pattern.REQUEST_RESPONSE);
    Message reply =
        messaging.request(outgoing(method, method.subject(input), input, null), options);
    R typed;
    try {
      typed = replies.parseFrom(reply.data());
    } catch (InvalidProtocolBufferException e) {
      throw Status.INTERNAL
          .withDescription(method.fullName() + ": the reply does not parse: " + e.getMessage())
          .asRuntimeException();
    }
    List<String> violations = validator.violations(typed);
    if (!violations.isEmpty()) {
      throw Status.INTERNAL
          .withDescription(
              method.fullName()
                  + ": the responder's reply is invalid: "
                  + String.join("; ", violations))
          .asRuntimeException();
    }
    return typed;
  }

  /**
   * Answers requests of a {@code REQUEST_RESPONSE} method in {@code group}. Invalid requests are
   * answered {@code INVALID_ARGUMENT} without calling {@code answer}; an invalid reply fails the
   * request with {@code INTERNAL}.
   */
  public <T extends com.google.protobuf.Message, R extends com.google.protobuf.Message>
      Subscription respond(
          MethodBinding method, String group, Parser<T> parser, Answer<T, R> answer) {
    expectPattern(method, Pattern.REQUEST_RESPONSE);
    return messaging.respond(
        method.filter(),
        group,
        request -> {
          T typed = incoming(method, parser, request.data());
          R reply = answer.respond(typed);
          List<String> violations = validator.violations(reply);
          if (!violations.isEmpty()) {
            throw Status.INTERNAL
                .withDescription(
                    method.fullName() + ": the reply is invalid: " + String.join("; ", violations))
                .asException();
          }
          return reply.toByteString();
        });
  }

  // ---- work queue ----

  /** Pushes {@code input} of a {@code WORK_QUEUE} method; done once durable. */
  public CompletableFuture<Void> push(
      MethodBinding method, com.google.protobuf.Message input, @Nullable String id) {
    expectPattern(method, Pattern.WORK_QUEUE);
    return messaging.push(outgoing(method, method.subjectTemplate(), input, id));
  }

  /**
   * Consumes a {@code WORK_QUEUE} method's queue: returning acknowledges, throwing (or an invalid
   * message) nacks, so a message that keeps failing ends in the dead-letter queue.
   */
  public <T extends com.google.protobuf.Message> Subscription consume(
      MethodBinding method, Parser<T> parser, ConsumerOptions options, Handler<T> handler) {
    expectPattern(method, Pattern.WORK_QUEUE);
    return messaging.consume(
        method.subjectTemplate(),
        options,
        delivery -> {
          handler.handle(incoming(method, parser, delivery.message().data()));
          delivery.ack();
        });
  }

  // ---- broadcast ----

  /** Broadcasts {@code input} of a {@code BROADCAST} method to its group. */
  public CompletableFuture<BroadcastReport> broadcast(
      MethodBinding method, com.google.protobuf.Message input, Duration deadline) {
    expectPattern(method, Pattern.BROADCAST);
    return messaging.broadcast(outgoing(method, method.subjectTemplate(), input, null), deadline);
  }

  /** Joins a {@code BROADCAST} method's group; returning acknowledges. */
  public <T extends com.google.protobuf.Message> Subscription join(
      MethodBinding method, Parser<T> parser, Handler<T> handler) {
    expectPattern(method, Pattern.BROADCAST);
    return messaging.join(
        method.subjectTemplate(),
        message -> handler.handle(incoming(method, parser, message.data())));
  }

  // ---- notification ----

  /** Sends {@code input} of a {@code NOTIFICATION} method to {@code peer}. */
  public CompletableFuture<Void> notify(
      MethodBinding method, String peer, com.google.protobuf.Message input, NotifyOptions options) {
    expectPattern(method, Pattern.NOTIFICATION);
    return messaging.notify(outgoing(method, peer, input, null), options);
  }

  /**
   * Handles notifications of a {@code NOTIFICATION} method sent to this client. Several methods
   * share this client's one listener; each notification goes to its method's handler, and one for a
   * method without a handler fails with {@code UNIMPLEMENTED}.
   */
  public synchronized <T extends com.google.protobuf.Message> Subscription listen(
      MethodBinding method, Parser<T> parser, Handler<T> handler) {
    expectPattern(method, Pattern.NOTIFICATION);
    notificationHandlers.put(
        method.fullName(), message -> handler.handle(incoming(method, parser, message.data())));
    if (listener == null) {
      listener =
          messaging.listen(
              message -> {
                String name = message.headers().getOrDefault(METHOD_HEADER, "");
                Handler<Message> target = notificationHandlers.get(name);
                if (target == null) {
                  throw Status.UNIMPLEMENTED
                      .withDescription("no handler here for notifications of '" + name + "'")
                      .asException();
                }
                target.handle(message);
              });
    }
    Subscription shared = Objects.requireNonNull(listener);
    return new Subscription() {
      @Override
      public String subject() {
        return shared.subject();
      }

      @Override
      public java.util.concurrent.CompletionStage<Status> closed() {
        return shared.closed();
      }

      @Override
      public void close() {
        notificationHandlers.remove(method.fullName());
      }
    };
  }
}
