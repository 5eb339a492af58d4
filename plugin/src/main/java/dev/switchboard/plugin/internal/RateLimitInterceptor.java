package dev.switchboard.plugin.internal;

import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.util.function.LongSupplier;

/**
 * A token bucket over all calls to the plugin's own services (pyvider's
 * PLUGIN_RATE_LIMIT_REQUESTS_PER_SECOND and PLUGIN_RATE_LIMIT_BURST_CAPACITY). A call that finds
 * the bucket empty is answered RESOURCE_EXHAUSTED at once. go-plugin's own services (health,
 * broker, controller, stdio) are never limited, so a host can always stop a busy plugin.
 */
public final class RateLimitInterceptor implements ServerInterceptor {
  private final double perSecond;
  private final double capacity;
  private final LongSupplier nanoClock;

  // Guarded by this.
  private double tokens;
  private long last;

  public RateLimitInterceptor(double perSecond, double capacity, LongSupplier nanoClock) {
    if (perSecond <= 0 || capacity < 1) {
      throw new IllegalArgumentException(
          "rate limit needs requests per second > 0 and burst capacity >= 1, got "
              + perSecond
              + " and "
              + capacity);
    }
    this.perSecond = perSecond;
    this.capacity = capacity;
    this.nanoClock = nanoClock;
    this.tokens = capacity;
    this.last = nanoClock.getAsLong();
  }

  synchronized boolean tryAcquire() {
    long now = nanoClock.getAsLong();
    tokens = Math.min(capacity, tokens + (now - last) / 1e9 * perSecond);
    last = now;
    if (tokens >= 1) {
      tokens -= 1;
      return true;
    }
    return false;
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(
      ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
    String service = call.getMethodDescriptor().getServiceName();
    boolean exempt =
        service == null || service.startsWith("plugin.") || service.startsWith("grpc.");
    if (exempt || tryAcquire()) {
      return next.startCall(call, headers);
    }
    call.close(
        Status.RESOURCE_EXHAUSTED.withDescription(
            "plugin rate limit exceeded (" + perSecond + " requests/s, burst " + capacity + ")"),
        new Metadata());
    return new ServerCall.Listener<>() {};
  }
}
