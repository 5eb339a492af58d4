package dev.switchboard.bridge.internal;

import com.google.protobuf.DescriptorProtos.MethodOptions.IdempotencyLevel;
import com.google.protobuf.Descriptors.MethodDescriptor;
import com.google.protobuf.DynamicMessage;
import dev.switchboard.bridge.BridgeConfig;
import dev.switchboard.bridge.Call;
import dev.switchboard.bridge.Secret;
import dev.switchboard.bridge.WitTypes;
import dev.switchboard.bridge.WitValue;
import dev.switchboard.contract.ContractException;
import dev.switchboard.contract.ContractSet;
import dev.switchboard.runtime.DynamicClient;
import dev.switchboard.runtime.SwitchboardChannel;
import dev.switchboard.wit.WitFunction;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ForwardingClientCall;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.StatusRuntimeException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * The gRPC path: WIT values become protobuf messages through the Binding's proto origins ({@link
 * ProtoCodec}), go out through runtime's {@link DynamicClient}, and the reply or the status comes
 * back as the function's result. Unary calls block for their response; streaming calls return a
 * handle to a {@link GrpcStream}, whose {@code send}, {@code receive} and {@code finish} are the
 * resource methods the translator declared.
 */
public final class GrpcTransport implements Transport {
  private final ProtoCodec codec;
  private final GrpcErrors errors = new GrpcErrors();
  private final ManagedChannel channel;
  private final DynamicClient client;
  private final Duration timeout;
  private final Map<WitFunction, MethodDescriptor> methods = new IdentityHashMap<>();
  private final Map<Integer, GrpcStream> streams = new ConcurrentHashMap<>();
  private final AtomicInteger nextHandle = new AtomicInteger(1);

  public GrpcTransport(WitTypes types, ContractSet descriptors, BridgeConfig config) {
    this.codec = new ProtoCodec(types, descriptors);
    String target =
        config
            .target()
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        "a gRPC binding needs a target (host:port) in the BridgeConfig"));
    SwitchboardChannel.Builder channelBuilder = SwitchboardChannel.builder(target);
    if (config.plaintext()) {
      channelBuilder.plaintext();
    } else {
      config.tls().ifPresent(channelBuilder::tls);
    }
    channelBuilder.interceptor(new Credentials(config));
    this.channel = channelBuilder.build();
    this.client = DynamicClient.on(channel);
    this.timeout = config.timeout();
    for (WitTypes.Function f : types.functions()) {
      if (f.resource() != null) {
        continue;
      }
      String path = f.function().origin().attribute("path");
      if (path == null) {
        continue;
      }
      try {
        methods.put(f.function(), descriptors.method(path.substring(1)));
      } catch (ContractException e) {
        throw new IllegalArgumentException(
            "the descriptors do not match the binding: " + e.getMessage(), e);
      }
    }
  }

  @Override
  public boolean idempotent(WitTypes.Function function) {
    MethodDescriptor m = methods.get(function.function());
    return m != null
        && m.getOptions().getIdempotencyLevel() != IdempotencyLevel.IDEMPOTENCY_UNKNOWN;
  }

  @Override
  public WitValue.ResultValue call(Call call) {
    WitTypes.Function f = call.function();
    if (f.resource() != null) {
      return streamMethod(call);
    }
    MethodDescriptor method = methods.get(f.function());
    if (method == null) {
      throw new IllegalArgumentException(f.name() + " is not a gRPC method of this binding");
    }
    String path = "/" + method.getService().getFullName() + "/" + method.getName();
    DynamicClient c = client;
    if (!call.headers().isEmpty()) {
      c = c.withMetadata(metadata(call.headers()));
    }
    try {
      if (!method.isClientStreaming() && !method.isServerStreaming()) {
        DynamicMessage request = codec.toMessage(method.getInputType(), first(call));
        DynamicMessage response = c.withDeadline(timeout).unary(method, request);
        return WitValue.ok(f.function().ok() == null ? null : codec.fromMessage(response));
      }
      int id = nextHandle.getAndIncrement();
      String resource = f.iface().name() + "." + resourceName(f.function());
      GrpcStream stream = new GrpcStream(method, codec, errors, path, timeout);
      streams.put(id, stream);
      if (method.isServerStreaming() && !method.isClientStreaming()) {
        c.serverStreaming(method, codec.toMessage(method.getInputType(), first(call)), stream);
      } else if (method.isClientStreaming() && !method.isServerStreaming()) {
        c.clientStreaming(method, stream);
      } else {
        c.bidiStreaming(method, stream);
      }
      return WitValue.ok(new WitValue.HandleValue(resource, id));
    } catch (StatusRuntimeException e) {
      return errors.toError(e.getStatus(), e.getTrailers(), path);
    }
  }

  private static @Nullable WitValue first(Call call) {
    return call.arguments().isEmpty() ? null : call.arguments().get(0);
  }

  /** The resource a streaming function returns: {@code own<name>}. */
  private static String resourceName(WitFunction f) {
    if (f.ok() == null || f.ok().args().isEmpty()) {
      throw new IllegalStateException(f.name() + " returns no resource");
    }
    return f.ok().args().get(0).name();
  }

  private WitValue.ResultValue streamMethod(Call call) {
    WitValue.HandleValue handle = (WitValue.HandleValue) call.arguments().get(0);
    GrpcStream stream = streams.get(handle.id());
    if (stream == null) {
      return ErrorValues.failure(
          "other",
          "the stream " + handle.resource() + " #" + handle.id() + " is closed",
          "CANCELLED",
          null);
    }
    String method = call.function().function().name();
    return switch (method) {
      case "send" -> stream.send(call.arguments().size() > 1 ? call.arguments().get(1) : null);
      case "receive" -> stream.receive(call.function().function().ok());
      case "finish" -> stream.finish();
      default ->
          throw new IllegalArgumentException("unknown stream method " + call.function().name());
    };
  }

  @Override
  public void drop(WitValue.HandleValue handle) {
    GrpcStream stream = streams.remove(handle.id());
    if (stream != null) {
      stream.cancel("the stream was dropped");
    }
  }

  @Override
  public void close() {
    streams.values().forEach(s -> s.cancel("the stub was closed"));
    streams.clear();
    channel.shutdown();
    try {
      if (!channel.awaitTermination(5, TimeUnit.SECONDS)) {
        channel.shutdownNow();
      }
    } catch (InterruptedException e) {
      channel.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }

  static Metadata metadata(Map<String, List<String>> headers) {
    Metadata m = new Metadata();
    headers.forEach(
        (name, values) -> {
          if (name.endsWith(Metadata.BINARY_HEADER_SUFFIX)) {
            Metadata.Key<byte[]> key = Metadata.Key.of(name, Metadata.BINARY_BYTE_MARSHALLER);
            values.forEach(v -> m.put(key, Base64.getDecoder().decode(v)));
          } else {
            Metadata.Key<String> key = Metadata.Key.of(name, Metadata.ASCII_STRING_MARSHALLER);
            values.forEach(v -> m.put(key, v));
          }
        });
    return m;
  }

  /**
   * The configured headers and credentials on every call, read at each call so a rotated token file
   * or changed variable is picked up.
   */
  private static final class Credentials implements ClientInterceptor {
    private static final Metadata.Key<String> AUTHORIZATION =
        Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
    private final Metadata fixed;
    private final @Nullable Secret bearer;
    private final @Nullable String basicUser;
    private final @Nullable Secret basicPassword;

    Credentials(BridgeConfig config) {
      this.fixed = metadata(config.headers());
      this.bearer = config.bearerToken().orElse(null);
      this.basicUser = config.basicUser().orElse(null);
      this.basicPassword = config.basicPassword().orElse(null);
    }

    @Override
    public <ReqT, RespT> ClientCall<ReqT, RespT> interceptCall(
        io.grpc.MethodDescriptor<ReqT, RespT> method, CallOptions options, Channel next) {
      return new ForwardingClientCall.SimpleForwardingClientCall<>(next.newCall(method, options)) {
        @Override
        public void start(Listener<RespT> listener, Metadata headers) {
          headers.merge(fixed);
          if (!headers.containsKey(AUTHORIZATION)) {
            if (bearer != null) {
              headers.put(AUTHORIZATION, "Bearer " + bearer.reveal());
            } else if (basicUser != null && basicPassword != null) {
              headers.put(
                  AUTHORIZATION,
                  "Basic "
                      + Base64.getEncoder()
                          .encodeToString(
                              (basicUser + ":" + basicPassword.reveal())
                                  .getBytes(StandardCharsets.UTF_8)));
            }
          }
          super.start(listener, headers);
        }
      };
    }
  }
}
