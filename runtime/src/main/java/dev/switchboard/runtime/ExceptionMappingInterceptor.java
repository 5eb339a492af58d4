package dev.switchboard.runtime;

import io.grpc.ForwardingServerCall.SimpleForwardingServerCall;
import io.grpc.ForwardingServerCallListener.SimpleForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies an {@link ExceptionMapper} to every call: catches what the handler throws (when the call
 * starts and in every listener callback) and rewrites the bare {@code UNKNOWN} that grpc-java's
 * stubs make of a plain exception passed to {@code onError}. {@link SwitchboardServer} installs it
 * innermost, so that user interceptors see the mapped status.
 */
final class ExceptionMappingInterceptor implements ServerInterceptor {
  private static final Logger log = LoggerFactory.getLogger(ExceptionMappingInterceptor.class);

  private final ExceptionMapper mapper;

  ExceptionMappingInterceptor(ExceptionMapper mapper) {
    this.mapper = mapper;
  }

  @Override
  public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(
      ServerCall<ReqT, RespT> call, Metadata headers, ServerCallHandler<ReqT, RespT> next) {
    MappingCall<ReqT, RespT> mapping = new MappingCall<>(call, mapper);
    ServerCall.Listener<ReqT> listener;
    try {
      listener = next.startCall(mapping, headers);
    } catch (RuntimeException e) {
      mapping.fail(e);
      return new ServerCall.Listener<>() {};
    }
    return new MappingListener<>(listener, mapping);
  }

  /** Maps the status of a close that carries a plain exception, and closes calls that threw. */
  private static final class MappingCall<ReqT, RespT>
      extends SimpleForwardingServerCall<ReqT, RespT> {
    // A field and a VarHandle rather than an AtomicBoolean: one object less on every call.
    private static final VarHandle CLOSED;

    static {
      try {
        CLOSED = MethodHandles.lookup().findVarHandle(MappingCall.class, "closed", boolean.class);
      } catch (ReflectiveOperationException e) {
        throw new ExceptionInInitializerError(e);
      }
    }

    private final ExceptionMapper mapper;

    private volatile boolean closed;

    MappingCall(ServerCall<ReqT, RespT> call, ExceptionMapper mapper) {
      super(call);
      this.mapper = mapper;
    }

    @Override
    public void close(Status status, Metadata trailers) {
      closed = true;
      Throwable cause = status.getCause();
      // What grpc-java's stubs make of onError(e) for an e without a status of its own.
      if (status.getCode() == Status.Code.UNKNOWN
          && status.getDescription() == null
          && cause != null) {
        super.close(mapper.toStatus(cause, method()), trailers);
      } else {
        super.close(status, trailers);
      }
    }

    /** The handler threw: close the call with the mapped status, unless it is already closed. */
    void fail(Throwable e) {
      if (closed || !CLOSED.compareAndSet(this, false, true)) {
        log.debug("{} threw after its call was closed", method(), e);
        return;
      }
      super.close(mapper.toStatus(e, method()), ExceptionMapper.trailersOf(e));
    }

    private String method() {
      return getMethodDescriptor().getFullMethodName();
    }
  }

  /**
   * Catches what the handler throws from each callback. Once the call has been closed because of
   * such an exception, the handler's state is suspect: later messages, half-close and readiness are
   * not delivered, cancellation and completion still are (they release resources).
   */
  private static final class MappingListener<ReqT, RespT>
      extends SimpleForwardingServerCallListener<ReqT> {
    private final MappingCall<ReqT, RespT> call;
    private volatile boolean threw;

    MappingListener(ServerCall.Listener<ReqT> delegate, MappingCall<ReqT, RespT> call) {
      super(delegate);
      this.call = call;
    }

    @Override
    public void onMessage(ReqT message) {
      if (threw) {
        return;
      }
      try {
        super.onMessage(message);
      } catch (RuntimeException e) {
        threw(e);
      }
    }

    @Override
    public void onHalfClose() {
      if (threw) {
        return;
      }
      try {
        super.onHalfClose();
      } catch (RuntimeException e) {
        threw(e);
      }
    }

    @Override
    public void onReady() {
      if (threw) {
        return;
      }
      try {
        super.onReady();
      } catch (RuntimeException e) {
        threw(e);
      }
    }

    @Override
    public void onCancel() {
      try {
        super.onCancel();
      } catch (RuntimeException e) {
        log.warn("{}: the cancellation handler failed", call.method(), e);
      }
    }

    @Override
    public void onComplete() {
      try {
        super.onComplete();
      } catch (RuntimeException e) {
        log.warn("{}: the completion handler failed", call.method(), e);
      }
    }

    private void threw(RuntimeException e) {
      threw = true;
      call.fail(e);
    }
  }
}
