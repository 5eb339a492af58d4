package dev.switchboard.plugin.internal;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.Deadline;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.jspecify.annotations.Nullable;

/**
 * Retries unary calls that fail with UNAVAILABLE or RESOURCE_EXHAUSTED (pyvider's client retry
 * settings): exponential backoff from {@code initial} doubling up to {@code max}, plus a random
 * jitter of 0..{@code jitter}, never beyond the total timeout or the call's deadline, and never
 * when the plugin process is gone (retrying a dead plugin only delays the error).
 */
public final class RetryInterceptor implements ClientInterceptor {
  private final int maxRetries;
  private final Duration initial;
  private final Duration max;
  private final Duration jitter;
  private final Duration total;
  private final ScheduledExecutorService scheduler;
  private final BooleanSupplier mayRetry;

  public RetryInterceptor(
      int maxRetries,
      Duration initial,
      Duration max,
      Duration jitter,
      Duration total,
      ScheduledExecutorService scheduler,
      BooleanSupplier mayRetry) {
    this.maxRetries = maxRetries;
    this.initial = initial;
    this.max = max;
    this.jitter = jitter;
    this.total = total;
    this.scheduler = scheduler;
    this.mayRetry = mayRetry;
  }

  /** The delay before retry number {@code retry} (1-based), without jitter. */
  Duration backoff(int retry) {
    long millis = initial.toMillis();
    for (int i = 1; i < retry && millis < max.toMillis(); i++) {
      millis *= 2;
    }
    return Duration.ofMillis(Math.min(millis, max.toMillis()));
  }

  @Override
  public <Q, R> ClientCall<Q, R> interceptCall(
      MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
    if (method.getType() != MethodDescriptor.MethodType.UNARY || maxRetries == 0) {
      return next.newCall(method, options);
    }
    return new RetryingCall<>(method, options, next);
  }

  private final class RetryingCall<Q, R> extends ClientCall<Q, R> {
    private final MethodDescriptor<Q, R> method;
    private final CallOptions options;
    private final Channel next;
    private final long giveUpAt;

    // Guarded by this.
    private @Nullable Listener<R> listener;
    private @Nullable Metadata headers;
    private @Nullable Q message;
    private @Nullable ClientCall<Q, R> current;
    private int retries;
    private boolean cancelled;

    RetryingCall(MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
      this.method = method;
      this.options = options;
      this.next = next;
      this.giveUpAt = System.nanoTime() + total.toNanos();
    }

    @Override
    public synchronized void start(Listener<R> listener, Metadata headers) {
      this.listener = listener;
      this.headers = headers;
    }

    @Override
    public void request(int numMessages) {
      // Each attempt requests its own message; the caller's request is implied.
    }

    @Override
    public synchronized void sendMessage(Q message) {
      this.message = message;
    }

    @Override
    public void halfClose() {
      attempt();
    }

    @Override
    public synchronized void cancel(@Nullable String reason, @Nullable Throwable cause) {
      cancelled = true;
      if (current != null) {
        current.cancel(reason, cause);
      } else if (listener != null) {
        listener.onClose(Status.CANCELLED.withDescription(reason).withCause(cause), new Metadata());
      }
    }

    private void attempt() {
      ClientCall<Q, R> call;
      Metadata attemptHeaders = new Metadata();
      synchronized (this) {
        if (cancelled || listener == null || message == null) {
          return;
        }
        call = next.newCall(method, options);
        current = call;
        if (headers != null) {
          attemptHeaders.merge(headers);
        }
      }
      Q request = message;
      Listener<R> caller = listener;
      call.start(
          new Listener<R>() {
            private @Nullable Metadata responseHeaders;
            private final List<R> responses = new ArrayList<>(1);

            @Override
            public void onHeaders(Metadata received) {
              responseHeaders = received;
            }

            @Override
            public void onMessage(R response) {
              responses.add(response);
            }

            @Override
            public void onClose(Status status, Metadata trailers) {
              if (shouldRetry(status)) {
                long delay =
                    backoff(retries).toMillis()
                        + (jitter.isZero()
                            ? 0
                            : ThreadLocalRandom.current().nextLong(jitter.toMillis() + 1));
                try {
                  // attempt() reports its own outcome to the caller; the future holds nothing.
                  Future<?> unused =
                      scheduler.schedule(RetryingCall.this::attempt, delay, TimeUnit.MILLISECONDS);
                  return;
                } catch (RejectedExecutionException killed) {
                  // The client is being killed: this attempt's status is the answer.
                }
              }
              if (responseHeaders != null) {
                caller.onHeaders(responseHeaders);
              }
              for (R response : responses) {
                caller.onMessage(response);
              }
              caller.onClose(status, trailers);
            }
          },
          attemptHeaders);
      call.request(2);
      call.sendMessage(request);
      call.halfClose();
    }

    private synchronized boolean shouldRetry(Status status) {
      Status.Code code = status.getCode();
      if (code != Status.Code.UNAVAILABLE && code != Status.Code.RESOURCE_EXHAUSTED) {
        return false;
      }
      if (cancelled || retries >= maxRetries || !mayRetry.getAsBoolean()) {
        return false;
      }
      long delay = backoff(retries + 1).toNanos() + jitter.toNanos();
      Deadline deadline = options.getDeadline();
      if (deadline != null && deadline.timeRemaining(TimeUnit.NANOSECONDS) < delay) {
        return false;
      }
      if (System.nanoTime() + delay > giveUpAt) {
        return false;
      }
      retries++;
      return true;
    }
  }
}
