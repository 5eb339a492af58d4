package dev.switchboard.interop.internal;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;

/**
 * Tells the service whether a call's request messages were compressed, for the spec's {@code
 * expect_compressed} check. grpc-java's server API does not expose the per-message flag, but a
 * client only compresses when it declared {@code grpc-encoding} other than identity, so the header
 * is the observable signal (and the probe cases send uncompressed requests without it).
 */
final class RequestCompression implements ServerInterceptor {
  private static final Metadata.Key<String> ENCODING =
      Metadata.Key.of("grpc-encoding", Metadata.ASCII_STRING_MARSHALLER);
  private static final Context.Key<Boolean> COMPRESSED =
      Context.keyWithDefault("compressed", false);

  static boolean compressed() {
    return COMPRESSED.get();
  }

  @Override
  public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(
      ServerCall<ReqT, RespT> call, Metadata headers, ServerCallHandler<ReqT, RespT> next) {
    String encoding = headers.get(ENCODING);
    boolean compressed = encoding != null && !encoding.isEmpty() && !"identity".equals(encoding);
    return Contexts.interceptCall(
        Context.current().withValue(COMPRESSED, compressed), call, headers, next);
  }
}
