package dev.switchboard.durable;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.stub.ServerCalls;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;

/**
 * The gRPC twin of {@link dev.switchboard.testing.EffectServer}: {@code effects.Effects/Post}
 * applies one effect to the name in the request and answers {@code NAME applied #N}, honouring the
 * {@code idempotency-key} metadata (a repeated key gets the first answer and applies nothing);
 * {@code effects.Effects/Get} answers how many effects the name has had. Messages are the name's
 * UTF-8 bytes, so no contract is needed on either side.
 */
final class GrpcEffects {
  static final Metadata.Key<String> KEY =
      Metadata.Key.of("idempotency-key", Metadata.ASCII_STRING_MARSHALLER);
  static final MethodDescriptor<String, String> POST = method("Post");
  static final MethodDescriptor<String, String> GET = method("Get");
  private static final Context.Key<String> CALL_KEY = Context.key("idempotency-key");

  // Guarded by this.
  private final Map<String, Integer> effects = new TreeMap<>();
  private final Map<String, String> answersByKey = new TreeMap<>();
  private int requests;

  ServerServiceDefinition service() {
    ServerServiceDefinition service =
        ServerServiceDefinition.builder("effects.Effects")
            .addMethod(
                POST,
                ServerCalls.asyncUnaryCall(
                    (name, answer) -> {
                      answer.onNext(post(name, CALL_KEY.get()));
                      answer.onCompleted();
                    }))
            .addMethod(
                GET,
                ServerCalls.asyncUnaryCall(
                    (name, answer) -> {
                      answer.onNext(get(name));
                      answer.onCompleted();
                    }))
            .build();
    ServerInterceptor keys =
        new ServerInterceptor() {
          @Override
          public <Q, R> ServerCall.Listener<Q> interceptCall(
              ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
            String key = headers.get(KEY);
            if (call.getMethodDescriptor().getFullMethodName().equals(POST.getFullMethodName())
                && key == null) {
              call.close(Status.INVALID_ARGUMENT.withDescription("no idempotency-key"), headers);
              return new ServerCall.Listener<>() {};
            }
            return Contexts.interceptCall(
                Context.current().withValue(CALL_KEY, key), call, headers, next);
          }
        };
    return ServerInterceptors.intercept(service, keys);
  }

  private synchronized String post(String name, String key) {
    requests++;
    String answer = answersByKey.get(key);
    if (answer == null) {
      answer = name + " applied #" + effects.merge(name, 1, Integer::sum);
      answersByKey.put(key, answer);
    }
    return answer;
  }

  private synchronized String get(String name) {
    requests++;
    return String.valueOf(effects.getOrDefault(name, 0));
  }

  synchronized int requests() {
    return requests;
  }

  synchronized Map<String, Integer> effects() {
    return new TreeMap<>(effects);
  }

  private static MethodDescriptor<String, String> method(String name) {
    return MethodDescriptor.<String, String>newBuilder()
        .setType(MethodDescriptor.MethodType.UNARY)
        .setFullMethodName(MethodDescriptor.generateFullMethodName("effects.Effects", name))
        .setRequestMarshaller(Utf8.INSTANCE)
        .setResponseMarshaller(Utf8.INSTANCE)
        .build();
  }

  private enum Utf8 implements MethodDescriptor.Marshaller<String> {
    INSTANCE;

    @Override
    public InputStream stream(String value) {
      return new ByteArrayInputStream(value.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public String parse(InputStream stream) {
      try {
        return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
