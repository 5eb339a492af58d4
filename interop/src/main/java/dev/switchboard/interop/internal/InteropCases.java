package dev.switchboard.interop.internal;

import com.google.protobuf.ByteString;
import io.grpc.Channel;
import io.grpc.ClientInterceptors;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import io.grpc.testing.integration.EmptyProtos.Empty;
import io.grpc.testing.integration.Messages.BoolValue;
import io.grpc.testing.integration.Messages.EchoStatus;
import io.grpc.testing.integration.Messages.Payload;
import io.grpc.testing.integration.Messages.ResponseParameters;
import io.grpc.testing.integration.Messages.SimpleRequest;
import io.grpc.testing.integration.Messages.SimpleResponse;
import io.grpc.testing.integration.Messages.StreamingInputCallRequest;
import io.grpc.testing.integration.Messages.StreamingInputCallResponse;
import io.grpc.testing.integration.Messages.StreamingOutputCallRequest;
import io.grpc.testing.integration.Messages.StreamingOutputCallResponse;
import io.grpc.testing.integration.TestServiceGrpc;
import io.grpc.testing.integration.UnimplementedServiceGrpc;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The interop cases, one method each, as grpc/doc/interop-test-descriptions.md specifies them
 * (sizes, metadata values and expected codes are the spec's). Each throws {@link AssertionError}
 * with what differed; a gRPC failure propagates as {@link StatusRuntimeException}.
 */
final class InteropCases {
  /** Generous per-call deadline: a hung peer fails the case instead of hanging the run. */
  private static final long CALL_DEADLINE_SECONDS = 30;

  private static final int[] STREAM_REQUEST_SIZES = {27182, 8, 1828, 45904};
  private static final int[] STREAM_RESPONSE_SIZES = {31415, 9, 2653, 58979};
  private static final String ECHO_INITIAL_VALUE = "test_initial_metadata_value";
  private static final byte[] ECHO_TRAILING_VALUE = {(byte) 0xab, (byte) 0xab, (byte) 0xab};
  private static final Metadata.Key<String> RESPONSE_ENCODING =
      Metadata.Key.of("grpc-encoding", Metadata.ASCII_STRING_MARSHALLER);

  private final Channel channel;
  private final Supplier<ManagedChannel> newChannel;
  private final SoakSettings soak;

  record SoakSettings(
      int iterations, int maxFailures, long maxLatencyMillis, long overallSeconds) {}

  InteropCases(Channel channel, Supplier<ManagedChannel> newChannel, SoakSettings soak) {
    this.channel = channel;
    this.newChannel = newChannel;
    this.soak = soak;
  }

  private TestServiceGrpc.TestServiceBlockingStub blocking() {
    return TestServiceGrpc.newBlockingStub(channel)
        .withDeadlineAfter(CALL_DEADLINE_SECONDS, TimeUnit.SECONDS);
  }

  private TestServiceGrpc.TestServiceStub async() {
    return TestServiceGrpc.newStub(channel)
        .withDeadlineAfter(CALL_DEADLINE_SECONDS, TimeUnit.SECONDS);
  }

  void emptyUnary() {
    Empty response = blocking().emptyCall(Empty.getDefaultInstance());
    check(response.equals(Empty.getDefaultInstance()), "EmptyCall answered " + response);
  }

  void largeUnary() {
    largeUnaryOn(channel);
  }

  private static void largeUnaryOn(Channel on) {
    SimpleResponse response =
        TestServiceGrpc.newBlockingStub(on)
            .withDeadlineAfter(CALL_DEADLINE_SECONDS, TimeUnit.SECONDS)
            .unaryCall(
                SimpleRequest.newBuilder()
                    .setResponseSize(314159)
                    .setPayload(payload(271828))
                    .build());
    checkPayload(response.getPayload(), 314159, "UnaryCall response");
  }

  void clientCompressedUnary(boolean probe) {
    if (probe) {
      // The probe: a request that claims compression but is not compressed must be refused,
      // which proves the server checks the flag at all.
      expectStatus(
          Status.Code.INVALID_ARGUMENT,
          () ->
              blocking()
                  .unaryCall(
                      SimpleRequest.newBuilder()
                          .setExpectCompressed(bool(true))
                          .setResponseSize(314159)
                          .setPayload(payload(271828))
                          .build()),
          "uncompressed request with expect_compressed=true");
    }
    SimpleResponse compressed =
        blocking()
            .withCompression("gzip")
            .unaryCall(
                SimpleRequest.newBuilder()
                    .setExpectCompressed(bool(true))
                    .setResponseSize(314159)
                    .setPayload(payload(271828))
                    .build());
    checkPayload(compressed.getPayload(), 314159, "response to a compressed request");
    SimpleResponse plain =
        blocking()
            .unaryCall(
                SimpleRequest.newBuilder()
                    .setExpectCompressed(bool(false))
                    .setResponseSize(314159)
                    .setPayload(payload(271828))
                    .build());
    checkPayload(plain.getPayload(), 314159, "response to an uncompressed request");
  }

  void serverCompressedUnary() {
    for (boolean compress : new boolean[] {true, false}) {
      AtomicReference<Metadata> headers = new AtomicReference<>();
      AtomicReference<Metadata> trailers = new AtomicReference<>();
      SimpleResponse response =
          TestServiceGrpc.newBlockingStub(
                  ClientInterceptors.intercept(
                      channel, MetadataUtils.newCaptureMetadataInterceptor(headers, trailers)))
              .withDeadlineAfter(CALL_DEADLINE_SECONDS, TimeUnit.SECONDS)
              .unaryCall(
                  SimpleRequest.newBuilder()
                      .setResponseCompressed(bool(compress))
                      .setResponseSize(314159)
                      .setPayload(payload(271828))
                      .build());
      checkPayload(response.getPayload(), 314159, "response_compressed=" + compress);
      String encoding = headers.get() == null ? null : headers.get().get(RESPONSE_ENCODING);
      if (compress) {
        check(
            "gzip".equals(encoding),
            "response_compressed=true but the response's grpc-encoding is " + encoding);
      }
    }
  }

  void clientStreaming() {
    Recorder<StreamingInputCallResponse> recorder = new Recorder<>();
    StreamObserver<StreamingInputCallRequest> requests = async().streamingInputCall(recorder);
    for (int size : STREAM_REQUEST_SIZES) {
      requests.onNext(StreamingInputCallRequest.newBuilder().setPayload(payload(size)).build());
    }
    requests.onCompleted();
    List<StreamingInputCallResponse> responses = recorder.awaitOk();
    check(responses.size() == 1, "expected one response, got " + responses.size());
    check(
        responses.get(0).getAggregatedPayloadSize() == 74922,
        "aggregated_payload_size "
            + responses.get(0).getAggregatedPayloadSize()
            + ", expected 74922");
  }

  void clientCompressedStreaming(boolean probe) {
    if (probe) {
      Recorder<StreamingInputCallResponse> recorder = new Recorder<>();
      StreamObserver<StreamingInputCallRequest> requests = async().streamingInputCall(recorder);
      requests.onNext(
          StreamingInputCallRequest.newBuilder()
              .setExpectCompressed(bool(true))
              .setPayload(payload(27182))
              .build());
      requests.onCompleted();
      Status status = recorder.awaitFailure();
      check(
          status.getCode() == Status.Code.INVALID_ARGUMENT,
          "probe: expected INVALID_ARGUMENT, got " + status);
    }
    Recorder<StreamingInputCallResponse> recorder = new Recorder<>();
    ClientCallStreamObserver<StreamingInputCallRequest> requests =
        (ClientCallStreamObserver<StreamingInputCallRequest>)
            async().withCompression("gzip").streamingInputCall(recorder);
    requests.setMessageCompression(true);
    requests.onNext(
        StreamingInputCallRequest.newBuilder()
            .setExpectCompressed(bool(true))
            .setPayload(payload(27182))
            .build());
    requests.setMessageCompression(false);
    requests.onNext(
        StreamingInputCallRequest.newBuilder()
            .setExpectCompressed(bool(false))
            .setPayload(payload(45904))
            .build());
    requests.onCompleted();
    List<StreamingInputCallResponse> responses = recorder.awaitOk();
    check(
        responses.size() == 1 && responses.get(0).getAggregatedPayloadSize() == 73086,
        "expected aggregated_payload_size 73086, got " + responses);
  }

  void serverStreaming() {
    StreamingOutputCallRequest.Builder request = StreamingOutputCallRequest.newBuilder();
    for (int size : STREAM_RESPONSE_SIZES) {
      request.addResponseParameters(ResponseParameters.newBuilder().setSize(size));
    }
    Recorder<StreamingOutputCallResponse> recorder = new Recorder<>();
    async().streamingOutputCall(request.build(), recorder);
    checkSizes(recorder.awaitOk(), STREAM_RESPONSE_SIZES);
  }

  void serverCompressedStreaming() {
    StreamingOutputCallRequest request =
        StreamingOutputCallRequest.newBuilder()
            .addResponseParameters(
                ResponseParameters.newBuilder().setCompressed(bool(true)).setSize(31415))
            .addResponseParameters(
                ResponseParameters.newBuilder().setCompressed(bool(false)).setSize(92653))
            .build();
    Recorder<StreamingOutputCallResponse> recorder = new Recorder<>();
    async().streamingOutputCall(request, recorder);
    checkSizes(recorder.awaitOk(), new int[] {31415, 92653});
  }

  void pingPong() {
    Recorder<StreamingOutputCallResponse> recorder = new Recorder<>();
    StreamObserver<StreamingOutputCallRequest> requests = async().fullDuplexCall(recorder);
    for (int i = 0; i < STREAM_REQUEST_SIZES.length; i++) {
      requests.onNext(
          StreamingOutputCallRequest.newBuilder()
              .addResponseParameters(
                  ResponseParameters.newBuilder().setSize(STREAM_RESPONSE_SIZES[i]))
              .setPayload(payload(STREAM_REQUEST_SIZES[i]))
              .build());
      StreamingOutputCallResponse response = recorder.nextMessage();
      checkPayload(response.getPayload(), STREAM_RESPONSE_SIZES[i], "ping_pong response " + i);
    }
    requests.onCompleted();
    recorder.awaitOk();
  }

  void emptyStream() {
    Recorder<StreamingOutputCallResponse> recorder = new Recorder<>();
    StreamObserver<StreamingOutputCallRequest> requests = async().fullDuplexCall(recorder);
    requests.onCompleted();
    List<StreamingOutputCallResponse> responses = recorder.awaitOk();
    check(responses.isEmpty(), "expected no responses, got " + responses.size());
  }

  void customMetadata() {
    Metadata extra = new Metadata();
    extra.put(EchoMetadataInterceptor.ECHO_INITIAL, ECHO_INITIAL_VALUE);
    extra.put(EchoMetadataInterceptor.ECHO_TRAILING, ECHO_TRAILING_VALUE);

    AtomicReference<Metadata> headers = new AtomicReference<>();
    AtomicReference<Metadata> trailers = new AtomicReference<>();
    Channel withMetadata =
        ClientInterceptors.intercept(
            channel,
            MetadataUtils.newCaptureMetadataInterceptor(headers, trailers),
            MetadataUtils.newAttachHeadersInterceptor(extra));
    SimpleResponse unary =
        TestServiceGrpc.newBlockingStub(withMetadata)
            .withDeadlineAfter(CALL_DEADLINE_SECONDS, TimeUnit.SECONDS)
            .unaryCall(
                SimpleRequest.newBuilder()
                    .setResponseSize(314159)
                    .setPayload(payload(271828))
                    .build());
    checkPayload(unary.getPayload(), 314159, "UnaryCall response");
    checkEcho(headers.get(), trailers.get(), "UnaryCall");

    headers.set(null);
    trailers.set(null);
    Recorder<StreamingOutputCallResponse> recorder = new Recorder<>();
    StreamObserver<StreamingOutputCallRequest> requests =
        TestServiceGrpc.newStub(withMetadata)
            .withDeadlineAfter(CALL_DEADLINE_SECONDS, TimeUnit.SECONDS)
            .fullDuplexCall(recorder);
    requests.onNext(
        StreamingOutputCallRequest.newBuilder()
            .addResponseParameters(ResponseParameters.newBuilder().setSize(314159))
            .setPayload(payload(271828))
            .build());
    requests.onCompleted();
    checkSizes(recorder.awaitOk(), new int[] {314159});
    checkEcho(headers.get(), trailers.get(), "FullDuplexCall");
  }

  private static void checkEcho(
      @Nullable Metadata headers, @Nullable Metadata trailers, String call) {
    check(
        headers != null
            && ECHO_INITIAL_VALUE.equals(headers.get(EchoMetadataInterceptor.ECHO_INITIAL)),
        call + ": x-grpc-test-echo-initial not echoed in the headers: " + headers);
    check(
        trailers != null
            && Arrays.equals(
                ECHO_TRAILING_VALUE, trailers.get(EchoMetadataInterceptor.ECHO_TRAILING)),
        call + ": x-grpc-test-echo-trailing-bin not echoed in the trailers: " + trailers);
  }

  void statusCodeAndMessage() {
    String message = "test status message";
    EchoStatus echo = EchoStatus.newBuilder().setCode(2).setMessage(message).build();
    Status unary =
        expectStatus(
            Status.Code.UNKNOWN,
            () -> blocking().unaryCall(SimpleRequest.newBuilder().setResponseStatus(echo).build()),
            "UnaryCall with response_status");
    check(
        message.equals(unary.getDescription()),
        "UnaryCall status message: " + unary.getDescription());

    Recorder<StreamingOutputCallResponse> recorder = new Recorder<>();
    StreamObserver<StreamingOutputCallRequest> requests = async().fullDuplexCall(recorder);
    requests.onNext(StreamingOutputCallRequest.newBuilder().setResponseStatus(echo).build());
    requests.onCompleted();
    Status duplex = recorder.awaitFailure();
    check(
        duplex.getCode() == Status.Code.UNKNOWN && message.equals(duplex.getDescription()),
        "FullDuplexCall: expected UNKNOWN '" + message + "', got " + duplex);
  }

  void specialStatusMessage() {
    String message =
        "\t\ntest with whitespace\r\nand Unicode BMP \u263A and non-BMP \uD83D\uDE08\t\n";
    Status status =
        expectStatus(
            Status.Code.UNKNOWN,
            () ->
                blocking()
                    .unaryCall(
                        SimpleRequest.newBuilder()
                            .setResponseStatus(
                                EchoStatus.newBuilder().setCode(2).setMessage(message))
                            .build()),
            "UnaryCall with a special status message");
    check(
        message.equals(status.getDescription()),
        "status message came back as '" + status.getDescription() + "'");
  }

  void unimplementedMethod() {
    expectStatus(
        Status.Code.UNIMPLEMENTED,
        () -> blocking().unimplementedCall(Empty.getDefaultInstance()),
        "TestService/UnimplementedCall");
  }

  void unimplementedService() {
    expectStatus(
        Status.Code.UNIMPLEMENTED,
        () ->
            UnimplementedServiceGrpc.newBlockingStub(channel)
                .withDeadlineAfter(CALL_DEADLINE_SECONDS, TimeUnit.SECONDS)
                .unimplementedCall(Empty.getDefaultInstance()),
        "UnimplementedService/UnimplementedCall");
  }

  void cancelAfterBegin() {
    Recorder<StreamingInputCallResponse> recorder = new Recorder<>();
    ClientCallStreamObserver<StreamingInputCallRequest> requests =
        (ClientCallStreamObserver<StreamingInputCallRequest>) async().streamingInputCall(recorder);
    requests.cancel("cancel_after_begin", null);
    Status status = recorder.awaitFailure();
    check(status.getCode() == Status.Code.CANCELLED, "expected CANCELLED, got " + status);
  }

  void cancelAfterFirstResponse() {
    Recorder<StreamingOutputCallResponse> recorder = new Recorder<>();
    ClientCallStreamObserver<StreamingOutputCallRequest> requests =
        (ClientCallStreamObserver<StreamingOutputCallRequest>) async().fullDuplexCall(recorder);
    requests.onNext(
        StreamingOutputCallRequest.newBuilder()
            .addResponseParameters(ResponseParameters.newBuilder().setSize(31415))
            .setPayload(payload(27182))
            .build());
    checkPayload(recorder.nextMessage().getPayload(), 31415, "first response");
    requests.cancel("cancel_after_first_response", null);
    Status status = recorder.awaitFailure();
    check(status.getCode() == Status.Code.CANCELLED, "expected CANCELLED, got " + status);
  }

  void timeoutOnSleepingServer() {
    Recorder<StreamingOutputCallResponse> recorder = new Recorder<>();
    StreamObserver<StreamingOutputCallRequest> requests =
        TestServiceGrpc.newStub(channel)
            .withDeadlineAfter(1, TimeUnit.MILLISECONDS)
            .fullDuplexCall(recorder);
    try {
      requests.onNext(StreamingOutputCallRequest.newBuilder().setPayload(payload(27182)).build());
    } catch (IllegalStateException alreadyClosed) {
      // The 1 ms deadline may expire before the message is written; that is the point.
    }
    Status status = recorder.awaitFailure();
    check(
        status.getCode() == Status.Code.DEADLINE_EXCEEDED,
        "expected DEADLINE_EXCEEDED, got " + status);
  }

  void veryLargeRequest() {
    SimpleResponse response =
        blocking()
            .unaryCall(
                SimpleRequest.newBuilder()
                    .setPayload(payload(10 * 1024 * 1024))
                    .setResponseSize(10)
                    .build());
    checkPayload(response.getPayload(), 10, "response to a 10 MiB request");
  }

  void pickFirstUnary() {
    // One channel, one backend: every call must land on the same server (same server_id).
    String first = null;
    for (int i = 0; i < 100; i++) {
      SimpleResponse response =
          blocking().unaryCall(SimpleRequest.newBuilder().setFillServerId(true).build());
      if (first == null) {
        first = response.getServerId();
      }
      check(
          first.equals(response.getServerId()),
          "call "
              + i
              + " reached server_id '"
              + response.getServerId()
              + "', first was '"
              + first
              + "'");
    }
  }

  void rpcSoak() {
    soakLoop(() -> largeUnaryOn(channel));
  }

  void channelSoak() {
    soakLoop(
        () -> {
          ManagedChannel fresh = newChannel.get();
          try {
            largeUnaryOn(fresh);
          } finally {
            fresh.shutdownNow();
          }
        });
  }

  private void soakLoop(Runnable iteration) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(soak.overallSeconds());
    int failures = 0;
    List<String> problems = new ArrayList<>();
    for (int i = 0; i < soak.iterations(); i++) {
      check(
          System.nanoTime() < deadline,
          "soak: only "
              + i
              + " of "
              + soak.iterations()
              + " iterations in "
              + soak.overallSeconds()
              + "s");
      long start = System.nanoTime();
      try {
        iteration.run();
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        if (millis > soak.maxLatencyMillis()) {
          failures++;
          problems.add("iteration " + i + " took " + millis + " ms");
        }
      } catch (StatusRuntimeException | AssertionError e) {
        failures++;
        problems.add("iteration " + i + ": " + e.getMessage());
      }
    }
    check(
        failures <= soak.maxFailures(),
        "soak: "
            + failures
            + " failed iterations (allowed "
            + soak.maxFailures()
            + "): "
            + problems);
  }

  // --- checks -----------------------------------------------------------------------------

  private static Payload payload(int size) {
    return Payload.newBuilder().setBody(ByteString.copyFrom(new byte[size])).build();
  }

  private static BoolValue bool(boolean value) {
    return BoolValue.newBuilder().setValue(value).build();
  }

  private static void checkPayload(Payload payload, int size, String what) {
    check(
        payload.getBody().size() == size,
        what + ": payload of " + payload.getBody().size() + " bytes, expected " + size);
    check(
        payload.getBody().equals(ByteString.copyFrom(new byte[size])),
        what + ": payload is not all zero bytes");
  }

  private static void checkSizes(List<StreamingOutputCallResponse> responses, int[] sizes) {
    check(
        responses.size() == sizes.length,
        "expected " + sizes.length + " responses, got " + responses.size());
    for (int i = 0; i < sizes.length; i++) {
      checkPayload(responses.get(i).getPayload(), sizes[i], "response " + i);
    }
  }

  private static Status expectStatus(Status.Code code, Runnable call, String what) {
    try {
      call.run();
    } catch (StatusRuntimeException e) {
      check(
          e.getStatus().getCode() == code, what + ": expected " + code + ", got " + e.getStatus());
      return e.getStatus();
    }
    throw new AssertionError(what + ": expected " + code + ", but the call succeeded");
  }

  static void check(boolean condition, String message) {
    if (!condition) {
      throw new AssertionError(message);
    }
  }

  /** Collects a call's responses and its end, so a case can wait for each in turn. */
  private static final class Recorder<T> implements StreamObserver<T> {
    private final BlockingQueue<T> messages = new LinkedBlockingQueue<>();
    private final List<T> all = new ArrayList<>();
    private final CompletableFuture<Status> end = new CompletableFuture<>();

    @Override
    public synchronized void onNext(T value) {
      all.add(value);
      messages.add(value);
    }

    @Override
    public void onError(Throwable t) {
      end.complete(Status.fromThrowable(t));
    }

    @Override
    public void onCompleted() {
      end.complete(Status.OK);
    }

    T nextMessage() {
      try {
        T message = messages.poll(CALL_DEADLINE_SECONDS, TimeUnit.SECONDS);
        if (message == null) {
          throw new AssertionError(
              "no response within "
                  + CALL_DEADLINE_SECONDS
                  + "s"
                  + (end.isDone() ? "; the call ended with " + end.getNow(Status.OK) : ""));
        }
        return message;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted", e);
      }
    }

    Status awaitEnd() {
      try {
        return end.get(CALL_DEADLINE_SECONDS + 5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted", e);
      } catch (ExecutionException | TimeoutException e) {
        throw new AssertionError("the call did not end within " + CALL_DEADLINE_SECONDS + "s", e);
      }
    }

    List<T> awaitOk() {
      Status status = awaitEnd();
      if (!status.isOk()) {
        throw status.asRuntimeException();
      }
      synchronized (this) {
        return new ArrayList<>(all);
      }
    }

    Status awaitFailure() {
      Status status = awaitEnd();
      check(!status.isOk(), "expected the call to fail, but it ended OK");
      return status;
    }
  }
}
