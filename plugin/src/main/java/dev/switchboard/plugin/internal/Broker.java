package dev.switchboard.plugin.internal;

import dev.switchboard.plugin.PluginBroker;
import dev.switchboard.plugin.internal.proto.ConnInfo;
import dev.switchboard.plugin.internal.proto.GRPCBrokerGrpc;
import dev.switchboard.runtime.SwitchboardServer;
import io.grpc.ManagedChannel;
import io.grpc.ServerServiceDefinition;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;

/**
 * One side of go-plugin's broker. Both sides run the same logic over the one StartStream: the host
 * opens the stream as a client, the plugin serves it. Every ConnInfo received is parked under its
 * service id until someone dials that id; every acceptAndServe sends a ConnInfo.
 *
 * <p>Timeouts match go-plugin's {@code grpc_broker.go}: {@code Dial} waits {@link #DIAL_TIMEOUT}
 * for connection info ("timeout waiting for connection info"), and {@code Run} drops a received
 * ConnInfo that nobody dialed within {@link #ANNOUNCEMENT_TIMEOUT} ({@code timeoutWait}), so a peer
 * that announces ids nobody asked for cannot grow our memory. One announcement serves one dial; a
 * second ConnInfo for an id whose first is still parked is dropped, as go-plugin's full one-slot
 * channel drops it. Knocks (newer go-plugin's multiplexed broker) are never requested of us because
 * we do not advertise multiplexing, so they are logged and ignored.
 *
 * <p>Thread-safe: {@code pending} is a concurrent map whose entries are only removed with {@code
 * remove(id, future)}, so an expiry never takes a newer announcement of the same id.
 */
public final class Broker implements PluginBroker {
  /** How long {@link #dial} waits for the other side's ConnInfo: go-plugin's {@code Dial}, 5 s. */
  public static final Duration DIAL_TIMEOUT = Duration.ofSeconds(5);

  /**
   * How long a received ConnInfo waits for a dial before it is dropped: go-plugin's {@code
   * timeoutWait}, 5 s from its arrival.
   */
  public static final Duration ANNOUNCEMENT_TIMEOUT = Duration.ofSeconds(5);

  /** Runs a task once after a delay; tests run the tasks themselves instead of waiting. */
  interface Timer {
    void schedule(Duration delay, Runnable task);
  }

  /**
   * The JDK's shared delay scheduler (a daemon thread started on first use, so a broker nobody uses
   * costs no thread); the expiry itself runs on the common pool and only removes a map entry.
   */
  private static final Timer JDK_TIMER =
      (delay, task) ->
          CompletableFuture.delayedExecutor(delay.toNanos(), TimeUnit.NANOSECONDS).execute(task);

  private final Connections connections;
  private final Logger log;
  private final Duration dialTimeout;
  private final Duration announcementTimeout;
  private final Timer timer;
  private final AtomicInteger ids = new AtomicInteger();
  private final Map<Integer, CompletableFuture<ConnInfo>> pending = new ConcurrentHashMap<>();
  private final List<ConnInfo> unsent = new ArrayList<>();
  private final List<SwitchboardServer> servers = new ArrayList<>();

  // Guarded by this: StreamObserver is not thread-safe.
  private @Nullable StreamObserver<ConnInfo> outbound;
  private boolean closed;

  /** A broker whose servers and dials use {@code connections}, as the main connection does. */
  public Broker(Connections connections, Logger log) {
    this(connections, log, DIAL_TIMEOUT, ANNOUNCEMENT_TIMEOUT, JDK_TIMER);
  }

  /** Tests inject short timeouts and a timer they drive. */
  Broker(
      Connections connections,
      Logger log,
      Duration dialTimeout,
      Duration announcementTimeout,
      Timer timer) {
    this.connections = connections;
    this.log = log;
    this.dialTimeout = dialTimeout;
    this.announcementTimeout = announcementTimeout;
    this.timer = timer;
  }

  /** The plugin side: serves StartStream. */
  public GRPCBrokerGrpc.GRPCBrokerImplBase service() {
    return new GRPCBrokerGrpc.GRPCBrokerImplBase() {
      @Override
      public StreamObserver<ConnInfo> startStream(StreamObserver<ConnInfo> responses) {
        attach(responses);
        return inbound();
      }
    };
  }

  /** The host side: opens StartStream on the plugin's connection. */
  public void open(io.grpc.Channel channel) {
    StreamObserver<ConnInfo> requests = GRPCBrokerGrpc.newStub(channel).startStream(inbound());
    attach(requests);
  }

  private StreamObserver<ConnInfo> inbound() {
    return new StreamObserver<>() {
      @Override
      public void onNext(ConnInfo info) {
        receive(info);
      }

      @Override
      public void onError(Throwable t) {
        log.debug("broker stream ended: {}", t.toString());
        detach();
      }

      @Override
      public void onCompleted() {
        detach();
      }
    };
  }

  synchronized void attach(StreamObserver<ConnInfo> stream) {
    if (closed) {
      stream.onCompleted();
      return;
    }
    outbound = stream;
    for (ConnInfo info : unsent) {
      stream.onNext(info);
    }
    unsent.clear();
  }

  synchronized void detach() {
    outbound = null;
  }

  void receive(ConnInfo info) {
    if (info.hasKnock() && info.getKnock().getKnock()) {
      log.debug(
          "ignoring broker knock for id {}: multiplexing is not offered", info.getServiceId());
      return;
    }
    int id = info.getServiceId();
    if (isClosed()) {
      log.debug("broker closed: dropping connection info for id {}", id);
      return;
    }
    CompletableFuture<ConnInfo> future =
        pending.computeIfAbsent(id, key -> new CompletableFuture<>());
    if (!future.complete(info)) {
      log.debug(
          "dropping a second connection info for broker id {}: the first is not dialed yet", id);
      return;
    }
    // A dial waiting for this id has taken it (and removed the entry) or will within the timeout;
    // otherwise the entry goes, and a later dial of the id times out as in go-plugin.
    timer.schedule(
        announcementTimeout,
        () -> {
          if (pending.remove(id, future)) {
            log.debug(
                "dropped connection info for broker id {}: not dialed within {} ms",
                id,
                announcementTimeout.toMillis());
          }
        });
  }

  /** Ids with a ConnInfo or a dial waiting; for tests. */
  int pendingCount() {
    return pending.size();
  }

  private synchronized boolean isClosed() {
    return closed;
  }

  private synchronized void send(ConnInfo info) {
    if (outbound == null) {
      unsent.add(info);
    } else {
      outbound.onNext(info);
    }
  }

  @Override
  public int nextId() {
    return ids.incrementAndGet();
  }

  @Override
  public AutoCloseable acceptAndServe(int id, List<ServerServiceDefinition> services)
      throws IOException {
    // go-plugin's broker servers serve only what they are given: no health, no reflection.
    SwitchboardServer.Builder builder = connections.unixServer().health(false).reflection(false);
    services.forEach(builder::service);
    SwitchboardServer server = builder.build().start();
    synchronized (this) {
      servers.add(server);
    }
    send(
        ConnInfo.newBuilder()
            .setServiceId(id)
            .setNetwork("unix")
            .setAddress(server.target().path().toString())
            .build());
    return server;
  }

  @Override
  public ManagedChannel dial(int id) throws IOException {
    if (isClosed()) {
      throw new IOException("broker id " + id + ": the broker is closed");
    }
    CompletableFuture<ConnInfo> future =
        pending.computeIfAbsent(id, key -> new CompletableFuture<>());
    ConnInfo info;
    try {
      info = future.get(dialTimeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      // go-plugin's Dial says "timeout waiting for connection info"; we add the id and the wait.
      throw new IOException(
          "broker id "
              + id
              + ": timeout waiting for connection info (the other side did not announce the id within "
              + dialTimeout.toMillis()
              + " ms; each announcement serves one dial)");
    } catch (ExecutionException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      throw new IOException("broker id " + id + ": " + cause.getMessage(), cause);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while waiting for broker id " + id, e);
    } finally {
      pending.remove(id, future);
    }
    try {
      return connections.dial(info.getNetwork(), info.getAddress(), List.of());
    } catch (IllegalArgumentException e) {
      throw new IOException("broker id " + id + ": " + e.getMessage(), e);
    }
  }

  /** Ends the stream and stops every server started through this broker. */
  public void close() {
    List<SwitchboardServer> toClose;
    synchronized (this) {
      closed = true;
      if (outbound != null) {
        try {
          outbound.onCompleted();
        } catch (RuntimeException ignored) {
          // The stream may already be gone with the connection.
        }
        outbound = null;
      }
      toClose = new ArrayList<>(servers);
      servers.clear();
    }
    // Dials still waiting fail now rather than after their timeout; parked announcements go.
    IOException closedError = new IOException("the broker is closed");
    pending.values().forEach(future -> future.completeExceptionally(closedError));
    pending.clear();
    // Their connections end with the main one: no grace period to wait out.
    toClose.forEach(server -> server.shutdown(Duration.ZERO));
  }
}
