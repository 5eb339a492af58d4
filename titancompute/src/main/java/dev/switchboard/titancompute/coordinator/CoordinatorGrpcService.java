package dev.switchboard.titancompute.coordinator;

import dev.switchboard.titancompute.internal.InferenceRules;
import dev.switchboard.titancompute.v1.AgentInfo;
import dev.switchboard.titancompute.v1.AgentRegistration;
import dev.switchboard.titancompute.v1.AgentState;
import dev.switchboard.titancompute.v1.CompletedStream;
import dev.switchboard.titancompute.v1.CoordinatorServiceGrpc;
import dev.switchboard.titancompute.v1.HealthAck;
import dev.switchboard.titancompute.v1.HealthUpdate;
import dev.switchboard.titancompute.v1.InferenceRequest;
import dev.switchboard.titancompute.v1.InferenceResponse;
import dev.switchboard.titancompute.v1.PublicKeyRequest;
import dev.switchboard.titancompute.v1.PublicKeyResponse;
import dev.switchboard.titancompute.v1.RegistrationResponse;
import dev.switchboard.titancompute.v1.StatusRequest;
import dev.switchboard.titancompute.v1.SystemStatus;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.jspecify.annotations.Nullable;

/** The CoordinatorService RPCs over the registry, the routing policy and the token issuer. */
final class CoordinatorGrpcService extends CoordinatorServiceGrpc.CoordinatorServiceImplBase {
  private final AgentRegistry registry;
  private final RoutingPolicy policy;
  private final TokenIssuer issuer;
  private final RequestLog requests;
  private final Clock clock;
  private final String instanceId;
  private final long startedAtMillis;

  CoordinatorGrpcService(
      AgentRegistry registry,
      RoutingPolicy policy,
      TokenIssuer issuer,
      RequestLog requests,
      Clock clock) {
    this.registry = registry;
    this.policy = policy;
    this.issuer = issuer;
    this.requests = requests;
    this.clock = clock;
    this.instanceId = UUID.randomUUID().toString();
    this.startedAtMillis = clock.millis();
  }

  @Override
  public void requestInference(
      InferenceRequest request, StreamObserver<InferenceResponse> response) {
    long started = System.nanoTime();
    Optional<Status> invalid = InferenceRules.check(request);
    if (invalid.isPresent()) {
      response.onError(invalid.get().asRuntimeException());
      return;
    }
    Optional<AgentView> chosen = Optional.empty();
    if (request.getExcludedAgentIdsCount() == 0) {
      // Fast path: the policy looks at the index of healthy agents for the model as it is.
      List<AgentView> routable = registry.routable(request.getModel());
      if (!routable.isEmpty()) {
        chosen = policy.choose(request, routable);
      }
      if (chosen.isPresent() && !registry.routableNow(chosen.get())) {
        // The pick went silent since the last sweep: record every such agent as unhealthy now,
        // and choose again among the agents that are routable at this moment.
        registry.sweep();
        chosen = Optional.empty();
      }
    }
    if (chosen.isEmpty()) {
      List<AgentView> candidates =
          registry.candidates(request.getModel(), request.getExcludedAgentIdsList());
      chosen = candidates.isEmpty() ? Optional.empty() : policy.choose(request, candidates);
    }
    if (chosen.isEmpty()) {
      response.onError(noAgent(request).asRuntimeException());
      return;
    }
    AgentView agent = chosen.get();
    if (agent instanceof AgentRecord record) {
      record.routed();
    }
    // Request ids correlate logs and tokens; the signature, not the id, is the secret, so a fast
    // non-cryptographic source avoids contending on the shared SecureRandom on every request.
    ThreadLocalRandom random = ThreadLocalRandom.current();
    String requestId = new UUID(random.nextLong(), random.nextLong()).toString();
    String clientId = request.getClientId().isEmpty() ? "anonymous" : request.getClientId();
    TokenIssuer.Token token =
        issuer.issue(clientId, agent.agentId(), request.getModel(), requestId);
    response.onNext(
        InferenceResponse.newBuilder()
            .setAgentId(agent.agentId())
            .setAgentEndpoint(agent.endpoint())
            .setExpiresAt(token.expiresAtUnixSeconds())
            .setToken(token.jwt())
            .setEstimatedRttMs(agent.rttMs())
            .setRequestId(requestId)
            .build());
    response.onCompleted();
    requests.routed(
        requestId,
        clientId,
        request.getModel(),
        agent.agentId(),
        clock.millis(),
        (System.nanoTime() - started) / 1e6);
  }

  private Status noAgent(InferenceRequest request) {
    Set<String> served = registry.servedModels();
    if (served.contains(request.getModel())) {
      return Status.UNAVAILABLE.withDescription(
          "every healthy agent serving model '"
              + request.getModel()
              + "' is excluded by the request: "
              + request.getExcludedAgentIdsList());
    }
    return Status.NOT_FOUND.withDescription(
        "no healthy agent serves model '"
            + request.getModel()
            + "'; served models: "
            + (served.isEmpty() ? "(none)" : String.join(", ", served)));
  }

  @Override
  public void registerAgent(
      AgentRegistration request, StreamObserver<RegistrationResponse> response) {
    Optional<Status> invalid = checkRegistration(request);
    if (invalid.isPresent()) {
      response.onError(invalid.get().asRuntimeException());
      return;
    }
    registry.register(request);
    response.onNext(
        RegistrationResponse.newBuilder()
            .setAccepted(true)
            .setMessage("registered " + request.getAgentId())
            .setHeartbeatTimeoutMs(registry.heartbeatTimeout().toMillis())
            .setCoordinatorInstanceId(instanceId)
            .build());
    response.onCompleted();
  }

  private static Optional<Status> checkRegistration(AgentRegistration request) {
    if (request.getAgentId().isBlank()) {
      return Optional.of(Status.INVALID_ARGUMENT.withDescription("agent_id: must not be empty"));
    }
    String endpoint = request.getEndpoint();
    int colon = endpoint.lastIndexOf(':');
    if (colon <= 0 || !endpoint.substring(colon + 1).matches("[0-9]{1,5}")) {
      return Optional.of(
          Status.INVALID_ARGUMENT.withDescription(
              "endpoint: must be host:port, got '" + endpoint + "'"));
    }
    if (request.getModelsCount() == 0
        || request.getModelsList().stream().anyMatch(String::isBlank)) {
      return Optional.of(
          Status.INVALID_ARGUMENT.withDescription(
              "models: must list at least one non-empty model name"));
    }
    if (request.getCapacity() < 0) {
      return Optional.of(
          Status.INVALID_ARGUMENT.withDescription(
              "capacity: must not be negative, got " + request.getCapacity()));
    }
    return Optional.empty();
  }

  @Override
  public StreamObserver<HealthUpdate> reportHealth(StreamObserver<HealthAck> acks) {
    Object stream = new Object();
    return new StreamObserver<>() {
      private @Nullable String agentId;

      @Override
      public void onNext(HealthUpdate update) {
        agentId = update.getAgentId();
        Optional<AgentRecord> record = registry.heartbeat(stream, update);
        for (CompletedStream completed : update.getCompletedList()) {
          requests.completed(completed);
        }
        acks.onNext(
            HealthAck.newBuilder()
                .setSequence(update.getSequence())
                .setReceivedAtUnixMs(clock.millis())
                .setRegistered(record.isPresent())
                .setState(record.map(AgentRecord::state).orElse(AgentState.AGENT_STATE_UNSPECIFIED))
                .build());
      }

      @Override
      public void onError(Throwable t) {
        ended();
      }

      @Override
      public void onCompleted() {
        ended();
        acks.onCompleted();
      }

      private void ended() {
        if (agentId != null) {
          registry.streamEnded(agentId, stream);
        }
      }
    };
  }

  @Override
  public void querySystemStatus(StatusRequest request, StreamObserver<SystemStatus> response) {
    response.onNext(status(request.getAgentId()));
    response.onCompleted();
  }

  SystemStatus status(String agentId) {
    SystemStatus.Builder status = SystemStatus.newBuilder();
    int healthy = 0;
    int active = 0;
    int queued = 0;
    int capacity = 0;
    for (AgentInfo info : registry.infos()) {
      if (!agentId.isEmpty() && !agentId.equals(info.getAgentId())) {
        continue;
      }
      status.addAgents(info);
      boolean routable =
          info.getState() == AgentState.AGENT_STATE_HEALTHY
              || info.getState() == AgentState.AGENT_STATE_DEGRADED;
      if (routable) {
        healthy++;
        capacity += info.getCapacity();
      }
      active += info.getMetrics().getActiveStreams();
      queued += info.getMetrics().getQueueDepth();
    }
    return status
        .setTotalAgents(status.getAgentsCount())
        .setHealthyAgents(healthy)
        .setTotalActiveStreams(active)
        .setTotalQueueDepth(queued)
        .setTotalCapacity(capacity)
        .addAllServedModels(registry.servedModels())
        .setRequestsRouted(requests.routedCount())
        .setUptimeSeconds((clock.millis() - startedAtMillis) / 1000)
        .build();
  }

  @Override
  public void getPublicKey(PublicKeyRequest request, StreamObserver<PublicKeyResponse> response) {
    PublicKeyResponse keys = issuer.publicKeys(request.getKeyId());
    if (keys.getKeysCount() == 0) {
      response.onError(
          Status.NOT_FOUND
              .withDescription(
                  "no verification key with id '"
                      + request.getKeyId()
                      + "'; current key is "
                      + keys.getCurrentKeyId())
              .asRuntimeException());
      return;
    }
    response.onNext(keys);
    response.onCompleted();
  }
}
