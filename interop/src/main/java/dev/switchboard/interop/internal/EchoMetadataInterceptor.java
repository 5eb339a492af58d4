package dev.switchboard.interop.internal;

import io.grpc.ForwardingServerCall.SimpleForwardingServerCall;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.util.Set;

/**
 * The metadata echo the interop spec's {@code custom_metadata} case checks: the value of {@code
 * x-grpc-test-echo-initial} comes back in the response headers, and {@code
 * x-grpc-test-echo-trailing-bin} in the trailers. grpc-java's server also echoes its binary {@code
 * grpc.testing.simplecontext-bin} key in both, which its own tests use; we match it.
 */
final class EchoMetadataInterceptor implements ServerInterceptor {
  static final Metadata.Key<String> ECHO_INITIAL =
      Metadata.Key.of("x-grpc-test-echo-initial", Metadata.ASCII_STRING_MARSHALLER);
  static final Metadata.Key<byte[]> ECHO_TRAILING =
      Metadata.Key.of("x-grpc-test-echo-trailing-bin", Metadata.BINARY_BYTE_MARSHALLER);
  private static final Metadata.Key<byte[]> SIMPLE_CONTEXT =
      Metadata.Key.of("grpc.testing.simplecontext-bin", Metadata.BINARY_BYTE_MARSHALLER);

  @Override
  public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(
      ServerCall<ReqT, RespT> call, Metadata requestHeaders, ServerCallHandler<ReqT, RespT> next) {
    return next.startCall(
        new SimpleForwardingServerCall<>(call) {
          @Override
          public void sendHeaders(Metadata responseHeaders) {
            responseHeaders.merge(requestHeaders, Set.of(ECHO_INITIAL, SIMPLE_CONTEXT));
            super.sendHeaders(responseHeaders);
          }

          @Override
          public void close(Status status, Metadata trailers) {
            trailers.merge(requestHeaders, Set.of(ECHO_TRAILING, SIMPLE_CONTEXT));
            super.close(status, trailers);
          }
        },
        requestHeaders);
  }
}
