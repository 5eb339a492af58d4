package dev.switchboard.contract;

import com.google.protobuf.ByteString;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.InvalidProtocolBufferException;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.Deadline;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.reflection.v1.ServerReflectionGrpc;
import io.grpc.reflection.v1.ServerReflectionRequest;
import io.grpc.reflection.v1.ServerReflectionResponse;
import io.grpc.reflection.v1.ServiceResponse;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A client of the gRPC server reflection protocol: {@code grpc.reflection.v1}, falling back to
 * {@code grpc.reflection.v1alpha} when the server answers v1 with UNIMPLEMENTED (older servers,
 * including grpc-java before 1.57 and many Go and Python servers, offer only v1alpha).
 *
 * <p>Each operation runs on one reflection stream and fetches files by name, each file once, until
 * every import is present. Failures are {@link StatusRuntimeException}s: the transport's status,
 * the status from the server's {@code ErrorResponse} (NOT_FOUND for an unknown symbol), or INTERNAL
 * when the server's descriptors do not link. Instances are immutable and thread-safe.
 */
public final class ServerReflection {
  private static final Logger log = LoggerFactory.getLogger(ServerReflection.class);

  private final Channel channel;
  private final @Nullable Duration deadline;

  /** Set once v1 turned out to be UNIMPLEMENTED, so later operations go straight to v1alpha. */
  private final AtomicBoolean useV1alpha;

  private ServerReflection(Channel channel, @Nullable Duration deadline, AtomicBoolean useV1alpha) {
    this.channel = channel;
    this.deadline = deadline;
    this.useV1alpha = useV1alpha;
  }

  /** A reflection client on {@code channel}. Headers go through the channel's interceptors. */
  public static ServerReflection on(Channel channel) {
    return new ServerReflection(channel, null, new AtomicBoolean());
  }

  /** The same client, with a deadline for each operation (a whole listing or fetch). */
  public ServerReflection withDeadline(Duration deadline) {
    return new ServerReflection(channel, deadline, useV1alpha);
  }

  /** The full names of the services the server offers, as it lists them. */
  public List<String> services() {
    try (Session session = open()) {
      ServerReflectionResponse response =
          session.exchange(ServerReflectionRequest.newBuilder().setListServices("*").build());
      return response.getListServicesResponse().getServiceList().stream()
          .map(ServiceResponse::getName)
          .toList();
    }
  }

  /** Every service the server lists, with the files that define them and all their imports. */
  public ContractSet contract() {
    try (Session session = open()) {
      ServerReflectionResponse listing =
          session.exchange(ServerReflectionRequest.newBuilder().setListServices("*").build());
      Map<String, FileDescriptorProto> files = new LinkedHashMap<>();
      for (ServiceResponse service : listing.getListServicesResponse().getServiceList()) {
        try {
          fetchSymbol(session, service.getName(), files);
        } catch (StatusRuntimeException e) {
          if (e.getStatus().getCode() != Status.Code.NOT_FOUND) {
            throw e;
          }
          // Some servers list services whose files they cannot serve; the rest is still useful.
          log.warn(
              "server reflection lists {} but cannot give its file: {}",
              service.getName(),
              e.getStatus().getDescription());
        }
      }
      return link(files);
    }
  }

  /**
   * The file that defines {@code symbol} (a service, method, message, enum or extension, by full
   * name) with all its imports.
   *
   * @throws StatusRuntimeException NOT_FOUND when the server does not know the symbol
   */
  public ContractSet symbol(String symbol) {
    try (Session session = open()) {
      Map<String, FileDescriptorProto> files = new LinkedHashMap<>();
      fetchSymbol(session, symbol.startsWith(".") ? symbol.substring(1) : symbol, files);
      return link(files);
    }
  }

  private void fetchSymbol(Session session, String symbol, Map<String, FileDescriptorProto> files) {
    ServerReflectionResponse response =
        session.exchange(
            ServerReflectionRequest.newBuilder().setFileContainingSymbol(symbol).build());
    Deque<String> wanted = new ArrayDeque<>();
    addFiles(response, files, wanted);
    while (!wanted.isEmpty()) {
      String name = wanted.poll();
      if (files.containsKey(name)) {
        continue;
      }
      ServerReflectionResponse byName;
      try {
        byName =
            session.exchange(ServerReflectionRequest.newBuilder().setFileByFilename(name).build());
      } catch (StatusRuntimeException e) {
        // Some servers leave out the well-known types, which the linker supplies itself.
        if (e.getStatus().getCode() == Status.Code.NOT_FOUND
            && name.startsWith("google/protobuf/")) {
          continue;
        }
        throw e;
      }
      addFiles(byName, files, wanted);
    }
  }

  private static void addFiles(
      ServerReflectionResponse response,
      Map<String, FileDescriptorProto> files,
      Deque<String> wanted) {
    for (ByteString bytes : response.getFileDescriptorResponse().getFileDescriptorProtoList()) {
      FileDescriptorProto file;
      try {
        file = FileDescriptorProto.parseFrom(bytes);
      } catch (InvalidProtocolBufferException e) {
        throw Status.INTERNAL
            .withDescription(
                "server reflection sent a file descriptor that does not parse: " + e.getMessage())
            .asRuntimeException();
      }
      if (files.putIfAbsent(file.getName(), file) == null) {
        wanted.addAll(file.getDependencyList());
      }
    }
  }

  private static ContractSet link(Map<String, FileDescriptorProto> files) {
    try {
      return ContractSet.link(files.values());
    } catch (ContractException e) {
      throw Status.INTERNAL
          .withDescription("server reflection sent descriptors that do not link: " + e.getMessage())
          .asRuntimeException();
    }
  }

  private Session open() {
    return new Session();
  }

  /**
   * One reflection stream, used as request/response pairs. Opens the v1 stream lazily and moves to
   * v1alpha (same messages, same wire format) if v1 is UNIMPLEMENTED on the first exchange.
   */
  private final class Session implements AutoCloseable {
    private @Nullable Stream stream;
    private final @Nullable Deadline sessionDeadline =
        deadline == null ? null : Deadline.after(deadline.toNanos(), TimeUnit.NANOSECONDS);

    ServerReflectionResponse exchange(ServerReflectionRequest request) {
      if (stream == null) {
        stream =
            useV1alpha.get() ? Stream.v1alpha(channel, options()) : Stream.v1(channel, options());
        try {
          return stream.exchange(request);
        } catch (StatusRuntimeException e) {
          if (useV1alpha.get() || e.getStatus().getCode() != Status.Code.UNIMPLEMENTED) {
            throw e;
          }
          stream.close();
          useV1alpha.set(true);
          stream = Stream.v1alpha(channel, options());
        }
      }
      return stream.exchange(request);
    }

    private CallOptions options() {
      return sessionDeadline == null
          ? CallOptions.DEFAULT
          : CallOptions.DEFAULT.withDeadline(sessionDeadline);
    }

    @Override
    public void close() {
      if (stream != null) {
        stream.close();
      }
    }
  }

  /** A bidi reflection call seen through v1 message types. */
  private static final class Stream {
    private final LinkedBlockingQueue<Object> inbox = new LinkedBlockingQueue<>();
    private final StreamObserver<Object> requests;
    private final Function<ServerReflectionRequest, Object> toWire;
    private final Function<Object, ServerReflectionResponse> fromWire;
    private volatile boolean finished;

    @SuppressWarnings("unchecked")
    private <Q, R> Stream(
        ClientCall<Q, R> call,
        Function<ServerReflectionRequest, Q> toWire,
        Function<R, ServerReflectionResponse> fromWire) {
      this.toWire = (Function<ServerReflectionRequest, Object>) toWire;
      this.fromWire = (Function<Object, ServerReflectionResponse>) fromWire;
      StreamObserver<R> responses =
          new StreamObserver<>() {
            @Override
            public void onNext(R value) {
              inbox.add(value);
            }

            @Override
            public void onError(Throwable t) {
              finished = true;
              inbox.add(
                  t instanceof StatusRuntimeException
                      ? t
                      : Status.fromThrowable(t).asRuntimeException());
            }

            @Override
            public void onCompleted() {
              finished = true;
              inbox.add(
                  Status.UNAVAILABLE
                      .withDescription("server closed the reflection stream early")
                      .asRuntimeException());
            }
          };
      this.requests =
          (StreamObserver<Object>)
              (StreamObserver<?>) ClientCalls.asyncBidiStreamingCall(call, responses);
    }

    static Stream v1(Channel channel, CallOptions options) {
      return new Stream(
          channel.newCall(ServerReflectionGrpc.getServerReflectionInfoMethod(), options),
          Function.identity(),
          Function.identity());
    }

    static Stream v1alpha(Channel channel, CallOptions options) {
      MethodDescriptor<
              io.grpc.reflection.v1alpha.ServerReflectionRequest,
              io.grpc.reflection.v1alpha.ServerReflectionResponse>
          method = io.grpc.reflection.v1alpha.ServerReflectionGrpc.getServerReflectionInfoMethod();
      // v1alpha and v1 messages have the same fields and numbers, so bytes convert losslessly.
      return new Stream(
          channel.newCall(method, options),
          request ->
              convert(
                  request.toByteString(),
                  io.grpc.reflection.v1alpha.ServerReflectionRequest.parser()),
          response -> convert(response.toByteString(), ServerReflectionResponse.parser()));
    }

    private static <T> T convert(ByteString bytes, com.google.protobuf.Parser<T> parser) {
      try {
        return parser.parseFrom(bytes);
      } catch (InvalidProtocolBufferException e) {
        throw Status.INTERNAL
            .withDescription(
                "reflection message does not convert between v1 and v1alpha: " + e.getMessage())
            .asRuntimeException();
      }
    }

    ServerReflectionResponse exchange(ServerReflectionRequest request) {
      if (!finished) {
        requests.onNext(toWire.apply(request));
      }
      Object next;
      try {
        next = inbox.take();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        requests.onError(Status.CANCELLED.withDescription("interrupted").asRuntimeException());
        throw Status.CANCELLED
            .withDescription("interrupted while waiting for server reflection")
            .withCause(e)
            .asRuntimeException();
      }
      if (next instanceof StatusRuntimeException e) {
        inbox.add(e); // later exchanges fail the same way
        throw new StatusRuntimeException(e.getStatus(), e.getTrailers());
      }
      ServerReflectionResponse response = fromWire.apply(next);
      if (response.hasErrorResponse()) {
        throw Status.fromCodeValue(response.getErrorResponse().getErrorCode())
            .withDescription(response.getErrorResponse().getErrorMessage())
            .asRuntimeException();
      }
      return response;
    }

    void close() {
      if (!finished) {
        finished = true;
        try {
          requests.onCompleted();
        } catch (RuntimeException ignored) {
          // The call is already closed; nothing left to release.
        }
      }
    }
  }
}
