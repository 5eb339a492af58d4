package dev.switchboard.runtime;

import static dev.switchboard.runtime.EchoFixtures.UNARY;
import static dev.switchboard.runtime.EchoFixtures.request;
import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * Interceptors run in the order they were added, on both sides (grpc-java's own order is the
 * reverse).
 */
class InterceptorOrderIT {

  @Test
  void firstAddedRunsFirst() throws Exception {
    List<String> order = new CopyOnWriteArrayList<>();
    try (SwitchboardServer server =
        SwitchboardServer.builder("inproc:interceptor-order")
            .service(EchoFixtures.dynamicEcho())
            .interceptor(server("server-1", order))
            .interceptor(server("server-2", order))
            .build()
            .start()) {
      ManagedChannel channel =
          SwitchboardChannel.builder(server.target())
              .interceptor(client("client-1", order))
              .interceptor(client("client-2", order))
              .userAgent("switchboard-test")
              .build();
      try {
        DynamicClient.on(channel).unary(UNARY, request("x"));
      } finally {
        channel.shutdownNow();
      }
    }
    assertThat(order).containsExactly("client-1", "client-2", "server-1", "server-2");
  }

  private static ServerInterceptor server(String name, List<String> order) {
    return new ServerInterceptor() {
      @Override
      public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(
          ServerCall<ReqT, RespT> call, Metadata headers, ServerCallHandler<ReqT, RespT> next) {
        order.add(name);
        return next.startCall(call, headers);
      }
    };
  }

  private static ClientInterceptor client(String name, List<String> order) {
    return new ClientInterceptor() {
      @Override
      public <ReqT, RespT> ClientCall<ReqT, RespT> interceptCall(
          MethodDescriptor<ReqT, RespT> method, CallOptions options, Channel next) {
        order.add(name);
        return next.newCall(method, options);
      }
    };
  }
}
