package dev.switchboard.interop.internal;

import com.google.protobuf.ByteString;
import io.grpc.Context;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.grpc.testing.integration.EmptyProtos.Empty;
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
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * {@code grpc.testing.TestService} with the semantics the interop spec (grpc/doc/interop-test-
 * descriptions.md) asks of a server: payloads of the requested sizes (zero bytes, as every
 * implementation sends), {@code response_status} echoed as the call's status, per-call and
 * per-message response compression, {@code expect_compressed} checked, and streamed responses paced
 * by {@code interval_us}. Metadata echo lives in {@link EchoMetadataInterceptor}.
 */
final class InteropTestService extends TestServiceGrpc.TestServiceImplBase {
  private final ScheduledExecutorService scheduler;

  InteropTestService(ScheduledExecutorService scheduler) {
    this.scheduler = scheduler;
  }

  @Override
  public void emptyCall(Empty request, StreamObserver<Empty> responseObserver) {
    responseObserver.onNext(Empty.getDefaultInstance());
    responseObserver.onCompleted();
  }

  @Override
  public void unaryCall(SimpleRequest request, StreamObserver<SimpleResponse> responseObserver) {
    ServerCallStreamObserver<SimpleResponse> call =
        (ServerCallStreamObserver<SimpleResponse>) responseObserver;
    if (request.hasExpectCompressed()
        && request.getExpectCompressed().getValue()
        && !RequestCompression.compressed()) {
      // The spec's probe: a server must notice that a request it was told is compressed is not.
      call.onError(
          Status.INVALID_ARGUMENT
              .withDescription("expect_compressed is set but the request was not compressed")
              .asRuntimeException());
      return;
    }
    call.setCompression(
        request.hasResponseCompressed() && request.getResponseCompressed().getValue()
            ? "gzip"
            : "identity");
    if (request.hasResponseStatus()) {
      call.onError(statusOf(request.getResponseStatus()).asRuntimeException());
      return;
    }
    SimpleResponse.Builder response = SimpleResponse.newBuilder();
    if (request.getResponseSize() > 0) {
      response.setPayload(payload(request.getResponseSize()));
    }
    call.onNext(response.build());
    call.onCompleted();
  }

  @Override
  public void cacheableUnaryCall(
      SimpleRequest request, StreamObserver<SimpleResponse> responseObserver) {
    // Caching needs GET requests and a caching proxy; grpc-java's server stack accepts neither GET
    // nor caches, so the POST is answered like UnaryCall (as a server behind no cache would).
    unaryCall(request, responseObserver);
  }

  @Override
  public void streamingOutputCall(
      StreamingOutputCallRequest request,
      StreamObserver<StreamingOutputCallResponse> responseObserver) {
    if (request.hasResponseStatus()) {
      responseObserver.onError(statusOf(request.getResponseStatus()).asRuntimeException());
      return;
    }
    ResponsePacer pacer = new ResponsePacer(responseObserver);
    pacer.enqueue(request.getResponseParametersList());
    pacer.completeInput();
  }

  @Override
  public StreamObserver<StreamingInputCallRequest> streamingInputCall(
      StreamObserver<StreamingInputCallResponse> responseObserver) {
    return new StreamObserver<>() {
      private int total;
      private boolean failed;

      @Override
      public void onNext(StreamingInputCallRequest message) {
        if (failed) {
          return;
        }
        if (message.hasExpectCompressed()
            && message.getExpectCompressed().getValue()
            && !RequestCompression.compressed()) {
          failed = true;
          responseObserver.onError(
              Status.INVALID_ARGUMENT
                  .withDescription("expect_compressed is set but the request was not compressed")
                  .asRuntimeException());
          return;
        }
        total += message.getPayload().getBody().size();
      }

      @Override
      public void onError(Throwable t) {
        // The client went away; there is nobody to answer.
      }

      @Override
      public void onCompleted() {
        if (failed) {
          return;
        }
        responseObserver.onNext(
            StreamingInputCallResponse.newBuilder().setAggregatedPayloadSize(total).build());
        responseObserver.onCompleted();
      }
    };
  }

  @Override
  public StreamObserver<StreamingOutputCallRequest> fullDuplexCall(
      StreamObserver<StreamingOutputCallResponse> responseObserver) {
    ResponsePacer pacer = new ResponsePacer(responseObserver);
    return new StreamObserver<>() {
      @Override
      public void onNext(StreamingOutputCallRequest request) {
        if (request.hasResponseStatus()) {
          pacer.fail(statusOf(request.getResponseStatus()));
          return;
        }
        pacer.enqueue(request.getResponseParametersList());
      }

      @Override
      public void onError(Throwable t) {
        pacer.abandon();
      }

      @Override
      public void onCompleted() {
        pacer.completeInput();
      }
    };
  }

  @Override
  public StreamObserver<StreamingOutputCallRequest> halfDuplexCall(
      StreamObserver<StreamingOutputCallResponse> responseObserver) {
    ResponsePacer pacer = new ResponsePacer(responseObserver);
    List<ResponseParameters> all = new ArrayList<>();
    return new StreamObserver<>() {
      @Override
      public void onNext(StreamingOutputCallRequest request) {
        all.addAll(request.getResponseParametersList());
      }

      @Override
      public void onError(Throwable t) {
        pacer.abandon();
      }

      @Override
      public void onCompleted() {
        pacer.enqueue(all);
        pacer.completeInput();
      }
    };
  }

  private static Status statusOf(EchoStatus echo) {
    return Status.fromCodeValue(echo.getCode()).withDescription(echo.getMessage());
  }

  private static Payload payload(int size) {
    return Payload.newBuilder().setBody(ByteString.copyFrom(new byte[size])).build();
  }

  /**
   * Sends one call's responses in order, each after its {@code interval_us}, from the shared
   * scheduler. At most one send is scheduled at a time, so responses never overtake each other; all
   * state is guarded by {@code this}, because request callbacks and scheduled sends run on
   * different threads.
   */
  private final class ResponsePacer {
    private final ServerCallStreamObserver<StreamingOutputCallResponse> call;
    private final Queue<ResponseParameters> pending = new ArrayDeque<>();
    private boolean inputComplete;
    private boolean scheduled;
    private boolean finished;
    private boolean compressionSet;
    // The scheduled send, cancelled when the call is, so the scheduler drops it at once.
    private @Nullable ScheduledFuture<?> nextSend;

    ResponsePacer(StreamObserver<StreamingOutputCallResponse> responseObserver) {
      this.call = (ServerCallStreamObserver<StreamingOutputCallResponse>) responseObserver;
      // A cancelled call must not keep the scheduler busy with sends nobody reads.
      this.call.setOnCancelHandler(this::abandon);
    }

    synchronized void enqueue(List<ResponseParameters> parameters) {
      if (finished) {
        return;
      }
      pending.addAll(parameters);
      scheduleNext();
    }

    synchronized void completeInput() {
      inputComplete = true;
      scheduleNext();
    }

    synchronized void fail(Status status) {
      if (finished) {
        return;
      }
      finished = true;
      pending.clear();
      call.onError(status.asRuntimeException());
    }

    synchronized void abandon() {
      finished = true;
      pending.clear();
      if (nextSend != null) {
        nextSend.cancel(false);
      }
    }

    private void scheduleNext() {
      if (scheduled || finished) {
        return;
      }
      @Nullable ResponseParameters next = pending.peek();
      if (next == null) {
        if (inputComplete) {
          finished = true;
          call.onCompleted();
        }
        return;
      }
      scheduled = true;
      Context context = Context.current();
      nextSend =
          scheduler.schedule(
              context.wrap(this::sendOne), next.getIntervalUs(), TimeUnit.MICROSECONDS);
    }

    private synchronized void sendOne() {
      scheduled = false;
      if (finished) {
        return;
      }
      ResponseParameters parameters = pending.remove();
      try {
        if (parameters.hasCompressed()) {
          if (!compressionSet) {
            call.setCompression("gzip");
            compressionSet = true;
          }
          call.setMessageCompression(parameters.getCompressed().getValue());
        }
        call.onNext(
            StreamingOutputCallResponse.newBuilder()
                .setPayload(payload(parameters.getSize()))
                .build());
      } catch (RuntimeException e) {
        // Typically the call was cancelled between scheduling and sending.
        finished = true;
        pending.clear();
        return;
      }
      scheduleNext();
    }
  }
}
