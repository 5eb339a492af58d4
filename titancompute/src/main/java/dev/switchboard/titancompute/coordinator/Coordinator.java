package dev.switchboard.titancompute.coordinator;

import dev.switchboard.runtime.SwitchboardServer;
import dev.switchboard.runtime.Target;
import dev.switchboard.runtime.TlsConfig;
import dev.switchboard.titancompute.v1.CoordinatorServiceGrpc;
import dev.switchboard.titancompute.v1.SystemStatus;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * The TitanCompute coordinator on a Switchboard server (health and reflection on), with an optional
 * HTML dashboard.
 *
 * <pre>{@code
 * try (Coordinator coordinator = Coordinator.builder(Target.tcp("127.0.0.1", 0))
 *     .heartbeatTimeout(Duration.ofSeconds(3)).build().start()) { ... }
 * }</pre>
 *
 * <p>Plaintext unless {@link Builder#tls(TlsConfig)} is given; agents and clients then need a
 * matching client {@code TlsConfig} ({@code Agent.Builder.coordinatorTls}, {@code
 * TitanClient.builder}).
 */
public final class Coordinator implements AutoCloseable {
  private final Builder config;
  private final AgentRegistry registry;
  private final TokenIssuer issuer;
  private final RequestLog requests = new RequestLog();
  private final CoordinatorGrpcService service;
  private final ScheduledExecutorService scheduler;
  private final boolean ownsScheduler;
  private @Nullable SwitchboardServer server;
  private @Nullable DashboardServer dashboard;
  private @Nullable ScheduledFuture<?> rotator;

  private Coordinator(Builder builder) {
    this.config = builder;
    this.ownsScheduler = builder.scheduler == null;
    this.scheduler =
        builder.scheduler != null
            ? builder.scheduler
            : Executors.newSingleThreadScheduledExecutor(
                r -> {
                  Thread t = new Thread(r, "titan-coordinator-timers");
                  t.setDaemon(true);
                  return t;
                });
    this.registry = new AgentRegistry(builder.clock, builder.heartbeatTimeout, scheduler);
    this.issuer = new TokenIssuer(builder.clock, builder.tokenTtl);
    this.service =
        new CoordinatorGrpcService(registry, builder.policy, issuer, requests, builder.clock);
  }

  public static Builder builder(Target target) {
    return new Builder(target);
  }

  /** Binds the gRPC server (and the dashboard when configured). */
  public synchronized Coordinator start() throws IOException {
    if (server != null) {
      throw new IllegalStateException("coordinator already started");
    }
    SwitchboardServer.Builder serverBuilder =
        SwitchboardServer.builder(config.target).service(service);
    if (config.tls != null) {
      serverBuilder.tls(config.tls);
    }
    SwitchboardServer s = serverBuilder.build().start();
    server = s;
    s.health().setStatus(CoordinatorServiceGrpc.SERVICE_NAME, ServingStatus.SERVING);
    if (config.httpPort >= 0) {
      try {
        dashboard =
            new DashboardServer(
                    new InetSocketAddress(config.httpHost, config.httpPort),
                    registry,
                    requests,
                    config.clock)
                .start();
      } catch (IOException e) {
        s.close();
        throw new IOException(
            "cannot serve the dashboard on "
                + config.httpHost
                + ":"
                + config.httpPort
                + ": "
                + e.getMessage(),
            e);
      }
    }
    if (config.keyRotation != null) {
      long every = config.keyRotation.toMillis();
      rotator = scheduler.scheduleAtFixedRate(issuer::rotate, every, every, TimeUnit.MILLISECONDS);
    }
    return this;
  }

  /** The bound gRPC target (with the real port when built with port 0). */
  public Target target() {
    return running().target();
  }

  public int port() {
    return running().port();
  }

  /** The dashboard's port, or -1 without a dashboard. */
  public int httpPort() {
    DashboardServer d = dashboard;
    return d == null ? -1 : d.port();
  }

  /** What QuerySystemStatus answers. */
  public SystemStatus status() {
    return service.status("");
  }

  /** Signs new tokens with a fresh key; the old key keeps verifying until its tokens expire. */
  public String rotateSigningKey() {
    return issuer.rotate();
  }

  /**
   * Marks overdue agents unhealthy now (each agent's liveness check does it when its timeout
   * passes).
   */
  public void checkHeartbeats() {
    registry.sweep();
  }

  private SwitchboardServer running() {
    SwitchboardServer s = server;
    if (s == null) {
      throw new IllegalStateException("coordinator not started");
    }
    return s;
  }

  @Override
  public synchronized void close() {
    registry.close();
    if (rotator != null) {
      rotator.cancel(false);
    }
    if (ownsScheduler) {
      scheduler.shutdownNow();
    }
    if (dashboard != null) {
      dashboard.close();
    }
    if (server != null) {
      server.health().setStatus(CoordinatorServiceGrpc.SERVICE_NAME, ServingStatus.NOT_SERVING);
      server.close();
    }
  }

  /** Configures a {@link Coordinator}. Not thread-safe. */
  public static final class Builder {
    private final Target target;
    private Duration heartbeatTimeout = Duration.ofSeconds(3);
    private Duration tokenTtl = Duration.ofSeconds(60);
    private RoutingPolicy policy = RoutingPolicy.loadAware();
    private Clock clock = Clock.systemUTC();
    private @Nullable ScheduledExecutorService scheduler;
    private String httpHost = "127.0.0.1";
    private int httpPort = -1;
    private @Nullable Duration keyRotation;
    private @Nullable TlsConfig tls;

    private Builder(Target target) {
      this.target = Objects.requireNonNull(target, "target");
    }

    /**
     * An agent silent for this long leaves routing (default 3 s): the messaging module's dead-peer
     * rule, 3 heartbeat intervals of a third of this each. At least 3 ms.
     */
    public Builder heartbeatTimeout(Duration timeout) {
      if (timeout.toMillis() < 3) {
        throw new IllegalArgumentException(
            "heartbeat timeout must be at least 3 ms (3 intervals of 1 ms), got " + timeout);
      }
      this.heartbeatTimeout = timeout;
      return this;
    }

    /** How long a routing token stays valid (default 60 s). */
    public Builder tokenTtl(Duration ttl) {
      if (ttl.compareTo(Duration.ofSeconds(1)) < 0) {
        throw new IllegalArgumentException("token ttl must be at least 1s, got " + ttl);
      }
      this.tokenTtl = ttl;
      return this;
    }

    public Builder routingPolicy(RoutingPolicy policy) {
      this.policy = Objects.requireNonNull(policy, "policy");
      return this;
    }

    /** The clock for heartbeat deadlines and token expiry; tests pass one they can move. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Runs the heartbeat checks and key rotation; the coordinator does not shut down a scheduler it
     * was given.
     */
    public Builder scheduler(ScheduledExecutorService scheduler) {
      this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
      return this;
    }

    /**
     * Rotates the signing key this often (default: never; {@link #rotateSigningKey()} on demand).
     */
    public Builder keyRotation(Duration every) {
      if (every.compareTo(Duration.ofSeconds(1)) < 0) {
        throw new IllegalArgumentException(
            "key rotation interval must be at least 1s, got " + every);
      }
      this.keyRotation = every;
      return this;
    }

    /** Serves the dashboard on this port (0 for any free port); off by default. */
    public Builder dashboard(String host, int port) {
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("dashboard port must be within 0..65535, got " + port);
      }
      this.httpHost = host;
      this.httpPort = port;
      return this;
    }

    /**
     * Serves gRPC over TLS with this config (default plaintext): {@code TlsConfig.fromPem(cert,
     * key)} for TLS, plus {@code .trusting(ca).requireClientAuth()} to accept only clients (agents
     * included) with a certificate from that CA. The dashboard stays plain HTTP.
     */
    public Builder tls(TlsConfig tls) {
      if (tls.privateKey().isEmpty()) {
        throw new IllegalArgumentException(
            "a server TLS config needs a certificate and key (TlsConfig.fromPem)");
      }
      this.tls = tls;
      return this;
    }

    public Coordinator build() {
      return new Coordinator(this);
    }
  }
}
