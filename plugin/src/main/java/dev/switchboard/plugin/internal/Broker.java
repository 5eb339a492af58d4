package dev.switchboard.plugin.internal;

import dev.switchboard.plugin.PluginBroker;
import dev.switchboard.plugin.internal.proto.ConnInfo;
import dev.switchboard.plugin.internal.proto.GRPCBrokerGrpc;
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
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;

/**
 * One side of go-plugin's broker. Both sides run the same logic over the one StartStream: the host
 * opens the stream as a client, the plugin serves it. Every ConnInfo received is parked under its
 * service id until someone dials that id; every acceptAndServe sends a ConnInfo.
 *
 * <p>go-plugin waits 5 s for connection info in {@code Dial}; so do we. Knocks (newer go-plugin's
 * multiplexed broker) are never requested of us because we do not advertise multiplexing, so
 * they are logged and ignored.
 */
public final class Broker implements PluginBroker {
  static final Duration DIAL_WAIT = Duration.ofSeconds(5);

  private final Endpoints endpoints;
  private final Supplier<Endpoints.@Nullable Tls> tls;
  private final @Nullable String socketDir;
  private final int maxMessageSize;
  private final Logger log;
  private final AtomicInteger ids = new AtomicInteger();
  private final Map<Integer, CompletableFuture<ConnInfo>> pending = new ConcurrentHashMap<>();
  private final List<ConnInfo> unsent = new ArrayList<>();
  private final List<AutoCloseable> servers = new ArrayList<>();

  // Guarded by this: StreamObserver is not thread-safe.
  private @Nullable StreamObserver<ConnInfo> outbound;
  private boolean closed;

  public Broker(
      Endpoints endpoints,
      Supplier<Endpoints.@Nullable Tls> tls,
      @Nullable String socketDir,
      int maxMessageSize,
      Logger log) {
    this.endpoints = endpoints;
    this.tls = tls;
    this.socketDir = socketDir;
    this.maxMessageSize = maxMessageSize;
    this.log = log;
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
      log.debug("ignoring broker knock for id {}: multiplexing is not offered", info.getServiceId());
      return;
    }
    pending.computeIfAbsent(info.getServiceId(), id -> new CompletableFuture<>()).complete(info);
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
  public AutoCloseable acceptAndServe(int id, List<ServerServiceDefinition> services) throws IOException {
    Endpoints.Listening listening =
        endpoints.serveUnix(Endpoints.socketPath(socketDir), services, List.of(), tls.get(), maxMessageSize);
    synchronized (this) {
      servers.add(listening);
    }
    send(
        ConnInfo.newBuilder()
            .setServiceId(id)
            .setNetwork(listening.network())
            .setAddress(listening.address())
            .build());
    return listening;
  }

  @Override
  public ManagedChannel dial(int id) throws IOException {
    CompletableFuture<ConnInfo> future = pending.computeIfAbsent(id, key -> new CompletableFuture<>());
    ConnInfo info;
    try {
      info = future.get(DIAL_WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw new IOException("timeout waiting for connection info for broker id " + id);
    } catch (ExecutionException e) {
      throw new IOException("broker id " + id + ": " + e.getCause(), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while waiting for broker id " + id, e);
    } finally {
      pending.remove(id, future);
    }
    return endpoints.channel(info.getNetwork(), info.getAddress(), tls.get(), maxMessageSize, List.of());
  }

  /** Ends the stream and stops every server started through this broker. */
  public void close() {
    List<AutoCloseable> toClose;
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
    for (AutoCloseable server : toClose) {
      try {
        server.close();
      } catch (Exception e) {
        log.debug("closing a broker server: {}", e.toString());
      }
    }
  }
}
