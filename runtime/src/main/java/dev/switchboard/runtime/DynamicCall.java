package dev.switchboard.runtime;

import com.google.protobuf.Descriptors;
import com.google.protobuf.DynamicMessage;
import io.grpc.ClientCall;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

/**
 * A call started by {@link DynamicClient#call}: send requests through {@link #requests()}, watch
 * the response headers, trailers and final status, or cancel. Responses go to the observer given to
 * {@code call}; it gets {@code onCompleted} on {@code OK} and {@code onError} with a {@link
 * io.grpc.StatusRuntimeException} (carrying the trailers) otherwise.
 *
 * <p>{@link #requests()} is not thread-safe: send from one thread at a time. The futures and {@link
 * #cancel} are thread-safe.
 */
public final class DynamicCall {

  private final Descriptors.MethodDescriptor method;
  private final ClientCall<DynamicMessage, DynamicMessage> call;
  private final CompletableFuture<Metadata> headers = new CompletableFuture<>();
  private final CompletableFuture<Metadata> trailers = new CompletableFuture<>();
  private final CompletableFuture<Status> status = new CompletableFuture<>();
  private final StreamObserver<DynamicMessage> requests;

  private DynamicCall(
      Descriptors.MethodDescriptor method, ClientCall<DynamicMessage, DynamicMessage> call) {
    this.method = method;
    this.call = call;
    this.requests = new Requests();
  }

  static DynamicCall start(
      Descriptors.MethodDescriptor method,
      ClientCall<DynamicMessage, DynamicMessage> call,
      StreamObserver<DynamicMessage> responses) {
    DynamicCall handle = new DynamicCall(method, call);
    call.start(handle.new Listener(responses), new Metadata());
    call.request(1);
    return handle;
  }

  /** Where to send requests; {@code onCompleted} half-closes, {@code onError} cancels the call. */
  public StreamObserver<DynamicMessage> requests() {
    return requests;
  }

  /** The response headers; empty metadata if the call ends before the server sends any. */
  public CompletableFuture<Metadata> headers() {
    return headers;
  }

  /** The trailers, when the call ends. */
  public CompletableFuture<Metadata> trailers() {
    return trailers;
  }

  /** The final status, when the call ends (after the response observer has been told). */
  public CompletableFuture<Status> status() {
    return status;
  }

  /** Cancels the call; the server sees cancellation and the responses observer gets CANCELLED. */
  public void cancel(String reason) {
    call.cancel(reason, null);
  }

  private final class Requests implements StreamObserver<DynamicMessage> {
    @Override
    public void onNext(DynamicMessage request) {
      DynamicClient.checkRequest(method, request);
      call.sendMessage(request);
    }

    @Override
    public void onError(Throwable error) {
      call.cancel("cancelled by the client", error);
    }

    @Override
    public void onCompleted() {
      call.halfClose();
    }
  }

  private final class Listener extends ClientCall.Listener<DynamicMessage> {
    private final StreamObserver<DynamicMessage> responses;

    Listener(StreamObserver<DynamicMessage> responses) {
      this.responses = responses;
    }

    @Override
    public void onHeaders(Metadata received) {
      headers.complete(received);
    }

    @Override
    public void onMessage(DynamicMessage message) {
      responses.onNext(message);
      call.request(1);
    }

    @Override
    public void onClose(Status closed, @Nullable Metadata received) {
      Metadata trailing = received == null ? new Metadata() : received;
      headers.complete(new Metadata());
      trailers.complete(trailing);
      if (closed.isOk()) {
        responses.onCompleted();
      } else {
        responses.onError(closed.asRuntimeException(trailing));
      }
      status.complete(closed);
    }
  }
}
