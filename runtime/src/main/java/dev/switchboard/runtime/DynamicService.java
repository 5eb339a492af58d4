package dev.switchboard.runtime;

import com.google.protobuf.Descriptors;
import com.google.protobuf.DynamicMessage;
import dev.switchboard.runtime.internal.DynamicMethods;
import dev.switchboard.runtime.internal.TypeCheckedResponses;
import io.grpc.MethodDescriptor;
import io.grpc.MethodDescriptor.MethodType;
import io.grpc.ServerCallHandler;
import io.grpc.ServerServiceDefinition;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * A gRPC service served from a protobuf {@link Descriptors.ServiceDescriptor} loaded at run time,
 * with handlers that take and return {@link DynamicMessage}s. Reflection describes it like a
 * generated service.
 *
 * <pre>{@code
 * ServiceDescriptor greeter = contract.service("helloworld.Greeter").orElseThrow();
 * DynamicService service = DynamicService.builder(greeter)
 *     .unary("SayHello", (request, response) -> {
 *       response.onNext(DynamicMessage.newBuilder(greeter.findMethodByName("SayHello").getOutputType())
 *           .setField(..., "hello").build());
 *       response.onCompleted();
 *     })
 *     .build();
 * SwitchboardServer.builder("localhost:0").service(service).build().start();
 * }</pre>
 *
 * <p>The handler interfaces have the shapes of grpc-java's {@link ServerCalls} handlers. The
 * response observers they get are {@link io.grpc.stub.ServerCallStreamObserver}s, for flow control
 * and to learn about cancellation; a response of the wrong message type fails the call with {@code
 * INTERNAL} naming both types. Methods without a handler (and without a {@linkplain
 * Builder#fallback fallback}) answer {@code UNIMPLEMENTED}.
 *
 * <p>Immutable and thread-safe; handlers must be thread-safe, since calls run concurrently.
 */
public final class DynamicService {

  private final Descriptors.ServiceDescriptor descriptor;
  private final ServerServiceDefinition definition;

  private DynamicService(
      Descriptors.ServiceDescriptor descriptor, ServerServiceDefinition definition) {
    this.descriptor = descriptor;
    this.definition = definition;
  }

  /** A builder for a service of the given contract. */
  public static Builder builder(Descriptors.ServiceDescriptor service) {
    return new Builder(service);
  }

  /** The protobuf descriptor of the service. */
  public Descriptors.ServiceDescriptor descriptor() {
    return descriptor;
  }

  /** The service's full name, e.g. {@code helloworld.Greeter}. */
  public String name() {
    return descriptor.getFullName();
  }

  /** The gRPC service definition, for any grpc-java server. */
  public ServerServiceDefinition definition() {
    return definition;
  }

  @Override
  public String toString() {
    return "DynamicService{" + name() + "}";
  }

  /** Handles a unary call: one request, one response (then {@code onCompleted}) or an error. */
  @FunctionalInterface
  public interface UnaryHandler {
    void handle(DynamicMessage request, StreamObserver<DynamicMessage> response);
  }

  /** Handles a server-streaming call: one request, any number of responses. */
  @FunctionalInterface
  public interface ServerStreamingHandler {
    void handle(DynamicMessage request, StreamObserver<DynamicMessage> responses);
  }

  /**
   * Handles a client-streaming call: returns the observer of requests; answers with one response.
   */
  @FunctionalInterface
  public interface ClientStreamingHandler {
    StreamObserver<DynamicMessage> handle(StreamObserver<DynamicMessage> response);
  }

  /**
   * Handles a bidi-streaming call: returns the observer of requests; answers with any number of
   * responses.
   */
  @FunctionalInterface
  public interface BidiStreamingHandler {
    StreamObserver<DynamicMessage> handle(StreamObserver<DynamicMessage> responses);
  }

  /**
   * Handles any method without its own handler, in any shape, as a stream both ways: unary methods
   * get one request and must send one response.
   */
  @FunctionalInterface
  public interface FallbackHandler {
    StreamObserver<DynamicMessage> handle(
        Descriptors.MethodDescriptor method, StreamObserver<DynamicMessage> responses);
  }

  /** Configures a {@link DynamicService}. Not thread-safe. */
  public static final class Builder {
    private final Descriptors.ServiceDescriptor service;
    private final Map<
            Descriptors.MethodDescriptor, ServerCallHandler<DynamicMessage, DynamicMessage>>
        handlers = new LinkedHashMap<>();
    private @Nullable FallbackHandler fallback;

    private Builder(Descriptors.ServiceDescriptor service) {
      this.service = Objects.requireNonNull(service, "service");
    }

    /**
     * Serves a unary method.
     *
     * @throws IllegalArgumentException if the service has no such method, it is not unary, or it
     *     already has a handler
     */
    public Builder unary(String method, UnaryHandler handler) {
      Objects.requireNonNull(handler, "handler");
      Descriptors.MethodDescriptor found = find(method);
      return add(
          found,
          MethodType.UNARY,
          "unary",
          ServerCalls.asyncUnaryCall(
              (request, response) ->
                  handler.handle(request, TypeCheckedResponses.wrap(response, found))));
    }

    /** Serves a server-streaming method; see {@link #unary} for the errors. */
    public Builder serverStreaming(String method, ServerStreamingHandler handler) {
      Objects.requireNonNull(handler, "handler");
      Descriptors.MethodDescriptor found = find(method);
      return add(
          found,
          MethodType.SERVER_STREAMING,
          "serverStreaming",
          ServerCalls.asyncServerStreamingCall(
              (request, responses) ->
                  handler.handle(request, TypeCheckedResponses.wrap(responses, found))));
    }

    /** Serves a client-streaming method; see {@link #unary} for the errors. */
    public Builder clientStreaming(String method, ClientStreamingHandler handler) {
      Objects.requireNonNull(handler, "handler");
      Descriptors.MethodDescriptor found = find(method);
      return add(
          found,
          MethodType.CLIENT_STREAMING,
          "clientStreaming",
          ServerCalls.asyncClientStreamingCall(
              response -> handler.handle(TypeCheckedResponses.wrap(response, found))));
    }

    /** Serves a bidi-streaming method; see {@link #unary} for the errors. */
    public Builder bidiStreaming(String method, BidiStreamingHandler handler) {
      Objects.requireNonNull(handler, "handler");
      Descriptors.MethodDescriptor found = find(method);
      return add(
          found,
          MethodType.BIDI_STREAMING,
          "bidiStreaming",
          ServerCalls.asyncBidiStreamingCall(
              responses -> handler.handle(TypeCheckedResponses.wrap(responses, found))));
    }

    /** Serves every method that has no handler of its own. */
    public Builder fallback(FallbackHandler handler) {
      this.fallback = Objects.requireNonNull(handler, "handler");
      return this;
    }

    private Builder add(
        Descriptors.MethodDescriptor method,
        MethodType shape,
        String registrar,
        ServerCallHandler<DynamicMessage, DynamicMessage> handler) {
      MethodType actual = DynamicMethods.typeOf(method);
      if (actual != shape) {
        throw new IllegalArgumentException(
            "method "
                + DynamicMethods.fullName(method)
                + " is "
                + describe(actual)
                + ", not "
                + describe(shape)
                + "; register it with "
                + registrarFor(actual)
                + "(...)"
                + " instead of "
                + registrar
                + "(...)");
      }
      if (handlers.putIfAbsent(method, handler) != null) {
        throw new IllegalArgumentException(
            "method " + DynamicMethods.fullName(method) + " already has a handler");
      }
      return this;
    }

    private Descriptors.MethodDescriptor find(String name) {
      Objects.requireNonNull(name, "method");
      String simple = name;
      String prefix = service.getFullName() + "/";
      if (name.startsWith(prefix)) {
        simple = name.substring(prefix.length());
      } else if (name.startsWith(service.getFullName() + ".")) {
        simple = name.substring(service.getFullName().length() + 1);
      }
      Descriptors.MethodDescriptor method = service.findMethodByName(simple);
      if (method == null) {
        String known =
            service.getMethods().stream()
                .map(Descriptors.MethodDescriptor::getName)
                .collect(Collectors.joining(", "));
        throw new IllegalArgumentException(
            "service "
                + service.getFullName()
                + " has no method '"
                + name
                + "' (methods: "
                + (known.isEmpty() ? "none" : known)
                + ")");
      }
      return method;
    }

    /** Builds the service. Methods without handlers answer UNIMPLEMENTED, or go to the fallback. */
    public DynamicService build() {
      List<MethodDescriptor<?, ?>> grpcMethods = new ArrayList<>();
      Map<
              MethodDescriptor<DynamicMessage, DynamicMessage>,
              ServerCallHandler<DynamicMessage, DynamicMessage>>
          bound = new LinkedHashMap<>();
      for (Descriptors.MethodDescriptor method : service.getMethods()) {
        MethodDescriptor<DynamicMessage, DynamicMessage> grpcMethod =
            DynamicMethods.grpcMethod(method);
        grpcMethods.add(grpcMethod);
        ServerCallHandler<DynamicMessage, DynamicMessage> handler = handlers.get(method);
        if (handler == null) {
          handler =
              fallback != null ? fallbackHandler(method, fallback) : unimplemented(grpcMethod);
        }
        bound.put(grpcMethod, handler);
      }
      ServerServiceDefinition.Builder definition =
          ServerServiceDefinition.builder(DynamicMethods.grpcService(service, grpcMethods));
      bound.forEach(definition::addMethod);
      return new DynamicService(service, definition.build());
    }

    private static ServerCallHandler<DynamicMessage, DynamicMessage> fallbackHandler(
        Descriptors.MethodDescriptor method, FallbackHandler fallback) {
      // A bidi handler serves every shape: it asks for requests as they come and sends what it is
      // given.
      return ServerCalls.asyncBidiStreamingCall(
          responses -> fallback.handle(method, TypeCheckedResponses.wrap(responses, method)));
    }

    private static ServerCallHandler<DynamicMessage, DynamicMessage> unimplemented(
        MethodDescriptor<DynamicMessage, DynamicMessage> method) {
      if (method.getType() == MethodType.UNARY) {
        return ServerCalls.asyncUnaryCall(
            (request, response) -> ServerCalls.asyncUnimplementedUnaryCall(method, response));
      }
      if (method.getType() == MethodType.SERVER_STREAMING) {
        return ServerCalls.asyncServerStreamingCall(
            (request, responses) -> ServerCalls.asyncUnimplementedUnaryCall(method, responses));
      }
      return ServerCalls.asyncBidiStreamingCall(
          responses -> ServerCalls.asyncUnimplementedStreamingCall(method, responses));
    }

    private static String describe(MethodType type) {
      return switch (type) {
        case UNARY -> "unary";
        case SERVER_STREAMING -> "server streaming";
        case CLIENT_STREAMING -> "client streaming";
        case BIDI_STREAMING -> "bidi streaming";
        default -> type.toString();
      };
    }

    private static String registrarFor(MethodType type) {
      return switch (type) {
        case UNARY -> "unary";
        case SERVER_STREAMING -> "serverStreaming";
        case CLIENT_STREAMING -> "clientStreaming";
        default -> "bidiStreaming";
      };
    }
  }
}
