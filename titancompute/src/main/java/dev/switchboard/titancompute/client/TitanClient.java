package dev.switchboard.titancompute.client;

import dev.switchboard.runtime.SwitchboardChannel;
import dev.switchboard.runtime.Target;
import dev.switchboard.runtime.TlsConfig;
import dev.switchboard.titancompute.v1.AgentServiceGrpc;
import dev.switchboard.titancompute.v1.CoordinatorServiceGrpc;
import dev.switchboard.titancompute.v1.InferenceRequest;
import dev.switchboard.titancompute.v1.InferenceResponse;
import dev.switchboard.titancompute.v1.StatusRequest;
import dev.switchboard.titancompute.v1.StreamRequest;
import dev.switchboard.titancompute.v1.StreamResponse;
import dev.switchboard.titancompute.v1.SystemStatus;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.Iterator;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Talks to a TitanCompute system: routes through the coordinator, then streams from the agent.
 * Channels to agents are opened on first use and kept. Thread-safe.
 *
 * <p>Plaintext by default; {@code TitanClient.builder(target).tls(config).build()} uses one TLS
 * config for the coordinator and for every agent it is routed to. Agents are dialled at the {@code
 * host:port} they advertise, so their certificates must name that host.
 */
public final class TitanClient implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(TitanClient.class);

  private final ManagedChannel coordinator;
  private final Map<String, ManagedChannel> agents = new ConcurrentHashMap<>();
  private final long routeDeadlineMillis;
  private final @Nullable TlsConfig tls;

  private TitanClient(Builder builder) {
    this.tls = builder.tls;
    this.coordinator = channel(builder.coordinator);
    this.routeDeadlineMillis = 5_000;
  }

  /** A plaintext client for the coordinator at {@code coordinator} (and its agents). */
  public static TitanClient connect(Target coordinator) {
    return builder(coordinator).build();
  }

  /** Configures a client for the coordinator at {@code coordinator}. */
  public static Builder builder(Target coordinator) {
    return new Builder(coordinator);
  }

  private ManagedChannel channel(Target target) {
    SwitchboardChannel.Builder builder = SwitchboardChannel.builder(target);
    return (tls != null ? builder.tls(tls) : builder.plaintext()).build();
  }

  /** Asks the coordinator for an agent and a token. */
  public InferenceResponse route(InferenceRequest request) {
    return CoordinatorServiceGrpc.newBlockingStub(coordinator)
        .withDeadlineAfter(routeDeadlineMillis, TimeUnit.MILLISECONDS)
        .requestInference(request);
  }

  public SystemStatus status() {
    return CoordinatorServiceGrpc.newBlockingStub(coordinator)
        .withDeadlineAfter(routeDeadlineMillis, TimeUnit.MILLISECONDS)
        .querySystemStatus(StatusRequest.getDefaultInstance());
  }

  /**
   * Routes the request and streams the answer, handing each piece to {@code onText} as it arrives.
   * When the agent fails before its first piece, asks once for a route that avoids it; once output
   * has started, a failure is final (re-running would repeat text already shown).
   *
   * @throws StatusRuntimeException from the coordinator or the agent
   */
  public InferenceResult infer(InferenceRequest request, Consumer<String> onText) {
    InferenceResponse route = route(request);
    try {
      return stream(request, route, onText, 1);
    } catch (BeforeOutput e) {
      Status.Code code = e.cause.getStatus().getCode();
      if (code == Status.Code.INVALID_ARGUMENT || code == Status.Code.CANCELLED) {
        throw e.cause;
      }
      log.warn(
          "agent {} failed before any output ({}); asking for another route",
          route.getAgentId(),
          code);
      InferenceResponse second =
          route(request.toBuilder().addExcludedAgentIds(route.getAgentId()).build());
      try {
        return stream(request, second, onText, 2);
      } catch (BeforeOutput again) {
        throw again.cause;
      }
    }
  }

  /** A failure before any output reached the caller: the only kind that may be retried. */
  private static final class BeforeOutput extends Exception {
    private static final long serialVersionUID = 1L;
    final transient StatusRuntimeException cause;

    BeforeOutput(StatusRuntimeException cause) {
      super(cause.getMessage(), null, false, false);
      this.cause = cause;
    }
  }

  private InferenceResult stream(
      InferenceRequest request, InferenceResponse route, Consumer<String> onText, int attempt)
      throws BeforeOutput {
    StreamRequest.Builder stream =
        StreamRequest.newBuilder()
            .setToken(route.getToken())
            .setPrompt(request.getPrompt())
            .setModel(request.getModel())
            .putAllParameters(request.getParametersMap())
            .setRequestId(route.getRequestId());
    if (request.hasMaxTokens()) {
      stream.setMaxTokens(request.getMaxTokens());
    }
    if (request.hasTemperature()) {
      stream.setTemperature(request.getTemperature());
    }
    StringBuilder text = new StringBuilder();
    boolean started = false;
    ManagedChannel channel = agentChannel(route.getAgentEndpoint());
    try {
      Iterator<StreamResponse> responses =
          AgentServiceGrpc.newBlockingStub(channel).streamInference(stream.build());
      while (responses.hasNext()) {
        StreamResponse piece = responses.next();
        if (!piece.getText().isEmpty()) {
          started = true;
          text.append(piece.getText());
          onText.accept(piece.getText());
        }
        if (piece.getDone()) {
          return new InferenceResult(
              route.getAgentId(),
              route.getRequestId(),
              text.toString(),
              piece.getUsage(),
              piece.getFinishReason(),
              attempt);
        }
      }
      throw Status.INTERNAL
          .withDescription(
              "agent " + route.getAgentId() + " ended the stream without a final message")
          .asRuntimeException();
    } catch (StatusRuntimeException e) {
      if (started) {
        throw e;
      }
      throw new BeforeOutput(e);
    }
  }

  private ManagedChannel agentChannel(String endpoint) {
    return agents.computeIfAbsent(endpoint, e -> channel(Target.parse(e)));
  }

  @Override
  public void close() {
    coordinator.shutdownNow();
    agents.values().forEach(ManagedChannel::shutdownNow);
    try {
      coordinator.awaitTermination(2, TimeUnit.SECONDS);
      for (ManagedChannel c : agents.values()) {
        c.awaitTermination(2, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Configures a {@link TitanClient}. Not thread-safe. */
  public static final class Builder {
    private final Target coordinator;
    private @Nullable TlsConfig tls;

    private Builder(Target coordinator) {
      this.coordinator = Objects.requireNonNull(coordinator, "coordinator");
    }

    /**
     * Dials the coordinator and the agents over TLS with this client config (default plaintext):
     * {@code TlsConfig.trustOnly(ca)}, or {@code fromPem(cert, key).trusting(ca)} for servers that
     * require client certificates.
     */
    public Builder tls(TlsConfig tls) {
      this.tls = Objects.requireNonNull(tls, "tls");
      return this;
    }

    public TitanClient build() {
      return new TitanClient(this);
    }
  }
}
