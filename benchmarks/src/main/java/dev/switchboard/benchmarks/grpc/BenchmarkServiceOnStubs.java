package dev.switchboard.benchmarks.grpc;

import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.grpc.benchmarks.proto.BenchmarkServiceGrpc;
import io.grpc.benchmarks.proto.Messages.Payload;
import io.grpc.benchmarks.proto.Messages.PayloadType;
import io.grpc.benchmarks.proto.Messages.SimpleRequest;
import io.grpc.benchmarks.proto.Messages.SimpleResponse;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import org.jspecify.annotations.Nullable;

/**
 * {@code grpc.testing.BenchmarkService} on generated stubs, answering as grpc-java's {@code
 * AsyncServer} answers: a response whose payload is {@code response_size} zero bytes (no payload at
 * all when the size is 0), one per request on the ping-pong stream; the one-sided and two-sided
 * streams send while the transport is ready, until the client cancels. AsyncServer's shutdown poll
 * is left out: it exists for the driver's remote shutdown, which nothing sends here.
 */
final class BenchmarkServiceOnStubs extends BenchmarkServiceGrpc.BenchmarkServiceImplBase {

  /** AsyncServer's canned answer on the two-sided stream: a 100-byte payload. */
  private static final SimpleResponse BOTH_WAYS_RESPONSE =
      SimpleResponse.newBuilder()
          .setPayload(Payload.newBuilder().setBody(ByteString.copyFrom(new byte[100])))
          .build();

  static SimpleResponse respond(SimpleRequest request) {
    int size = request.getResponseSize();
    if (size <= 0) {
      return SimpleResponse.getDefaultInstance();
    }
    if (request.getResponseType() != PayloadType.COMPRESSABLE) {
      throw Status.INTERNAL
          .withDescription("response_type must be COMPRESSABLE")
          .asRuntimeException();
    }
    return SimpleResponse.newBuilder()
        .setPayload(
            Payload.newBuilder()
                .setType(PayloadType.COMPRESSABLE)
                .setBody(ByteString.copyFrom(new byte[size])))
        .build();
  }

  @Override
  public void unaryCall(SimpleRequest request, StreamObserver<SimpleResponse> response) {
    response.onNext(respond(request));
    response.onCompleted();
  }

  @Override
  public StreamObserver<SimpleRequest> streamingCall(StreamObserver<SimpleResponse> response) {
    return new StreamObserver<>() {
      @Override
      public void onNext(SimpleRequest request) {
        response.onNext(respond(request));
      }

      @Override
      public void onError(Throwable t) {
        response.onError(t);
      }

      @Override
      public void onCompleted() {
        response.onCompleted();
      }
    };
  }

  @Override
  public StreamObserver<SimpleRequest> streamingFromClient(
      StreamObserver<SimpleResponse> response) {
    return new StreamObserver<>() {
      private @Nullable SimpleRequest last;

      @Override
      public void onNext(SimpleRequest request) {
        last = request;
      }

      @Override
      public void onError(Throwable t) {
        response.onError(t);
      }

      @Override
      public void onCompleted() {
        SimpleRequest request = last;
        if (request == null) {
          response.onError(
              Status.FAILED_PRECONDITION
                  .withDescription("never received any requests")
                  .asRuntimeException());
          return;
        }
        response.onNext(respond(request));
        response.onCompleted();
      }
    };
  }

  @Override
  public void streamingFromServer(SimpleRequest request, StreamObserver<SimpleResponse> response) {
    sendWhileReady((ServerCallStreamObserver<SimpleResponse>) response, respond(request));
  }

  @Override
  public StreamObserver<SimpleRequest> streamingBothWays(StreamObserver<SimpleResponse> response) {
    sendWhileReady((ServerCallStreamObserver<SimpleResponse>) response, BOTH_WAYS_RESPONSE);
    return new StreamObserver<>() {
      @Override
      public void onNext(SimpleRequest request) {
        // The two-sided stream ignores what the client sends, as AsyncServer does.
      }

      @Override
      public void onError(Throwable t) {
        // The client ends this stream by cancelling it; nothing to clean up.
      }

      @Override
      public void onCompleted() {
        response.onCompleted();
      }
    };
  }

  /** Sends {@code message} whenever the transport can take more, until the call is cancelled. */
  static <T> void sendWhileReady(ServerCallStreamObserver<T> response, T message) {
    Runnable drain =
        () -> {
          while (response.isReady() && !response.isCancelled()) {
            response.onNext(message);
          }
        };
    response.setOnCancelHandler(() -> {});
    response.setOnReadyHandler(drain);
    // A server-streaming handler runs after the call's first onReady may have passed; callbacks
    // of one call never run concurrently, so draining here cannot race the handler.
    drain.run();
  }
}
