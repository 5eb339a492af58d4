package dev.switchboard.runtime;

import static dev.switchboard.runtime.EchoFixtures.BIDI;
import static dev.switchboard.runtime.EchoFixtures.CLIENT_STREAM;
import static dev.switchboard.runtime.EchoFixtures.SERVER_STREAM;
import static dev.switchboard.runtime.EchoFixtures.UNARY;
import static dev.switchboard.runtime.EchoFixtures.index;
import static dev.switchboard.runtime.EchoFixtures.request;
import static dev.switchboard.runtime.EchoFixtures.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.DynamicMessage;
import dev.switchboard.runtime.test.EchoGrpc;
import dev.switchboard.runtime.test.EchoRequest;
import io.grpc.ForwardingServerCall.SimpleForwardingServerCall;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Dynamic services and dynamic calls over real TCP, with generated stubs on the other side as a
 * check.
 */
class DynamicCallsIT {

  private static final Metadata.Key<String> TEXT_HEADER =
      Metadata.Key.of("x-text", Metadata.ASCII_STRING_MARSHALLER);
  private static final Metadata.Key<byte[]> BINARY_HEADER =
      Metadata.Key.of("x-blob-bin", Metadata.BINARY_BYTE_MARSHALLER);

  private static final CompletableFuture<Void> HELD_CANCELLED = new CompletableFuture<>();
  private static final CountDownLatch HELD_STARTED = new CountDownLatch(1);

  private static SwitchboardServer dynamicServer;
  private static SwitchboardServer generatedServer;
  private static ManagedChannel dynamicChannel;
  private static ManagedChannel generatedChannel;

  @BeforeAll
  static void start() throws Exception {
    dynamicServer =
        SwitchboardServer.builder("localhost:0")
            .service(EchoFixtures.dynamicEcho())
            .service(holdingService())
            .interceptor(new EchoHeaders())
            .build()
            .start();
    generatedServer =
        SwitchboardServer.builder("127.0.0.1:0")
            .service(new EchoFixtures.GeneratedEcho())
            .build()
            .start();
    dynamicChannel = SwitchboardChannel.builder(dynamicServer.target()).plaintext().build();
    generatedChannel = SwitchboardChannel.builder(generatedServer.target()).plaintext().build();
  }

  @AfterAll
  static void stop() throws Exception {
    dynamicChannel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    generatedChannel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    dynamicServer.close();
    generatedServer.close();
  }

  /**
   * A second service (the Echo contract under a test-only fallback) whose calls wait to be
   * cancelled.
   */
  private static DynamicService holdingService() throws Exception {
    com.google.protobuf.DescriptorProtos.FileDescriptorProto copy =
        EchoFixtures.SERVICE.getFile().toProto().toBuilder()
            .setName("switchboard/runtime/test/held.proto")
            .setPackage("switchboard.runtime.held")
            .clearMessageType()
            .addDependency(EchoFixtures.SERVICE.getFile().getName())
            .build();
    // Point the methods at the original messages so the copy needs no messages of its own.
    com.google.protobuf.DescriptorProtos.FileDescriptorProto.Builder builder = copy.toBuilder();
    builder
        .getServiceBuilder(0)
        .getMethodBuilderList()
        .forEach(
            method ->
                method
                    .setInputType(".switchboard.runtime.test.EchoRequest")
                    .setOutputType(".switchboard.runtime.test.EchoResponse"));
    com.google.protobuf.Descriptors.FileDescriptor file =
        com.google.protobuf.Descriptors.FileDescriptor.buildFrom(
            builder.build(),
            new com.google.protobuf.Descriptors.FileDescriptor[] {EchoFixtures.SERVICE.getFile()});
    return DynamicService.builder(file.findServiceByName("Echo"))
        .fallback(
            (method, responses) -> {
              ServerCallStreamObserver<DynamicMessage> server =
                  (ServerCallStreamObserver<DynamicMessage>) responses;
              server.setOnCancelHandler(() -> HELD_CANCELLED.complete(null));
              HELD_STARTED.countDown();
              return new StreamObserver<>() {
                @Override
                public void onNext(DynamicMessage value) {}

                @Override
                public void onError(Throwable t) {}

                @Override
                public void onCompleted() {}
              };
            })
        .build();
  }

  @Test
  void unary() {
    DynamicMessage reply = DynamicClient.on(dynamicChannel).unary(UNARY, request("hi"));
    assertThat(text(reply)).isEqualTo("hi");
  }

  @Test
  void serverStreaming() throws Exception {
    EchoFixtures.Recorder recorder = new EchoFixtures.Recorder();
    DynamicClient.on(dynamicChannel).serverStreaming(SERVER_STREAM, request("s", 5), recorder);
    assertThat(recorder.await().isOk()).isTrue();
    assertThat(recorder.messages).extracting(EchoFixtures::index).containsExactly(0, 1, 2, 3, 4);
  }

  @Test
  void clientStreaming() throws Exception {
    EchoFixtures.Recorder recorder = new EchoFixtures.Recorder();
    StreamObserver<DynamicMessage> requests =
        DynamicClient.on(dynamicChannel).clientStreaming(CLIENT_STREAM, recorder);
    requests.onNext(request("a"));
    requests.onNext(request("b"));
    requests.onNext(request("c"));
    requests.onCompleted();
    assertThat(recorder.await().isOk()).isTrue();
    assertThat(recorder.messages)
        .singleElement()
        .satisfies(
            reply -> {
              assertThat(text(reply)).isEqualTo("a,b,c");
              assertThat(index(reply)).isEqualTo(3);
            });
  }

  @Test
  void bidiStreamingAnswersEachRequestAsItComes() throws Exception {
    EchoFixtures.Recorder recorder = new EchoFixtures.Recorder();
    CountDownLatch first = new CountDownLatch(1);
    StreamObserver<DynamicMessage> requests =
        DynamicClient.on(dynamicChannel)
            .bidiStreaming(
                BIDI,
                new StreamObserver<>() {
                  @Override
                  public void onNext(DynamicMessage value) {
                    recorder.onNext(value);
                    first.countDown();
                  }

                  @Override
                  public void onError(Throwable t) {
                    recorder.onError(t);
                  }

                  @Override
                  public void onCompleted() {
                    recorder.onCompleted();
                  }
                });
    requests.onNext(request("ping"));
    // The first answer arrives while the request stream is still open: a true bidi exchange.
    assertThat(first.await(10, TimeUnit.SECONDS)).isTrue();
    requests.onNext(request("pong"));
    requests.onCompleted();
    assertThat(recorder.await().isOk()).isTrue();
    assertThat(recorder.messages).extracting(EchoFixtures::text).containsExactly("ping", "pong");
  }

  @Test
  void generatedStubsCallADynamicService() {
    var reply =
        EchoGrpc.newBlockingStub(dynamicChannel)
            .unary(EchoRequest.newBuilder().setText("from stub").build());
    assertThat(reply.getText()).isEqualTo("from stub");
  }

  @Test
  void dynamicCallsReachAGeneratedService() throws Exception {
    DynamicClient client = DynamicClient.on(generatedChannel);
    assertThat(text(client.unary(UNARY, request("x")))).isEqualTo("generated:x");
    EchoFixtures.Recorder recorder = new EchoFixtures.Recorder();
    client.serverStreaming(SERVER_STREAM, request("y", 2), recorder);
    assertThat(recorder.await().isOk()).isTrue();
    assertThat(recorder.messages).hasSize(2);
    // Methods the generated service leaves out answer UNIMPLEMENTED, as with any grpc-java service.
    EchoFixtures.Recorder bidi = new EchoFixtures.Recorder();
    client.bidiStreaming(BIDI, bidi).onCompleted();
    assertThat(bidi.await().getCode()).isEqualTo(Status.Code.UNIMPLEMENTED);
  }

  @Test
  void methodsWithoutHandlersAreUnimplemented() throws Exception {
    DynamicService partial =
        DynamicService.builder(EchoFixtures.SERVICE)
            .unary(
                "Unary",
                (req, resp) -> {
                  resp.onNext(EchoFixtures.response("partial", 0));
                  resp.onCompleted();
                })
            .build();
    try (SwitchboardServer server =
        SwitchboardServer.builder("inproc:partial").service(partial).build().start()) {
      ManagedChannel channel = SwitchboardChannel.builder(server.target()).build();
      try {
        DynamicClient client = DynamicClient.on(channel);
        assertThat(text(client.unary(UNARY, request("")))).isEqualTo("partial");
        EchoFixtures.Recorder stream = new EchoFixtures.Recorder();
        client.serverStreaming(SERVER_STREAM, request("", 1), stream);
        assertThat(stream.await().getCode()).isEqualTo(Status.Code.UNIMPLEMENTED);
        assertThat(stream.await().getDescription())
            .contains("switchboard.runtime.test.Echo/ServerStream");
      } finally {
        channel.shutdownNow();
      }
    }
  }

  @Test
  void metadataIncludingBinaryHeadersReachesTheServerAndComesBack() throws Exception {
    Metadata headers = new Metadata();
    headers.put(TEXT_HEADER, "plain");
    byte[] blob = {0, 1, 2, (byte) 0xff, '\n'};
    headers.put(BINARY_HEADER, blob);
    EchoFixtures.Recorder recorder = new EchoFixtures.Recorder();
    DynamicCall call = DynamicClient.on(dynamicChannel).withMetadata(headers).call(UNARY, recorder);
    call.requests().onNext(request("with headers"));
    call.requests().onCompleted();

    Metadata responseHeaders = call.headers().get(10, TimeUnit.SECONDS);
    assertThat(responseHeaders.get(TEXT_HEADER)).isEqualTo("plain");
    assertThat(responseHeaders.get(BINARY_HEADER)).containsExactly(blob);
    Metadata trailers = call.trailers().get(10, TimeUnit.SECONDS);
    assertThat(trailers.get(Metadata.Key.of("x-echoed-bin", Metadata.BINARY_BYTE_MARSHALLER)))
        .containsExactly(blob);
    assertThat(call.status().get(10, TimeUnit.SECONDS).isOk()).isTrue();
    assertThat(recorder.messages).extracting(EchoFixtures::text).containsExactly("with headers");
  }

  @Test
  void withMetadataAddsToEarlierHeaders() throws Exception {
    Metadata first = new Metadata();
    first.put(TEXT_HEADER, "one");
    Metadata second = new Metadata();
    second.put(BINARY_HEADER, "two".getBytes(StandardCharsets.UTF_8));
    DynamicClient client =
        DynamicClient.on(dynamicChannel).withMetadata(first).withMetadata(second);
    DynamicCall call = client.call(UNARY, new EchoFixtures.Recorder());
    call.requests().onNext(request("m"));
    call.requests().onCompleted();
    Metadata echoed = call.headers().get(10, TimeUnit.SECONDS);
    assertThat(echoed.get(TEXT_HEADER)).isEqualTo("one");
    assertThat(echoed.get(BINARY_HEADER)).isEqualTo("two".getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void deadlineExceededAndTheServerSeesTheCancellation() throws Exception {
    DynamicClient client = DynamicClient.on(dynamicChannel).withDeadline(Duration.ofSeconds(1));
    com.google.protobuf.Descriptors.MethodDescriptor held = holdingMethod();
    assertThatThrownBy(() -> client.unary(held, request("wait")))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED));
    assertThat(HELD_STARTED.await(5, TimeUnit.SECONDS)).isTrue();
    HELD_CANCELLED.get(5, TimeUnit.SECONDS);
  }

  @Test
  void cancellingACallReachesTheServerHandler() throws Exception {
    CompletableFuture<Void> cancelled = new CompletableFuture<>();
    CountDownLatch started = new CountDownLatch(1);
    DynamicService service =
        DynamicService.builder(EchoFixtures.SERVICE)
            .bidiStreaming(
                "Bidi",
                responses -> {
                  ((ServerCallStreamObserver<DynamicMessage>) responses)
                      .setOnCancelHandler(() -> cancelled.complete(null));
                  started.countDown();
                  return new StreamObserver<>() {
                    @Override
                    public void onNext(DynamicMessage value) {}

                    @Override
                    public void onError(Throwable t) {}

                    @Override
                    public void onCompleted() {}
                  };
                })
            .build();
    try (SwitchboardServer server =
        SwitchboardServer.builder("localhost:0").service(service).build().start()) {
      ManagedChannel channel = SwitchboardChannel.builder(server.target()).plaintext().build();
      try {
        EchoFixtures.Recorder recorder = new EchoFixtures.Recorder();
        DynamicCall call = DynamicClient.on(channel).call(BIDI, recorder);
        call.requests().onNext(request("start"));
        assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
        call.cancel("user pressed ctrl-c");
        assertThat(recorder.await().getCode()).isEqualTo(Status.Code.CANCELLED);
        assertThat(call.status().get(5, TimeUnit.SECONDS).getDescription())
            .isEqualTo("user pressed ctrl-c");
        cancelled.get(10, TimeUnit.SECONDS);
      } finally {
        channel.shutdownNow();
      }
    }
  }

  @Test
  void aHandlerAnsweringWithTheWrongMessageTypeFailsTheCallClearly() throws Exception {
    DynamicService confused =
        DynamicService.builder(EchoFixtures.SERVICE)
            .unary(
                "Unary",
                (req, resp) -> {
                  resp.onNext(req); // an EchoRequest where an EchoResponse belongs
                  resp.onCompleted();
                })
            .build();
    try (SwitchboardServer server =
        SwitchboardServer.builder("localhost:0").service(confused).build().start()) {
      ManagedChannel channel = SwitchboardChannel.builder(server.target()).plaintext().build();
      try {
        assertThatThrownBy(() -> DynamicClient.on(channel).unary(UNARY, request("x")))
            .isInstanceOfSatisfying(
                StatusRuntimeException.class,
                e -> {
                  assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INTERNAL);
                  assertThat(e.getStatus().getDescription())
                      .isEqualTo(
                          "handler of switchboard.runtime.test.Echo/Unary "
                              + "answered with a switchboard.runtime.test.EchoRequest, but the method returns "
                              + "switchboard.runtime.test.EchoResponse");
                });
      } finally {
        channel.shutdownNow();
      }
    }
  }

  @Test
  void wrongRequestTypeAndShapeAreProgrammerErrors() {
    DynamicClient client = DynamicClient.on(dynamicChannel);
    assertThatThrownBy(() -> client.unary(UNARY, EchoFixtures.response("x", 0)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "method switchboard.runtime.test.Echo/Unary takes switchboard.runtime.test.EchoRequest, "
                + "but the request is a switchboard.runtime.test.EchoResponse");
    assertThatThrownBy(() -> client.unary(BIDI, request("x")))
        .hasMessageContaining("switchboard.runtime.test.Echo/Bidi is BIDI_STREAMING, not UNARY");
  }

  private static com.google.protobuf.Descriptors.MethodDescriptor holdingMethod() {
    return holdingServiceDescriptor().findMethodByName("Unary");
  }

  private static com.google.protobuf.Descriptors.ServiceDescriptor holdingServiceDescriptor() {
    try {
      return holdingService().descriptor();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** Echoes request headers as response headers and the binary one again as a trailer. */
  private static final class EchoHeaders implements ServerInterceptor {
    @Override
    public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(
        ServerCall<ReqT, RespT> call,
        Metadata requestHeaders,
        ServerCallHandler<ReqT, RespT> next) {
      return next.startCall(
          new SimpleForwardingServerCall<>(call) {
            @Override
            public void sendHeaders(Metadata headers) {
              String text = requestHeaders.get(TEXT_HEADER);
              if (text != null) {
                headers.put(TEXT_HEADER, text);
              }
              byte[] blob = requestHeaders.get(BINARY_HEADER);
              if (blob != null) {
                headers.put(BINARY_HEADER, blob);
              }
              super.sendHeaders(headers);
            }

            @Override
            public void close(Status status, Metadata trailers) {
              byte[] blob = requestHeaders.get(BINARY_HEADER);
              if (blob != null) {
                trailers.put(
                    Metadata.Key.of("x-echoed-bin", Metadata.BINARY_BYTE_MARSHALLER), blob);
              }
              super.close(status, trailers);
            }
          },
          requestHeaders);
    }
  }
}
