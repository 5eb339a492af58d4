package dev.switchboard.cli;

import com.google.protobuf.DescriptorProtos.FileDescriptorSet;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.ServiceDescriptor;
import com.google.protobuf.DynamicMessage;
import dev.switchboard.contract.ContractException;
import dev.switchboard.contract.ContractSet;
import dev.switchboard.runtime.DynamicService;
import dev.switchboard.runtime.SwitchboardServer;
import dev.switchboard.runtime.TlsConfig;
import dev.switchboard.testing.Fixtures;
import dev.switchboard.testing.PeerPrograms;
import io.grpc.ForwardingServerCall.SimpleForwardingServerCall;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A real server on our runtime for the CLI tests: shop.v1.Orders served dynamically from the shared
 * proto fixtures, with health and reflection on. GetOrder answers NOT_FOUND for id "missing" and
 * never answers id "slow"; request headers named x-echo-* come back as response headers and
 * trailers.
 */
final class ShopServer implements AutoCloseable {
  static final Path PROTOS = Fixtures.protoRoot();

  final SwitchboardServer server;
  final ContractSet contract;
  private final List<StreamObserver<DynamicMessage>> parked = new ArrayList<>();

  private ShopServer(ContractSet contract, @Nullable TlsConfig tls, boolean reflection)
      throws IOException {
    this.contract = contract;
    ServiceDescriptor orders = contract.service("shop.v1.Orders").orElseThrow();
    Descriptor order = contract.message("shop.v1.Order").orElseThrow();
    DynamicService service =
        DynamicService.builder(orders)
            .unary(
                "GetOrder",
                (request, response) -> {
                  String id =
                      (String)
                          request.getField(request.getDescriptorForType().findFieldByName("id"));
                  switch (id) {
                    case "missing" ->
                        response.onError(
                            Status.NOT_FOUND.withDescription("no such thing").asRuntimeException());
                    case "slow" -> {
                      synchronized (parked) {
                        parked.add(response);
                      }
                    }
                    default ->
                        response.onNext(
                            parse(
                                order,
                                "{\"id\":\""
                                    + id
                                    + "\",\"items\":[{\"name\":\"pen\",\"quantity\":1}],\"status\":\"OPEN\"}"));
                  }
                  if (!id.equals("missing") && !id.equals("slow")) {
                    response.onCompleted();
                  }
                })
            .serverStreaming(
                "ListOrders",
                (request, responses) -> {
                  int limit =
                      (Integer)
                          request.getField(request.getDescriptorForType().findFieldByName("limit"));
                  for (int i = 1; i <= limit; i++) {
                    responses.onNext(parse(order, "{\"id\":\"o-" + i + "\"}"));
                  }
                  responses.onCompleted();
                })
            .clientStreaming(
                "ImportOrders",
                response ->
                    new StreamObserver<>() {
                      int count;

                      @Override
                      public void onNext(DynamicMessage value) {
                        count++;
                      }

                      @Override
                      public void onError(Throwable t) {}

                      @Override
                      public void onCompleted() {
                        response.onNext(
                            parse(
                                contract.message("shop.v1.ImportSummary").orElseThrow(),
                                "{\"count\":" + count + "}"));
                        response.onCompleted();
                      }
                    })
            .bidiStreaming(
                "Chat",
                responses ->
                    new StreamObserver<>() {
                      @Override
                      public void onNext(DynamicMessage value) {
                        String text =
                            (String)
                                value.getField(
                                    value.getDescriptorForType().findFieldByName("text"));
                        responses.onNext(
                            parse(
                                value.getDescriptorForType(), "{\"text\":\"echo: " + text + "\"}"));
                      }

                      @Override
                      public void onError(Throwable t) {}

                      @Override
                      public void onCompleted() {
                        responses.onCompleted();
                      }
                    })
            .build();
    SwitchboardServer.Builder builder =
        SwitchboardServer.builder("127.0.0.1:0")
            .service(service)
            .interceptor(new EchoHeaders())
            .reflection(reflection);
    if (tls != null) {
      builder.tls(tls);
    }
    this.server = builder.build().start();
  }

  static ShopServer start(Path work) throws Exception {
    return new ShopServer(compile(work), null, true);
  }

  static ShopServer start(Path work, @Nullable TlsConfig tls, boolean reflection) throws Exception {
    return new ShopServer(compile(work), tls, reflection);
  }

  /** The test protos as a descriptor set, from the real protoc (Debian protobuf-compiler). */
  static Path protoset(Path work) throws IOException, InterruptedException {
    Path out = work.resolve("shop.protoset");
    if (Files.exists(out)) {
      return out;
    }
    return PeerPrograms.descriptorSet(out, List.of(PROTOS), false, "shop/v1/orders.proto");
  }

  private static ContractSet compile(Path work) throws Exception {
    return ContractSet.link(
        FileDescriptorSet.parseFrom(Files.readAllBytes(protoset(work))).getFileList());
  }

  private DynamicMessage parse(Descriptor type, String json) {
    try {
      return contract.json().parse(json, type);
    } catch (ContractException e) {
      throw new IllegalStateException(e);
    }
  }

  String target() {
    return "127.0.0.1:" + server.port();
  }

  @Override
  public void close() {
    server.close();
  }

  /** Sends request headers named x-echo-* back in the response headers and trailers. */
  private static final class EchoHeaders implements ServerInterceptor {
    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(
        ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
      Metadata echo = new Metadata();
      for (String key : headers.keys()) {
        if (key.startsWith("x-echo")) {
          if (key.endsWith(Metadata.BINARY_HEADER_SUFFIX)) {
            Metadata.Key<byte[]> k = Metadata.Key.of(key, Metadata.BINARY_BYTE_MARSHALLER);
            headers.getAll(k).forEach(v -> echo.put(k, v));
          } else {
            Metadata.Key<String> k = Metadata.Key.of(key, Metadata.ASCII_STRING_MARSHALLER);
            headers.getAll(k).forEach(v -> echo.put(k, v));
          }
        }
      }
      return next.startCall(
          new SimpleForwardingServerCall<>(call) {
            @Override
            public void sendHeaders(Metadata responseHeaders) {
              responseHeaders.merge(echo);
              super.sendHeaders(responseHeaders);
            }

            @Override
            public void close(Status status, Metadata trailers) {
              trailers.merge(echo);
              super.close(status, trailers);
            }
          },
          headers);
    }
  }
}
