package dev.switchboard.messaging;

import com.sun.net.httpserver.HttpServer;
import dev.switchboard.messaging.internal.hub.Hub;
import dev.switchboard.messaging.internal.hub.HubConfig;
import dev.switchboard.messaging.internal.hub.Identities;
import dev.switchboard.runtime.SwitchboardServer;
import dev.switchboard.runtime.Target;
import dev.switchboard.runtime.TlsConfig;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded messaging hub: a Switchboard server (TCP, unix socket or in-process; TLS and mTLS;
 * health and reflection) that carries the five patterns for its clients, with durable work queues
 * in a data directory. No outside service is needed.
 *
 * <pre>{@code
 * try (MessagingHub hub = MessagingHub.builder("localhost:4222")
 *     .dataDirectory(Path.of("/var/lib/hub"))
 *     .metricsAddress(new InetSocketAddress("localhost", 9090))
 *     .start()) {
 *   System.out.println("hub listening on " + hub.target());
 *   hub.awaitTermination();
 * }
 * }</pre>
 *
 * <p>Every client session is watched with {@link Liveness}: heartbeats both ways every {@link
 * Builder#heartbeat interval} (default 1 s), and a client silent for 3 intervals is dead: its
 * subscriptions go, its unacknowledged work is redelivered, requests it was answering are retried
 * (idempotent) or fail with {@code UNAVAILABLE}.
 *
 * <p>Metrics are Micrometer meters under {@code switchboard.hub.*}; with {@link
 * Builder#metricsAddress} the hub serves them as Prometheus text at {@code /metrics}.
 *
 * <p>Thread-safe.
 */
public final class MessagingHub implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(MessagingHub.class);

  /** The default largest payload: 1 MiB, as NATS's default {@code max_payload}. */
  public static final int DEFAULT_MAX_MESSAGE_BYTES = 1024 * 1024;

  /** The default window for work-queue message ids: 2 minutes, as JetStream's. */
  public static final Duration DEFAULT_DEDUP_WINDOW = Duration.ofMinutes(2);

  private final SwitchboardServer server;
  private final Hub hub;
  private final ScheduledExecutorService scheduler;
  private final MeterRegistry registry;
  private final @Nullable HttpServer metricsServer;
  private final @Nullable Path dataDirectory;

  private MessagingHub(
      SwitchboardServer server,
      Hub hub,
      ScheduledExecutorService scheduler,
      MeterRegistry registry,
      @Nullable HttpServer metricsServer,
      @Nullable Path dataDirectory) {
    this.server = server;
    this.hub = hub;
    this.scheduler = scheduler;
    this.registry = registry;
    this.metricsServer = metricsServer;
    this.dataDirectory = dataDirectory;
  }

  /**
   * A builder for a hub on {@code host:port} (port 0 picks a free one), {@code unix:/path} or
   * {@code inproc:name}.
   *
   * @throws IllegalArgumentException if the target does not parse
   */
  public static Builder builder(String target) {
    return new Builder(Target.parse(target));
  }

  /** A builder for a hub on {@code target}. */
  public static Builder builder(Target target) {
    return new Builder(Objects.requireNonNull(target, "target"));
  }

  /** Where clients connect: the bound target (a TCP port of 0 resolved). */
  public Target target() {
    return server.target();
  }

  /** The Prometheus endpoint's address, if one was asked for (port 0 resolved). */
  public @Nullable InetSocketAddress metricsAddress() {
    return metricsServer == null ? null : metricsServer.getAddress();
  }

  /** The registry the hub's meters are in. */
  public MeterRegistry meterRegistry() {
    return registry;
  }

  /** The data directory of the durable queues; {@code null} when they live in memory. */
  public @Nullable Path dataDirectory() {
    return dataDirectory;
  }

  /**
   * Stops: new sessions are refused, open sessions end with {@code UNAVAILABLE} (clients reconnect
   * elsewhere or wait), the server shuts down within {@code grace}, the queue log is closed.
   * Messages already acknowledged to producers are on disk. Idempotent.
   */
  public void shutdown(Duration grace) {
    hub.close();
    server.shutdown(grace);
    if (metricsServer != null) {
      metricsServer.stop(0);
    }
    scheduler.shutdownNow();
  }

  /** {@link #shutdown(Duration)} with a 2 s grace. */
  @Override
  public void close() {
    shutdown(SwitchboardServer.CLOSE_GRACE);
  }

  /** Blocks until the hub has been shut down by some thread. */
  public void awaitTermination() throws InterruptedException {
    server.awaitTermination();
  }

  @Override
  public String toString() {
    return "MessagingHub{"
        + target()
        + (dataDirectory == null ? ", in memory" : ", " + dataDirectory)
        + "}";
  }

  /** Configures a {@link MessagingHub}. Not thread-safe. */
  public static final class Builder {
    private final Target target;
    private Duration heartbeat = Liveness.DEFAULT_INTERVAL;
    private int misses = Liveness.DEFAULT_MISSES;
    private @Nullable Path dataDirectory;
    private @Nullable TlsConfig tls;
    private HubPermissions permissions = HubPermissions.allowAll();
    private final Map<String, String> tokens = new LinkedHashMap<>();
    private int maxMessageBytes = DEFAULT_MAX_MESSAGE_BYTES;
    private Duration dedupWindow = DEFAULT_DEDUP_WINDOW;
    private long segmentBytes = 64L * 1024 * 1024;
    private @Nullable MeterRegistry registry;
    private @Nullable InetSocketAddress metricsAddress;
    private Clock clock = Clock.systemUTC();

    private Builder(Target target) {
      this.target = target;
    }

    /** The heartbeat interval of every session; at least 1 ms. Default 1 s. */
    public Builder heartbeat(Duration interval) {
      Objects.requireNonNull(interval, "interval");
      if (interval.toMillis() < 1) {
        throw new IllegalArgumentException("heartbeat must be at least 1 ms, was " + interval);
      }
      this.heartbeat = interval;
      return this;
    }

    /** Silent intervals after which a client is dead; at least 1. Default 3. */
    public Builder misses(int misses) {
      if (misses < 1) {
        throw new IllegalArgumentException("misses must be at least 1, was " + misses);
      }
      this.misses = misses;
      return this;
    }

    /**
     * Keeps work queues in {@code directory} (created if missing): a push is confirmed only once it
     * would survive {@code kill -9} of the hub, and a restarted hub resumes the queues. Without it,
     * queues live in memory and die with the hub.
     */
    public Builder dataDirectory(Path directory) {
      this.dataDirectory = Objects.requireNonNull(directory, "directory");
      return this;
    }

    /** Serves TLS, or mTLS with {@link TlsConfig#requireClientAuth()}; TCP and unix only. */
    public Builder tls(TlsConfig tls) {
      this.tls = Objects.requireNonNull(tls, "tls");
      return this;
    }

    /** Who may publish and subscribe where. Default: everyone, everything. */
    public Builder permissions(HubPermissions permissions) {
      this.permissions = Objects.requireNonNull(permissions, "permissions");
      return this;
    }

    /**
     * Accepts the bearer token {@code token} as {@code identity}. A client presenting any other
     * token is refused with {@code UNAUTHENTICATED}.
     */
    public Builder token(String token, String identity) {
      if (token.isEmpty() || identity.isEmpty()) {
        throw new IllegalArgumentException("token and identity must not be empty");
      }
      tokens.put(token, identity);
      return this;
    }

    /** The largest payload accepted; larger ones fail with {@code RESOURCE_EXHAUSTED}. 1 MiB. */
    public Builder maxMessageBytes(int bytes) {
      if (bytes < 1) {
        throw new IllegalArgumentException("maxMessageBytes must be positive, was " + bytes);
      }
      this.maxMessageBytes = bytes;
      return this;
    }

    /** How long work-queue message ids are remembered for deduplication. Default 2 minutes. */
    public Builder dedupWindow(Duration window) {
      if (window.isNegative()) {
        throw new IllegalArgumentException("dedup window is negative: " + window);
      }
      this.dedupWindow = window;
      return this;
    }

    /** Size at which the queue log starts a new segment. Default 64 MiB. */
    public Builder segmentBytes(long bytes) {
      if (bytes < 1024) {
        throw new IllegalArgumentException("segmentBytes must be at least 1024, was " + bytes);
      }
      this.segmentBytes = bytes;
      return this;
    }

    /** The registry for the hub's meters. Default: a Prometheus registry of the hub's own. */
    public Builder meterRegistry(MeterRegistry registry) {
      this.registry = Objects.requireNonNull(registry, "registry");
      return this;
    }

    /**
     * Serves the meters as Prometheus text on {@code http://address/metrics}. Needs the default
     * registry or a {@link PrometheusMeterRegistry}.
     */
    public Builder metricsAddress(InetSocketAddress address) {
      this.metricsAddress = Objects.requireNonNull(address, "address");
      return this;
    }

    /** The wall clock for message timestamps and the dedup window. Default: the system clock. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Opens the data directory (replaying its log), starts the server and, if asked, the metrics
     * endpoint.
     *
     * @throws IOException naming the target or directory that cannot be used
     * @throws IllegalArgumentException if metrics are asked for with a registry that cannot print
     *     Prometheus text
     */
    public MessagingHub start() throws IOException {
      MeterRegistry meters =
          registry != null ? registry : new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
      if (metricsAddress != null && !(meters instanceof PrometheusMeterRegistry)) {
        throw new IllegalArgumentException(
            "metricsAddress needs a PrometheusMeterRegistry, not " + meters.getClass().getName());
      }
      ScheduledThreadPoolExecutor scheduler =
          new ScheduledThreadPoolExecutor(
              1,
              runnable -> {
                Thread thread = new Thread(runnable, "sb-hub-timers");
                thread.setDaemon(true);
                return thread;
              });
      // Every delivery arms an ack timer that its ack cancels: without this, cancelled timers
      // stay in the queue until they would have fired, thousands per second of traffic.
      scheduler.setRemoveOnCancelPolicy(true);
      Hub hub;
      try {
        hub =
            Hub.open(
                new HubConfig(
                    heartbeat,
                    misses,
                    maxMessageBytes,
                    dedupWindow,
                    dataDirectory,
                    segmentBytes,
                    permissions,
                    clock,
                    scheduler),
                meters);
      } catch (IOException | RuntimeException e) {
        scheduler.shutdownNow();
        throw e;
      }
      SwitchboardServer.Builder server =
          SwitchboardServer.builder(target)
              .service(hub.service())
              .interceptor(new Identities(tokens))
              // Room for a full payload plus the envelope around it and a batch's other frames.
              .maxInboundMessageSize(maxMessageBytes + 1024 * 1024);
      if (tls != null) {
        server.tls(tls);
      }
      SwitchboardServer started;
      HttpServer metrics = null;
      try {
        started = server.build().start();
        if (metricsAddress != null) {
          metrics = metricsEndpoint(metricsAddress, (PrometheusMeterRegistry) meters);
        }
      } catch (IOException | RuntimeException e) {
        hub.close();
        scheduler.shutdownNow();
        throw e;
      }
      log.info(
          "messaging hub on {} (heartbeat {} ms, {})",
          started.target(),
          heartbeat.toMillis(),
          dataDirectory == null ? "queues in memory" : "queues in " + dataDirectory);
      return new MessagingHub(started, hub, scheduler, meters, metrics, dataDirectory);
    }

    private static HttpServer metricsEndpoint(
        InetSocketAddress address, PrometheusMeterRegistry registry) throws IOException {
      HttpServer http;
      try {
        http = HttpServer.create(address, 16);
      } catch (IOException e) {
        throw new IOException("cannot serve metrics on " + address + ": " + e.getMessage(), e);
      }
      http.createContext(
          "/metrics",
          exchange -> {
            try (exchange) {
              if (!exchange.getRequestMethod().equals("GET")) {
                exchange.sendResponseHeaders(405, -1);
                return;
              }
              byte[] body = registry.scrape().getBytes(StandardCharsets.UTF_8);
              exchange
                  .getResponseHeaders()
                  .set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
              exchange.sendResponseHeaders(200, body.length);
              try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
              }
            }
          });
      http.setExecutor(null);
      http.start();
      return http;
    }
  }

  static void awaitQuietly(ScheduledExecutorService scheduler) {
    try {
      scheduler.awaitTermination(1, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
