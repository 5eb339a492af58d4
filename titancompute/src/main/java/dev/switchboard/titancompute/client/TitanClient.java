package dev.switchboard.titancompute.client;

import dev.switchboard.runtime.SwitchboardChannel;
import dev.switchboard.runtime.Target;
import dev.switchboard.titancompute.v1.AgentServiceGrpc;
import dev.switchboard.titancompute.v1.CoordinatorServiceGrpc;
import dev.switchboard.titancompute.v1.FinishReason;
import dev.switchboard.titancompute.v1.InferenceRequest;
import dev.switchboard.titancompute.v1.InferenceResponse;
import dev.switchboard.titancompute.v1.StatusRequest;
import dev.switchboard.titancompute.v1.StreamRequest;
import dev.switchboard.titancompute.v1.StreamResponse;
import dev.switchboard.titancompute.v1.SystemStatus;
import dev.switchboard.titancompute.v1.Usage;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Talks to a TitanCompute system: routes through the coordinator, then streams from the agent.
 * Channels to agents are opened on first use and kept. Thread-safe.
 */
public final class TitanClient implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(TitanClient.class);

  private final ManagedChannel coordinator;
  private final Map<String, ManagedChannel> agents = new ConcurrentHashMap<>();
  private final long routeDeadlineMillis;

  private TitanClient(ManagedChannel coordinator, long routeDeadlineMillis) {
    this.coordinator = coordinator;
    this.routeDeadlineMillis = routeDeadlineMillis;
  }

  /** A client for the coordinator at {@code coordinator} (plaintext, like the agents). */
  public static TitanClient connect(Target coordinator) {
    return new TitanClient(SwitchboardChannel.builder(coordinator).plaintext().build(), 5_000);
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
      log.warn("agent {} failed before any output ({}); asking for another route", route.getAgentId(), code);
      InferenceResponse second = route(request.toBuilder().addExcludedAgentIds(route.getAgentId()).build());
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

  private InferenceResult stream(InferenceRequest request, InferenceResponse route, Consumer<String> onText,
      int attempt) throws BeforeOutput {
    StreamRequest.Builder stream = StreamRequest.newBuilder()
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
      Iterator<StreamResponse> responses = AgentServiceGrpc.newBlockingStub(channel).streamInference(stream.build());
      while (responses.hasNext()) {
        StreamResponse piece = responses.next();
        if (!piece.getText().isEmpty()) {
          started = true;
          text.append(piece.getText());
          onText.accept(piece.getText());
        }
        if (piece.getDone()) {
          return new InferenceResult(route.getAgentId(), route.getRequestId(), text.toString(),
              piece.getUsage(), piece.getFinishReason(), attempt);
        }
      }
      throw Status.INTERNAL
          .withDescription("agent " + route.getAgentId() + " ended the stream without a final message")
          .asRuntimeException();
    } catch (StatusRuntimeException e) {
      if (started) {
        throw e;
      }
      throw new BeforeOutput(e);
    }
  }

  private ManagedChannel agentChannel(String endpoint) {
    return agents.computeIfAbsent(endpoint, e -> SwitchboardChannel.builder(Target.parse(e)).plaintext().build());
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
}
