package dev.switchboard.runtime.internal;

import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.ConnectivityState;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import java.time.Duration;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * A channel that owns its netty event loop group and shuts it down once the channel has terminated.
 * Netty closes every connection of a group that shuts down, so the group must outlive the channel's
 * graceful shutdown; a periodic check on the group's own thread notices termination without another
 * thread.
 *
 * <p>Thread-safe.
 */
public final class ResourceOwningChannel extends ManagedChannel {

  private static final long CHECK_MILLIS = 20;
  private static final Duration GROUP_SHUTDOWN_TIMEOUT = Duration.ofSeconds(5);

  private final ManagedChannel delegate;
  private final EventLoopGroup group;
  private final Object lock = new Object();
  private @Nullable ScheduledFuture<?> watcher;

  public ResourceOwningChannel(ManagedChannel delegate, EventLoopGroup group) {
    this.delegate = delegate;
    this.group = group;
  }

  @Override
  public ManagedChannel shutdown() {
    delegate.shutdown();
    watchForTermination();
    return this;
  }

  @Override
  public ManagedChannel shutdownNow() {
    delegate.shutdownNow();
    watchForTermination();
    return this;
  }

  private void watchForTermination() {
    synchronized (lock) {
      if (watcher != null || group.isShuttingDown()) {
        return;
      }
      watcher =
          group.scheduleWithFixedDelay(
              () -> {
                if (delegate.isTerminated() && !group.isShuttingDown()) {
                  // The group's termination future, which isTerminated and awaitTermination read.
                  Future<?> unused =
                      group.shutdownGracefully(
                          0, GROUP_SHUTDOWN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                }
              },
              0,
              CHECK_MILLIS,
              TimeUnit.MILLISECONDS);
    }
  }

  @Override
  public boolean isShutdown() {
    return delegate.isShutdown();
  }

  @Override
  public boolean isTerminated() {
    return delegate.isTerminated() && group.isTerminated();
  }

  @Override
  public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
    long deadline = System.nanoTime() + unit.toNanos(timeout);
    if (!delegate.awaitTermination(timeout, unit)) {
      return false;
    }
    watchForTermination();
    return group.awaitTermination(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
  }

  @Override
  public <RequestT, ResponseT> ClientCall<RequestT, ResponseT> newCall(
      MethodDescriptor<RequestT, ResponseT> method, CallOptions callOptions) {
    return delegate.newCall(method, callOptions);
  }

  @Override
  public String authority() {
    return delegate.authority();
  }

  @Override
  public ConnectivityState getState(boolean requestConnection) {
    return delegate.getState(requestConnection);
  }

  @Override
  public void notifyWhenStateChanged(ConnectivityState source, Runnable callback) {
    delegate.notifyWhenStateChanged(source, callback);
  }

  @Override
  public void resetConnectBackoff() {
    delegate.resetConnectBackoff();
  }

  @Override
  public void enterIdle() {
    delegate.enterIdle();
  }

  @Override
  public String toString() {
    return delegate.toString();
  }
}
