package dev.switchboard.plugin.internal;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ForwardingClientCall;
import io.grpc.ForwardingClientCallListener;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Turns the failure of a call whose plugin died into UNAVAILABLE naming the exit status, and fails
 * new calls at once after the plugin is gone. Without it a caller sees "connection closed" and
 * cannot tell a crash from a network hiccup.
 */
public final class ExitAwareInterceptor implements ClientInterceptor {
  private final CompletableFuture<?> exited;
  private final Supplier<Optional<String>> exitDescription;

  public ExitAwareInterceptor(
      CompletableFuture<?> exited, Supplier<Optional<String>> exitDescription) {
    this.exited = exited;
    this.exitDescription = exitDescription;
  }

  @Override
  public <Q, R> ClientCall<Q, R> interceptCall(
      MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
    Optional<String> gone = exitDescription.get();
    if (gone.isPresent()) {
      // Blocking stubs wait on the executor in the call options, so the failure must go through it.
      java.util.concurrent.Executor executor =
          options.getExecutor() != null
              ? options.getExecutor()
              : java.util.concurrent.ForkJoinPool.commonPool();
      return new FailedCall<>(Status.UNAVAILABLE.withDescription(gone.get()), executor);
    }
    return new ForwardingClientCall.SimpleForwardingClientCall<>(next.newCall(method, options)) {
      @Override
      public void start(Listener<R> listener, Metadata headers) {
        super.start(
            new ForwardingClientCallListener.SimpleForwardingClientCallListener<>(listener) {
              @Override
              public void onClose(Status status, Metadata trailers) {
                super.onClose(explain(status), trailers);
              }
            },
            headers);
      }
    };
  }

  Status explain(Status status) {
    Status.Code code = status.getCode();
    if (code != Status.Code.UNAVAILABLE
        && code != Status.Code.INTERNAL
        && code != Status.Code.UNKNOWN) {
      return status;
    }
    try {
      // The socket usually closes a moment before the kernel reports the exit.
      exited.get(1, TimeUnit.SECONDS);
    } catch (Exception stillRunning) {
      return status;
    }
    Optional<String> gone = exitDescription.get();
    if (gone.isEmpty()) {
      return status;
    }
    String detail = status.getDescription();
    return Status.UNAVAILABLE
        .withDescription(gone.get() + (detail == null ? "" : " (" + detail + ")"))
        .withCause(status.getCause());
  }

  /** A call that fails as soon as it starts. */
  static final class FailedCall<Q, R> extends ClientCall<Q, R> {
    private final Status status;
    private final java.util.concurrent.Executor executor;

    FailedCall(Status status, java.util.concurrent.Executor executor) {
      this.status = status;
      this.executor = executor;
    }

    @Override
    public void start(Listener<R> listener, Metadata headers) {
      executor.execute(() -> listener.onClose(status, new Metadata()));
    }

    @Override
    public void request(int numMessages) {}

    @Override
    public void cancel(@Nullable String message, @Nullable Throwable cause) {}

    @Override
    public void halfClose() {}

    @Override
    public void sendMessage(Q message) {}
  }
}
