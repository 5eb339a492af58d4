package dev.switchboard.titancompute.agent;

import dev.switchboard.runtime.SwitchboardChannel;
import dev.switchboard.runtime.SwitchboardServer;
import dev.switchboard.runtime.Target;
import dev.switchboard.runtime.TlsConfig;
import dev.switchboard.titancompute.v1.AgentInfo;
import dev.switchboard.titancompute.v1.AgentRegistration;
import dev.switchboard.titancompute.v1.AgentServiceGrpc;
import dev.switchboard.titancompute.v1.AgentState;
import dev.switchboard.titancompute.v1.CoordinatorServiceGrpc;
import dev.switchboard.titancompute.v1.HealthUpdate;
import dev.switchboard.titancompute.v1.PublicKeyRequest;
import dev.switchboard.titancompute.v1.SystemMetrics;
import io.grpc.ManagedChannel;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * A TitanCompute agent: serves AgentService on a Switchboard server (health and reflection on) and
 * keeps itself registered with the coordinator, heartbeating host metrics.
 *
 * <pre>{@code
 * try (Agent agent = Agent.builder(Target.parse("127.0.0.1:50051"), "agent-1")
 *     .model("llama3").engine(InferenceEngine.demo(Duration.ofMillis(20))).build().start()) { ... }
 * }</pre>
 *
 * <p>Both of its links are plaintext unless configured: {@link Builder#tls(TlsConfig)} for the
 * AgentService it serves, {@link Builder#coordinatorTls(TlsConfig)} for its link to the
 * coordinator.
 */
public final class Agent implements AutoCloseable {
  private final Builder config;
  private final StreamSlots slots;
  private final HostMetrics host;
  private final ManagedChannel coordinatorChannel;
  private final ScheduledExecutorService scheduler;
  private final ExecutorService workers;
  private final AgentGrpcService service;
  private final CoordinatorLink link;
  private volatile AgentState state = AgentState.AGENT_STATE_HEALTHY;
  private @Nullable SwitchboardServer server;
  private volatile String endpoint = "";

  private Agent(Builder builder) {
    this.config = builder;
    this.slots = new StreamSlots(builder.capacity, builder.capacity * 4);
    this.host = new HostMetrics();
    SwitchboardChannel.Builder channel = SwitchboardChannel.builder(builder.coordinator);
    this.coordinatorChannel =
        (builder.coordinatorTls != null ? channel.tls(builder.coordinatorTls) : channel.plaintext())
            .build();
    AtomicInteger threads = new AtomicInteger();
    this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "titan-agent-link"));
    this.workers =
        Executors.newCachedThreadPool(
            r -> daemon(r, "titan-agent-stream-" + threads.incrementAndGet()));
    TokenVerifier verifier =
        new TokenVerifier(
            builder.agentId,
            () ->
                CoordinatorServiceGrpc.newBlockingStub(coordinatorChannel)
                    .withDeadlineAfter(3, TimeUnit.SECONDS)
                    .getPublicKey(PublicKeyRequest.getDefaultInstance()),
            builder.clock);
    this.service =
        new AgentGrpcService(builder.agentId, verifier, builder.engine, slots, workers, this::info);
    this.link =
        new CoordinatorLink(
            coordinatorChannel, this::registration, this::heartbeat, scheduler, builder.heartbeat);
  }

  private static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }

  /** An agent that registers with the coordinator at {@code coordinator} under {@code agentId}. */
  public static Builder builder(Target coordinator, String agentId) {
    return new Builder(coordinator, agentId);
  }

  /** Binds the AgentService and starts registering; registration completes in the background. */
  public synchronized Agent start() throws IOException {
    if (server != null) {
      throw new IllegalStateException("agent already started");
    }
    SwitchboardServer.Builder serverBuilder =
        SwitchboardServer.builder(config.listen)
            .service(service)
            .exceptionMapper(AgentGrpcService.ERRORS);
    if (config.tls != null) {
      serverBuilder.tls(config.tls);
    }
    SwitchboardServer s = serverBuilder.build().start();
    server = s;
    s.health().setStatus(AgentServiceGrpc.SERVICE_NAME, ServingStatus.SERVING);
    endpoint = config.advertiseHost + ":" + s.port();
    link.start();
    return this;
  }

  public String agentId() {
    return config.agentId;
  }

  /** host:port as registered with the coordinator. */
  public String endpoint() {
    return endpoint;
  }

  public int port() {
    SwitchboardServer s = server;
    if (s == null) {
      throw new IllegalStateException("agent not started");
    }
    return s.port();
  }

  /** True while the coordinator has acknowledged the current registration. */
  public boolean registered() {
    return link.registered();
  }

  /** How many times the agent has registered; more than one after coordinator restarts. */
  public int registrations() {
    return link.registrations();
  }

  /** What GetStatus answers. */
  public AgentInfo info() {
    return AgentInfo.newBuilder()
        .setAgentId(config.agentId)
        .setEndpoint(endpoint)
        .addAllModels(config.models)
        .setState(currentState())
        .setMetrics(metrics())
        .setCapacity(slots.capacity())
        .putAllLabels(config.labels)
        .setEngine(config.engine.kind())
        .setLastHeartbeatUnixMs(System.currentTimeMillis())
        .setRttMs(link.rttMs())
        .build();
  }

  private AgentState currentState() {
    if (state == AgentState.AGENT_STATE_DRAINING) {
      return state;
    }
    // A full queue means new work waits for a whole stream: tell the router to prefer others.
    return slots.queued() >= slots.capacity()
        ? AgentState.AGENT_STATE_DEGRADED
        : AgentState.AGENT_STATE_HEALTHY;
  }

  private SystemMetrics metrics() {
    return host.sample().setActiveStreams(slots.active()).setQueueDepth(slots.queued()).build();
  }

  private AgentRegistration registration() {
    return AgentRegistration.newBuilder()
        .setAgentId(config.agentId)
        .setEndpoint(endpoint)
        .addAllModels(config.models)
        .setCapacity(slots.capacity())
        .putAllLabels(config.labels)
        .setEngine(config.engine.kind())
        .setMetrics(metrics())
        .setHeartbeatIntervalMs(config.heartbeat.toMillis())
        .build();
  }

  private HealthUpdate.Builder heartbeat() {
    return HealthUpdate.newBuilder()
        .setAgentId(config.agentId)
        .setMetrics(metrics())
        .setState(currentState())
        .addAllCompleted(service.drainCompleted(1000));
  }

  /** Tells the coordinator it is draining, lets running streams finish (up to 5 s), then stops. */
  @Override
  public synchronized void close() {
    state = AgentState.AGENT_STATE_DRAINING;
    link.sendFinal(AgentState.AGENT_STATE_DRAINING);
    link.close();
    if (server != null) {
      server.health().setStatus(AgentServiceGrpc.SERVICE_NAME, ServingStatus.NOT_SERVING);
      server.shutdown(Duration.ofSeconds(5));
      try {
        server.awaitTermination();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    workers.shutdownNow();
    scheduler.shutdownNow();
    coordinatorChannel.shutdownNow();
  }

  /** Configures an {@link Agent}. Not thread-safe. */
  public static final class Builder {
    private final Target coordinator;
    private final String agentId;
    private final List<String> models = new ArrayList<>();
    private final Map<String, String> labels = new LinkedHashMap<>();
    private Target listen = Target.tcp("127.0.0.1", 0);
    private String advertiseHost = "127.0.0.1";
    private InferenceEngine engine = InferenceEngine.demo(Duration.ofMillis(20));
    private int capacity = 4;
    private Duration heartbeat = Duration.ofSeconds(1);
    private Clock clock = Clock.systemUTC();
    private @Nullable TlsConfig tls;
    private @Nullable TlsConfig coordinatorTls;

    private Builder(Target coordinator, String agentId) {
      this.coordinator = Objects.requireNonNull(coordinator, "coordinator");
      if (agentId.isBlank()) {
        throw new IllegalArgumentException("agent id must not be empty");
      }
      this.agentId = agentId;
    }

    /** Where AgentService listens (default 127.0.0.1, any free port). */
    public Builder listen(Target listen) {
      this.listen = Objects.requireNonNull(listen, "listen");
      return this;
    }

    /** The host that clients use to reach this agent (default 127.0.0.1). */
    public Builder advertiseHost(String host) {
      this.advertiseHost = host;
      return this;
    }

    public Builder model(String model) {
      if (model.isBlank()) {
        throw new IllegalArgumentException("model name must not be empty");
      }
      models.add(model);
      return this;
    }

    public Builder label(String key, String value) {
      labels.put(key, value);
      return this;
    }

    public Builder engine(InferenceEngine engine) {
      this.engine = Objects.requireNonNull(engine, "engine");
      return this;
    }

    /** Streams that run at once (default 4); up to four times as many more wait in line. */
    public Builder capacity(int capacity) {
      if (capacity < 1) {
        throw new IllegalArgumentException("capacity must be at least 1, got " + capacity);
      }
      this.capacity = capacity;
      return this;
    }

    /** Heartbeat interval (default 1 s). */
    public Builder heartbeat(Duration interval) {
      if (interval.toMillis() < 10) {
        throw new IllegalArgumentException(
            "heartbeat interval must be at least 10ms, got " + interval);
      }
      this.heartbeat = interval;
      return this;
    }

    /** The clock that token expiry is checked against. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Serves AgentService over TLS with this config (default plaintext). Clients dial the
     * advertised {@code host:port}, so the certificate must name {@link #advertiseHost(String)}.
     * Add {@code .trusting(ca).requireClientAuth()} to accept only clients with a certificate from
     * that CA.
     */
    public Builder tls(TlsConfig tls) {
      if (tls.privateKey().isEmpty()) {
        throw new IllegalArgumentException(
            "a server TLS config needs a certificate and key (TlsConfig.fromPem)");
      }
      this.tls = tls;
      return this;
    }

    /**
     * Dials the coordinator (registration, heartbeats, public keys) over TLS with this client
     * config (default plaintext): {@code TlsConfig.trustOnly(ca)}, or {@code fromPem(cert,
     * key).trusting(ca)} when the coordinator requires client certificates.
     */
    public Builder coordinatorTls(TlsConfig tls) {
      this.coordinatorTls = Objects.requireNonNull(tls, "tls");
      return this;
    }

    public Agent build() {
      if (models.isEmpty()) {
        throw new IllegalArgumentException("an agent must serve at least one model");
      }
      return new Agent(this);
    }
  }
}
