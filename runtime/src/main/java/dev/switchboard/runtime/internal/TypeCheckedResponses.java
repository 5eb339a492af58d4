package dev.switchboard.runtime.internal;

import com.google.protobuf.Descriptors;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.DynamicMessage;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The response observer a dynamic handler gets: it checks that each response is of the method's
 * output type. The wire carries no type, so a wrong message would reach the client as silent
 * garbage; instead the call fails with {@code INTERNAL} naming both types, and later calls on the
 * observer are ignored. Everything else (flow control, cancellation) goes straight to grpc-java's
 * observer.
 *
 * <p>Not thread-safe, like the observer it wraps.
 */
public final class TypeCheckedResponses extends ServerCallStreamObserver<DynamicMessage> {

  private static final Logger log = LoggerFactory.getLogger(TypeCheckedResponses.class);

  private final ServerCallStreamObserver<DynamicMessage> delegate;
  private final Descriptors.MethodDescriptor method;
  private final Descriptor expected;
  private boolean failed;

  private TypeCheckedResponses(
      ServerCallStreamObserver<DynamicMessage> delegate, Descriptors.MethodDescriptor method) {
    this.delegate = delegate;
    this.method = method;
    this.expected = method.getOutputType();
  }

  /** Wraps the observer grpc-java hands a handler (always a {@link ServerCallStreamObserver}). */
  public static StreamObserver<DynamicMessage> wrap(
      StreamObserver<DynamicMessage> responses, Descriptors.MethodDescriptor method) {
    if (responses instanceof ServerCallStreamObserver<DynamicMessage> server) {
      return new TypeCheckedResponses(server, method);
    }
    return responses;
  }

  @Override
  public void onNext(DynamicMessage response) {
    if (failed) {
      return;
    }
    Descriptor actual = response.getDescriptorForType();
    if (actual != expected && !actual.getFullName().equals(expected.getFullName())) {
      failed = true;
      String message =
          "handler of "
              + DynamicMethods.fullName(method)
              + " answered with a "
              + actual.getFullName()
              + ", but the method returns "
              + expected.getFullName();
      log.warn(message);
      delegate.onError(Status.INTERNAL.withDescription(message).asRuntimeException());
      return;
    }
    delegate.onNext(response);
  }

  @Override
  public void onError(Throwable error) {
    if (!failed) {
      delegate.onError(error);
    }
  }

  @Override
  public void onCompleted() {
    if (!failed) {
      delegate.onCompleted();
    }
  }

  @Override
  public boolean isCancelled() {
    return delegate.isCancelled();
  }

  @Override
  public void setOnCancelHandler(Runnable handler) {
    delegate.setOnCancelHandler(handler);
  }

  @Override
  public void setOnCloseHandler(Runnable handler) {
    delegate.setOnCloseHandler(handler);
  }

  @Override
  public void setOnReadyThreshold(int bytes) {
    delegate.setOnReadyThreshold(bytes);
  }

  @Override
  public void setCompression(String compression) {
    delegate.setCompression(compression);
  }

  @Override
  public void disableAutoRequest() {
    delegate.disableAutoRequest();
  }

  @Override
  @SuppressWarnings("deprecation") // part of the contract grpc-java still defines; forwarded as is
  public void disableAutoInboundFlowControl() {
    delegate.disableAutoInboundFlowControl();
  }

  @Override
  public boolean isReady() {
    return delegate.isReady();
  }

  @Override
  public void setOnReadyHandler(Runnable handler) {
    delegate.setOnReadyHandler(handler);
  }

  @Override
  public void request(int count) {
    delegate.request(count);
  }

  @Override
  public void setMessageCompression(boolean enable) {
    delegate.setMessageCompression(enable);
  }
}
