package dev.switchboard.runtime;

import com.google.protobuf.Descriptors;
import com.google.protobuf.DynamicMessage;
import dev.switchboard.runtime.internal.DynamicMethods;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptors;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.MethodDescriptor.MethodType;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * Calls any method of a contract loaded at run time, with {@link DynamicMessage}s, in all four
 * shapes.
 *
 * <pre>{@code
 * DynamicClient client = DynamicClient.on(channel).withDeadline(Duration.ofSeconds(5));
 * DynamicMessage reply = client.unary(sayHello, request);
 * }</pre>
 *
 * <p>Immutable and thread-safe: {@link #withDeadline} and {@link #withMetadata} return new clients
 * that share the channel. Failures arrive as {@link io.grpc.StatusRuntimeException}s (thrown by
 * {@link #unary}, passed to {@code onError} otherwise), with the trailers attached. To cancel a
 * streaming call, call {@code onError} on the request observer, or use {@link #call} and {@link
 * DynamicCall#cancel}.
 */
public final class DynamicClient {

  private final Channel channel;
  private final Channel intercepted;
  private final @Nullable Duration deadline;
  private final Metadata metadata;
  private final ConcurrentMap<
          Descriptors.MethodDescriptor, MethodDescriptor<DynamicMessage, DynamicMessage>>
      methods;

  private DynamicClient(
      Channel channel,
      @Nullable Duration deadline,
      Metadata metadata,
      ConcurrentMap<Descriptors.MethodDescriptor, MethodDescriptor<DynamicMessage, DynamicMessage>>
          methods) {
    this.channel = channel;
    this.deadline = deadline;
    this.metadata = metadata;
    this.methods = methods;
    this.intercepted =
        metadata.keys().isEmpty()
            ? channel
            : ClientInterceptors.intercept(
                channel, MetadataUtils.newAttachHeadersInterceptor(metadata));
  }

  /**
   * A client on a channel, without a deadline or extra metadata. The caller keeps owning the
   * channel.
   */
  public static DynamicClient on(Channel channel) {
    return new DynamicClient(
        Objects.requireNonNull(channel, "channel"),
        null,
        new Metadata(),
        new ConcurrentHashMap<>());
  }

  /** A client whose calls each get this deadline, counted from the start of the call. */
  public DynamicClient withDeadline(Duration deadline) {
    if (deadline.isNegative() || deadline.isZero()) {
      throw new IllegalArgumentException("deadline must be positive, was " + deadline);
    }
    return new DynamicClient(channel, deadline, metadata, methods);
  }

  /**
   * A client whose calls also send these headers (added to any set before). Binary headers have
   * names ending in {@code -bin} and {@link Metadata#BINARY_BYTE_MARSHALLER} keys.
   */
  public DynamicClient withMetadata(Metadata headers) {
    Metadata merged = new Metadata();
    merged.merge(metadata);
    merged.merge(headers);
    return new DynamicClient(channel, deadline, merged, methods);
  }

  /** The deadline set with {@link #withDeadline}, if any. */
  public @Nullable Duration deadline() {
    return deadline;
  }

  /**
   * Calls a unary method and waits for the response.
   *
   * @throws io.grpc.StatusRuntimeException if the call fails, with the status and trailers
   * @throws IllegalArgumentException if the method is not unary or the request has the wrong type
   */
  public DynamicMessage unary(Descriptors.MethodDescriptor method, DynamicMessage request) {
    MethodDescriptor<DynamicMessage, DynamicMessage> grpcMethod = method(method, MethodType.UNARY);
    checkRequest(method, request);
    return ClientCalls.blockingUnaryCall(intercepted, grpcMethod, callOptions(), request);
  }

  /**
   * Calls a server-streaming method; responses, then completion or the error, go to the observer.
   */
  public void serverStreaming(
      Descriptors.MethodDescriptor method,
      DynamicMessage request,
      StreamObserver<DynamicMessage> responses) {
    MethodDescriptor<DynamicMessage, DynamicMessage> grpcMethod =
        method(method, MethodType.SERVER_STREAMING);
    checkRequest(method, request);
    ClientCalls.asyncServerStreamingCall(newCall(grpcMethod), request, responses);
  }

  /**
   * Calls a client-streaming method; send requests to the returned observer and complete it. The
   * returned observer is a {@link io.grpc.stub.ClientCallStreamObserver} and is not thread-safe.
   */
  public StreamObserver<DynamicMessage> clientStreaming(
      Descriptors.MethodDescriptor method, StreamObserver<DynamicMessage> response) {
    MethodDescriptor<DynamicMessage, DynamicMessage> grpcMethod =
        method(method, MethodType.CLIENT_STREAMING);
    return ClientCalls.asyncClientStreamingCall(newCall(grpcMethod), response);
  }

  /**
   * Calls a bidi-streaming method; send requests to the returned observer while responses arrive.
   * The returned observer is a {@link io.grpc.stub.ClientCallStreamObserver} and is not
   * thread-safe.
   */
  public StreamObserver<DynamicMessage> bidiStreaming(
      Descriptors.MethodDescriptor method, StreamObserver<DynamicMessage> responses) {
    MethodDescriptor<DynamicMessage, DynamicMessage> grpcMethod =
        method(method, MethodType.BIDI_STREAMING);
    return ClientCalls.asyncBidiStreamingCall(newCall(grpcMethod), responses);
  }

  /**
   * Starts a call of any shape and returns a handle to send requests, read the response headers,
   * trailers and status, and cancel. For unary and server-streaming methods, send one request and
   * complete.
   */
  public DynamicCall call(
      Descriptors.MethodDescriptor method, StreamObserver<DynamicMessage> responses) {
    MethodDescriptor<DynamicMessage, DynamicMessage> grpcMethod = grpcMethod(method);
    return DynamicCall.start(method, newCall(grpcMethod), responses);
  }

  private ClientCall<DynamicMessage, DynamicMessage> newCall(
      MethodDescriptor<DynamicMessage, DynamicMessage> method) {
    return intercepted.newCall(method, callOptions());
  }

  private CallOptions callOptions() {
    CallOptions options = CallOptions.DEFAULT;
    if (deadline != null) {
      options = options.withDeadlineAfter(deadline.toNanos(), TimeUnit.NANOSECONDS);
    }
    return options;
  }

  private MethodDescriptor<DynamicMessage, DynamicMessage> method(
      Descriptors.MethodDescriptor method, MethodType expected) {
    MethodDescriptor<DynamicMessage, DynamicMessage> grpcMethod = grpcMethod(method);
    if (grpcMethod.getType() != expected) {
      throw new IllegalArgumentException(
          "method "
              + grpcMethod.getFullMethodName()
              + " is "
              + grpcMethod.getType()
              + ", not "
              + expected);
    }
    return grpcMethod;
  }

  private MethodDescriptor<DynamicMessage, DynamicMessage> grpcMethod(
      Descriptors.MethodDescriptor method) {
    Objects.requireNonNull(method, "method");
    return methods.computeIfAbsent(method, DynamicMethods::grpcMethod);
  }

  static void checkRequest(Descriptors.MethodDescriptor method, DynamicMessage request) {
    String actual = request.getDescriptorForType().getFullName();
    String expected = method.getInputType().getFullName();
    if (!actual.equals(expected)) {
      throw new IllegalArgumentException(
          "method "
              + DynamicMethods.fullName(method)
              + " takes "
              + expected
              + ", but the request is a "
              + actual);
    }
  }

  @Override
  public String toString() {
    return "DynamicClient{"
        + channel.authority()
        + (deadline == null ? "" : ", deadline=" + deadline)
        + "}";
  }
}
