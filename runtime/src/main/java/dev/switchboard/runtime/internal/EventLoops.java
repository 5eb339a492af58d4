package dev.switchboard.runtime.internal;

import io.grpc.netty.shaded.io.netty.channel.Channel;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.IoHandlerFactory;
import io.grpc.netty.shaded.io.netty.channel.MultiThreadIoEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.ServerChannel;
import io.grpc.netty.shaded.io.netty.channel.epoll.Epoll;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollDomainSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollIoHandler;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollServerSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.nio.NioIoHandler;
import io.grpc.netty.shaded.io.netty.channel.socket.nio.NioServerSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.socket.nio.NioSocketChannel;
import io.grpc.netty.shaded.io.netty.util.concurrent.DefaultThreadFactory;
import io.grpc.netty.shaded.io.netty.util.concurrent.Future;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Netty event loops and channel classes for one transport. Each server and channel owns its own
 * groups (made here, shut down by its owner), so closing one never stalls or kills another.
 *
 * <p>TCP uses netty's native epoll transport where it loads (as grpc-java's defaults do) and NIO
 * elsewhere; unix domain sockets need epoll.
 */
public final class EventLoops {

  private final boolean epoll;

  private EventLoops(boolean epoll) {
    this.epoll = epoll;
  }

  /** Event loops for TCP: epoll if available, NIO otherwise. */
  public static EventLoops forTcp() {
    return new EventLoops(Epoll.isAvailable());
  }

  /**
   * Event loops for unix domain sockets.
   *
   * @throws IllegalStateException if netty's native epoll transport does not load on this machine
   */
  public static EventLoops forUnixSockets() {
    if (!Epoll.isAvailable()) {
      Throwable cause = Epoll.unavailabilityCause();
      throw new IllegalStateException(
          "unix domain sockets need netty's native epoll transport (Linux), which is unavailable here: "
              + (cause == null ? "unknown reason" : cause.getMessage()),
          cause);
    }
    return new EventLoops(true);
  }

  /**
   * A new event loop group with daemon threads named after its owner; 0 threads means netty's
   * default.
   */
  public EventLoopGroup newGroup(int threads, String name) {
    IoHandlerFactory handlers = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
    return new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory(name, true), handlers);
  }

  /** The server socket class for TCP. */
  public Class<? extends ServerChannel> tcpServerChannel() {
    return epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
  }

  /** The client socket class for TCP. */
  public Class<? extends Channel> tcpClientChannel() {
    return epoll ? EpollSocketChannel.class : NioSocketChannel.class;
  }

  /** The server socket class for unix domain sockets. */
  public Class<? extends ServerChannel> unixServerChannel() {
    return EpollServerDomainSocketChannel.class;
  }

  /** The client socket class for unix domain sockets. */
  public Class<? extends Channel> unixClientChannel() {
    return EpollDomainSocketChannel.class;
  }

  /**
   * Shuts groups down and waits up to {@code timeout} for their threads to end. No quiet period:
   * the owner calls this only after its server or channel has terminated, so no work is left to
   * arrive.
   *
   * @return whether every group terminated in time
   */
  public static boolean shutdown(Duration timeout, EventLoopGroup... groups) {
    long deadline = System.nanoTime() + timeout.toNanos();
    List<Future<?>> terminations = new ArrayList<>(groups.length);
    for (EventLoopGroup group : groups) {
      terminations.add(group.shutdownGracefully(0, timeout.toMillis(), TimeUnit.MILLISECONDS));
    }
    boolean done = true;
    for (Future<?> termination : terminations) {
      long left = Math.max(0, deadline - System.nanoTime());
      done &= termination.awaitUninterruptibly(left, TimeUnit.NANOSECONDS);
    }
    return done;
  }
}
