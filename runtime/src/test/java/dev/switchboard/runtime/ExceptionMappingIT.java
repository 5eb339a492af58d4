package dev.switchboard.runtime;

import static dev.switchboard.runtime.EchoFixtures.BIDI;
import static dev.switchboard.runtime.EchoFixtures.CLIENT_STREAM;
import static dev.switchboard.runtime.EchoFixtures.SERVER_STREAM;
import static dev.switchboard.runtime.EchoFixtures.SERVICE;
import static dev.switchboard.runtime.EchoFixtures.UNARY;
import static dev.switchboard.runtime.EchoFixtures.request;
import static dev.switchboard.runtime.EchoFixtures.response;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.spi.ILoggingEvent;
import com.google.protobuf.DynamicMessage;
import dev.switchboard.runtime.test.EchoGrpc;
import dev.switchboard.runtime.test.EchoRequest;
import dev.switchboard.runtime.test.EchoResponse;
import io.grpc.ForwardingServerCall.SimpleForwardingServerCall;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.util.ConcurrentModificationException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Handlers that fail, over a real TCP connection: every call shape, dynamic and generated services,
 * thrown and passed to {@code onError}. The client sees the mapped status, never a bare UNKNOWN.
 */
class ExceptionMappingIT {
  /** A domain exception the server registers a mapping for. */
  static final class OrderMissing extends RuntimeException {
    private static final long serialVersionUID = 1L;

    OrderMissing(String id) {
      super("no order " + id);
    }
  }

  private static final Metadata.Key<String> WHY =
      Metadata.Key.of("x-why", Metadata.ASCII_STRING_MARSHALLER);

  private static final List<Status> seenByInterceptor = new CopyOnWriteArrayList<>();
  private static SwitchboardServer dynamic;
  private static SwitchboardServer generated;
  private static ManagedChannel dynamicChannel;
  private static ManagedChannel generatedChannel;

  @BeforeAll
  static void start() throws Exception {
    ExceptionMapper mapper =
        ExceptionMapper.builder()
            .map(OrderMissing.class, Status.Code.NOT_FOUND)
            .map(
                ConcurrentModificationException.class, e -> Status.ABORTED.withDescription("retry"))
            .build();
    dynamic =
        SwitchboardServer.builder("127.0.0.1:0")
            .service(failingDynamicEcho())
            .exceptionMapper(mapper)
            .interceptor(statusRecorder())
            .build()
            .start();
    generated =
        SwitchboardServer.builder("127.0.0.1:0")
            .service(new FailingGeneratedEcho())
            .exceptionMapper(mapper)
            .build()
            .start();
    dynamicChannel = SwitchboardChannel.builder(dynamic.target()).plaintext().build();
    generatedChannel = SwitchboardChannel.builder(generated.target()).plaintext().build();
  }

  @AfterAll
  static void stop() {
    dynamicChannel.shutdownNow();
    generatedChannel.shutdownNow();
    dynamic.close();
    generated.close();
  }

  /** Each request's text says how to fail. */
  private static DynamicService failingDynamicEcho() {
    return DynamicService.builder(SERVICE)
        .unary(
            "Unary",
            (request, response) -> {
              switch (EchoFixtures.text(request)) {
                case "throw" -> throw new IllegalArgumentException("text: must not be 'throw'");
                case "onError" -> response.onError(new OrderMissing("o-1"));
                case "bug" -> throw new NullPointerException("internal detail");
                default -> {
                  response.onNext(response("ok", 0));
                  response.onCompleted();
                }
              }
            })
        .serverStreaming(
            "ServerStream",
            (request, responses) -> {
              responses.onNext(response("first", 0));
              throw new OrderMissing(EchoFixtures.text(request));
            })
        .clientStreaming(
            "ClientStream",
            response ->
                new StreamObserver<>() {
                  @Override
                  public void onNext(DynamicMessage request) {
                    throw new ConcurrentModificationException();
                  }

                  @Override
                  public void onError(Throwable t) {}

                  @Override
                  public void onCompleted() {
                    response.onNext(response("never", 0));
                    response.onCompleted();
                  }
                })
        .bidiStreaming(
            "Bidi",
            responses -> {
              throw new UnsupportedOperationException("Bidi is not served yet");
            })
        .build();
  }

  /** Generated stubs: a status exception with trailers, and a plain exception via onError. */
  static final class FailingGeneratedEcho extends EchoGrpc.EchoImplBase {
    @Override
    public void unary(EchoRequest request, StreamObserver<EchoResponse> response) {
      Metadata trailers = new Metadata();
      trailers.put(WHY, "kept");
      throw Status.PERMISSION_DENIED.withDescription("not yours").asRuntimeException(trailers);
    }

    @Override
    public void serverStream(EchoRequest request, StreamObserver<EchoResponse> responses) {
      responses.onNext(EchoResponse.newBuilder().setText("first").build());
      responses.onError(new IllegalStateException("stream closed by the store"));
    }

    @Override
    public StreamObserver<EchoRequest> bidi(StreamObserver<EchoResponse> responses) {
      return new StreamObserver<>() {
        @Override
        public void onNext(EchoRequest value) {
          throw new OrderMissing(value.getText());
        }

        @Override
        public void onError(Throwable t) {}

        @Override
        public void onCompleted() {}
      };
    }
  }

  private static ServerInterceptor statusRecorder() {
    return new ServerInterceptor() {
      @Override
      public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(
          ServerCall<ReqT, RespT> call, Metadata headers, ServerCallHandler<ReqT, RespT> next) {
        return next.startCall(
            new SimpleForwardingServerCall<>(call) {
              @Override
              public void close(Status status, Metadata trailers) {
                seenByInterceptor.add(status);
                super.close(status, trailers);
              }
            },
            headers);
      }
    };
  }

  private static Status unaryStatus(ManagedChannel channel, String text) {
    try {
      DynamicClient.on(channel).unary(UNARY, request(text));
      return Status.OK;
    } catch (StatusRuntimeException e) {
      return e.getStatus();
    }
  }

  @Test
  void unaryThrowingIllegalArgumentIsInvalidArgumentWithTheMessage() {
    Status status = unaryStatus(dynamicChannel, "throw");

    assertThat(status.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(status.getDescription()).isEqualTo("text: must not be 'throw'");
  }

  @Test
  void unaryOnErrorWithADomainExceptionUsesTheRegisteredMapping() {
    seenByInterceptor.clear();
    Status status = unaryStatus(dynamicChannel, "onError");

    assertThat(status.getCode()).isEqualTo(Status.Code.NOT_FOUND);
    assertThat(status.getDescription()).isEqualTo("no order o-1");
    // User interceptors run outside the mapping and see what the client sees.
    assertThat(seenByInterceptor)
        .extracting(Status::getCode)
        .containsExactly(Status.Code.NOT_FOUND);
  }

  @Test
  void aBugIsUnknownWithAnIdAndLoggedOnceOnTheServer() {
    Status status;
    List<ILoggingEvent> events;
    try (LogCapture log = new LogCapture(ExceptionMapper.class)) {
      status = unaryStatus(dynamicChannel, "bug");
      events = log.events();
    }

    assertThat(status.getCode()).isEqualTo(Status.Code.UNKNOWN);
    assertThat(status.getDescription())
        .startsWith("unexpected server error ")
        .doesNotContain("internal detail", "NullPointerException");
    assertThat(events).hasSize(1);
    assertThat(events.get(0).getFormattedMessage())
        .startsWith("switchboard.runtime.test.Echo/Unary failed with an unexpected exception")
        .contains(status.getDescription().substring(24, 32));
  }

  @Test
  void theServerCarriesOnAfterAFailure() {
    assertThat(unaryStatus(dynamicChannel, "throw").getCode())
        .isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(unaryStatus(dynamicChannel, "fine").isOk()).isTrue();
  }

  @Test
  void serverStreamThrowingAfterAResponseKeepsTheResponseAndMapsTheStatus() throws Exception {
    EchoFixtures.Recorder recorder = new EchoFixtures.Recorder();
    DynamicClient.on(dynamicChannel).serverStreaming(SERVER_STREAM, request("o-2"), recorder);

    Status status = recorder.await();
    assertThat(recorder.messages).extracting(EchoFixtures::text).containsExactly("first");
    assertThat(status.getCode()).isEqualTo(Status.Code.NOT_FOUND);
    assertThat(status.getDescription()).isEqualTo("no order o-2");
  }

  @Test
  void clientStreamRequestObserverThrowingIsMapped() throws Exception {
    EchoFixtures.Recorder recorder = new EchoFixtures.Recorder();
    StreamObserver<DynamicMessage> requests =
        DynamicClient.on(dynamicChannel).clientStreaming(CLIENT_STREAM, recorder);
    requests.onNext(request("a"));
    requests.onNext(request("b"));
    requests.onCompleted();

    Status status = recorder.await();
    assertThat(status.getCode()).isEqualTo(Status.Code.ABORTED);
    assertThat(status.getDescription()).isEqualTo("retry");
    assertThat(recorder.messages).isEmpty();
  }

  @Test
  void bidiHandlerThrowingWhenTheCallStartsIsMapped() throws Exception {
    EchoFixtures.Recorder recorder = new EchoFixtures.Recorder();
    StreamObserver<DynamicMessage> requests =
        DynamicClient.on(dynamicChannel).bidiStreaming(BIDI, recorder);
    requests.onNext(request("a"));

    Status status = recorder.await();
    requests.onCompleted();
    assertThat(status.getCode()).isEqualTo(Status.Code.UNIMPLEMENTED);
    assertThat(status.getDescription()).isEqualTo("Bidi is not served yet");
  }

  @Test
  void generatedStatusExceptionKeepsItsStatusAndTrailers() {
    EchoGrpc.EchoBlockingStub stub = EchoGrpc.newBlockingStub(generatedChannel);

    assertThatThrownBy(() -> stub.unary(EchoRequest.newBuilder().setText("x").build()))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
              assertThat(e.getStatus().getDescription()).isEqualTo("not yours");
              assertThat(e.getTrailers().get(WHY)).isEqualTo("kept");
            });
  }

  @Test
  void generatedServerStreamOnErrorIsMapped() {
    EchoGrpc.EchoBlockingStub stub = EchoGrpc.newBlockingStub(generatedChannel);
    var responses = stub.serverStream(EchoRequest.newBuilder().setText("x").build());

    assertThat(responses.next().getText()).isEqualTo("first");
    assertThatThrownBy(responses::hasNext)
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
              assertThat(e.getStatus().getDescription()).isEqualTo("stream closed by the store");
            });
  }

  @Test
  void generatedBidiRequestObserverThrowingIsMapped() throws Exception {
    java.util.concurrent.CompletableFuture<Status> done =
        new java.util.concurrent.CompletableFuture<>();
    StreamObserver<EchoRequest> requests =
        EchoGrpc.newStub(generatedChannel)
            .bidi(
                new StreamObserver<>() {
                  @Override
                  public void onNext(EchoResponse value) {}

                  @Override
                  public void onError(Throwable t) {
                    done.complete(Status.fromThrowable(t));
                  }

                  @Override
                  public void onCompleted() {
                    done.complete(Status.OK);
                  }
                });
    requests.onNext(EchoRequest.newBuilder().setText("o-3").build());
    requests.onNext(EchoRequest.newBuilder().setText("o-4").build());

    Status status = done.get(10, java.util.concurrent.TimeUnit.SECONDS);
    requests.onCompleted();
    assertThat(status.getCode()).isEqualTo(Status.Code.NOT_FOUND);
    assertThat(status.getDescription()).isEqualTo("no order o-3");
  }

  @Test
  void withoutAMappingADomainExceptionIsUnknown() throws Exception {
    try (SwitchboardServer plain =
            SwitchboardServer.builder("inproc:exception-defaults")
                .service(failingDynamicEcho())
                .build()
                .start();
        LogCapture log = new LogCapture(ExceptionMapper.class)) {
      ManagedChannel channel = SwitchboardChannel.builder(plain.target()).build();
      try {
        assertThat(unaryStatus(channel, "onError").getCode()).isEqualTo(Status.Code.UNKNOWN);
        assertThat(unaryStatus(channel, "throw").getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(log.events()).hasSize(1);
      } finally {
        channel.shutdownNow();
      }
    }
  }
}
