package dev.switchboard.cli.titan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.SignedJWT;
import dev.switchboard.runtime.SwitchboardChannel;
import dev.switchboard.runtime.Target;
import dev.switchboard.testing.Await;
import dev.switchboard.testing.FreePorts;
import dev.switchboard.testing.TestProcess;
import dev.switchboard.titancompute.client.InferenceResult;
import dev.switchboard.titancompute.client.TitanClient;
import dev.switchboard.titancompute.v1.AgentInfo;
import dev.switchboard.titancompute.v1.AgentServiceGrpc;
import dev.switchboard.titancompute.v1.AgentState;
import dev.switchboard.titancompute.v1.CoordinatorServiceGrpc;
import dev.switchboard.titancompute.v1.InferenceRequest;
import dev.switchboard.titancompute.v1.InferenceResponse;
import dev.switchboard.titancompute.v1.StatusRequest;
import dev.switchboard.titancompute.v1.StreamRequest;
import dev.switchboard.titancompute.v1.StreamResponse;
import dev.switchboard.titancompute.v1.SystemStatus;
import io.grpc.Context;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.reflection.v1.ServerReflectionGrpc;
import io.grpc.reflection.v1.ServerReflectionRequest;
import io.grpc.reflection.v1.ServerReflectionResponse;
import io.grpc.reflection.v1.ServiceResponse;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * A coordinator and two agents as real processes, talking real gRPC on loopback: routing, the CLI,
 * tokens, validation, health and reflection, client disconnects, and finally an agent SIGKILLed.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TitanSystemIT {
  private static final Duration START = Duration.ofSeconds(60);
  private static final long HEARTBEAT_TIMEOUT_MS = 2000;

  private TestProcess coordinator;
  private TestProcess agentA;
  private TestProcess agentB;
  private String coordinatorAddress;
  private String endpointA;
  private String endpointB;
  private ManagedChannel coordinatorChannel;
  private TitanClient client;

  @BeforeAll
  void startSystem() throws Exception {
    int port = FreePorts.pick();
    coordinatorAddress = "127.0.0.1:" + port;
    // All three start at once: the agents retry until the coordinator is up, as in real life.
    coordinator =
        TitanJar.start(
            "coordinator",
            "coordinator",
            "--port",
            String.valueOf(port),
            "--heartbeat-timeout",
            HEARTBEAT_TIMEOUT_MS + "ms",
            "--token-ttl",
            "2s");
    agentA =
        TitanJar.start(
            "agent-a",
            "agent",
            "--coordinator",
            coordinatorAddress,
            "--agent-id",
            "agent-a",
            "--model",
            "m1",
            "m2",
            "--heartbeat",
            "200ms",
            "--capacity",
            "2",
            "--demo-delay",
            "20ms");
    agentB =
        TitanJar.start(
            "agent-b",
            "agent",
            "--coordinator",
            coordinatorAddress,
            "--agent-id",
            "agent-b",
            "--model",
            "m1",
            "--heartbeat",
            "200ms",
            "--capacity",
            "2",
            "--demo-delay",
            "20ms");
    coordinator.awaitLine(Pattern.compile("coordinator listening on"), START);
    endpointA = agentA.awaitLine(Pattern.compile("listening on (\\S+)"), START).group(1);
    endpointB = agentB.awaitLine(Pattern.compile("listening on (\\S+)"), START).group(1);
    coordinatorChannel =
        SwitchboardChannel.builder(Target.parse(coordinatorAddress)).plaintext().build();
    client = TitanClient.connect(Target.parse(coordinatorAddress));
    Await.until(
        "both agents healthy",
        Duration.ofSeconds(60),
        () -> client.status().getHealthyAgents() == 2);
  }

  @AfterAll
  void stopSystem() throws Exception {
    if (client != null) {
      client.close();
    }
    if (coordinatorChannel != null) {
      coordinatorChannel.shutdownNow();
    }
    for (TestProcess p : new TestProcess[] {agentA, agentB, coordinator}) {
      if (p != null) {
        p.close();
      }
    }
  }

  private CoordinatorServiceGrpc.CoordinatorServiceBlockingStub coordinatorStub() {
    return CoordinatorServiceGrpc.newBlockingStub(coordinatorChannel)
        .withDeadlineAfter(10, TimeUnit.SECONDS);
  }

  private InferenceRequest.Builder request(String model) {
    return InferenceRequest.newBuilder()
        .setClientId("it")
        .setModel(model)
        .setPrompt("Why is the sky blue?");
  }

  private static Status.Code code(Runnable call) {
    try {
      call.run();
    } catch (StatusRuntimeException e) {
      return e.getStatus().getCode();
    }
    throw new AssertionError("call succeeded");
  }

  /** Streams the request with the given token from the agent at endpoint, to the end. */
  private static List<StreamResponse> streamFrom(String endpoint, StreamRequest request) {
    ManagedChannel channel = SwitchboardChannel.builder(Target.parse(endpoint)).plaintext().build();
    try {
      List<StreamResponse> all = new java.util.ArrayList<>();
      AgentServiceGrpc.newBlockingStub(channel)
          .withDeadlineAfter(20, TimeUnit.SECONDS)
          .streamInference(request)
          .forEachRemaining(all::add);
      return all;
    } finally {
      channel.shutdownNow();
    }
  }

  private static StreamRequest streamRequest(InferenceResponse route, String model) {
    return StreamRequest.newBuilder()
        .setToken(route.getToken())
        .setModel(model)
        .setPrompt("hello")
        .setMaxTokens(3)
        .setRequestId(route.getRequestId())
        .build();
  }

  @Test
  @Order(1)
  void cliRoutesStreamsAndPrintsTheStatusTable() throws Exception {
    TestProcess infer =
        TitanJar.start(
            "infer",
            "infer",
            "--coordinator",
            coordinatorAddress,
            "--model",
            "m1",
            "--prompt",
            "Why is the sky blue?",
            "--max-tokens",
            "12");
    TestProcess status = TitanJar.start("status", "status", "--coordinator", coordinatorAddress);
    try (infer;
        status) {
      assertThat(infer.awaitExit(START)).as(infer.stderr()).isZero();
      assertThat(infer.stdout()).startsWith("[demo engine: no model was run]");
      assertThat(infer.stderr())
          .containsPattern("\\[agent-[ab], request \\S+, 12 tokens, finish length");
      assertThat(status.awaitExit(START)).as(status.stderr()).isZero();
      String table = status.stdout();
      assertThat(table)
          .containsPattern(
              "agent-a\\s+HEALTHY\\s+" + endpointA.replace(".", "\\.") + "\\s+m1,m2\\s+demo");
      assertThat(table).containsPattern("agent-b\\s+HEALTHY\\s+" + endpointB.replace(".", "\\."));
      assertThat(table).contains("agents: 2, healthy: 2");
    }
    TestProcess bad =
        TitanJar.start(
            "infer-bad",
            "infer",
            "--coordinator",
            coordinatorAddress,
            "--model",
            "m1",
            "--prompt",
            "");
    try (bad) {
      assertThat(bad.awaitExit(START)).isEqualTo(1);
      assertThat(bad.stderr()).contains("INVALID_ARGUMENT: prompt: must not be empty");
    }
  }

  @Test
  @Order(2)
  void clientStreamsFromTheChosenAgentAndLoadIsSpread() {
    Set<String> agents = new HashSet<>();
    for (int i = 0; i < 6; i++) {
      StringBuilder streamed = new StringBuilder();
      InferenceResult result =
          client.infer(request("m1").setMaxTokens(5).build(), streamed::append);
      assertThat(result.text()).isEqualTo(streamed.toString()).startsWith("[demo engine:");
      assertThat(result.usage().getCompletionTokens()).isEqualTo(5);
      assertThat(result.routes()).isEqualTo(1);
      agents.add(result.agentId());
    }
    assertThat(agents).containsExactlyInAnyOrder("agent-a", "agent-b");
    // Only agent-a serves m2.
    assertThat(client.infer(request("m2").setMaxTokens(2).build(), t -> {}).agentId())
        .isEqualTo("agent-a");
  }

  @Test
  @Order(3)
  void healthAndReflectionAreServedOnCoordinatorAndAgents() throws Exception {
    assertThat(
            HealthGrpc.newBlockingStub(coordinatorChannel)
                .check(
                    HealthCheckRequest.newBuilder()
                        .setService("titancompute.v1.CoordinatorService")
                        .build())
                .getStatus())
        .isEqualTo(HealthCheckResponse.ServingStatus.SERVING);
    assertThat(services(coordinatorChannel))
        .contains("titancompute.v1.CoordinatorService", "grpc.health.v1.Health");
    ManagedChannel agent = SwitchboardChannel.builder(Target.parse(endpointA)).plaintext().build();
    try {
      assertThat(
              HealthGrpc.newBlockingStub(agent)
                  .check(
                      HealthCheckRequest.newBuilder()
                          .setService("titancompute.v1.AgentService")
                          .build())
                  .getStatus())
          .isEqualTo(HealthCheckResponse.ServingStatus.SERVING);
      assertThat(services(agent)).contains("titancompute.v1.AgentService");
      AgentInfo info =
          AgentServiceGrpc.newBlockingStub(agent).getStatus(StatusRequest.getDefaultInstance());
      assertThat(info.getAgentId()).isEqualTo("agent-a");
      assertThat(info.getModelsList()).containsExactly("m1", "m2");
      assertThat(info.getMetrics().getMemoryTotalBytes()).isPositive();
      assertThat(info.getState()).isEqualTo(AgentState.AGENT_STATE_HEALTHY);
    } finally {
      agent.shutdownNow();
    }
  }

  private static List<String> services(ManagedChannel channel) throws Exception {
    CompletableFuture<List<String>> names = new CompletableFuture<>();
    StreamObserver<ServerReflectionRequest> requests =
        ServerReflectionGrpc.newStub(channel)
            .serverReflectionInfo(
                new StreamObserver<>() {
                  @Override
                  public void onNext(ServerReflectionResponse response) {
                    names.complete(
                        response.getListServicesResponse().getServiceList().stream()
                            .map(ServiceResponse::getName)
                            .toList());
                  }

                  @Override
                  public void onError(Throwable t) {
                    names.completeExceptionally(t);
                  }

                  @Override
                  public void onCompleted() {}
                });
    requests.onNext(ServerReflectionRequest.newBuilder().setListServices("").build());
    List<String> result = names.get(10, TimeUnit.SECONDS);
    requests.onCompleted();
    return result;
  }

  @Test
  @Order(4)
  void unknownModelIsNotFoundAndListsTheServedModels() {
    assertThatThrownBy(() -> coordinatorStub().requestInference(request("gpt-9").build()))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
              assertThat(e.getStatus().getDescription())
                  .contains("gpt-9")
                  .contains("served models: m1, m2");
            });
  }

  @Test
  @Order(5)
  void invalidRequestsNameTheField() {
    for (var c :
        List.of(
            List.of(request("m1").setPrompt("").build(), "prompt:"),
            List.of(request("m1").setMaxTokens(0).build(), "max_tokens:"),
            List.of(request("m1").setMaxTokens(-3).build(), "max_tokens:"),
            List.of(request("m1").setTemperature(2.5f).build(), "temperature:"),
            List.of(request("m1").setTemperature(-1f).build(), "temperature:"))) {
      assertThatThrownBy(() -> coordinatorStub().requestInference((InferenceRequest) c.get(0)))
          .isInstanceOfSatisfying(
              StatusRuntimeException.class,
              e -> {
                assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
                assertThat(e.getStatus().getDescription()).startsWith((String) c.get(1));
              });
    }
    // The agent checks again, since clients may call it directly.
    InferenceResponse route = coordinatorStub().requestInference(request("m1").build());
    String endpoint = route.getAgentEndpoint();
    assertThatThrownBy(
            () ->
                streamFrom(
                    endpoint, streamRequest(route, "m1").toBuilder().setMaxTokens(0).build()))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
              assertThat(e.getStatus().getDescription()).startsWith("max_tokens:");
            });
    assertThatThrownBy(
            () ->
                streamFrom(
                    endpoint, streamRequest(route, "m1").toBuilder().setTemperature(3f).build()))
        .hasMessageContaining("INVALID_ARGUMENT: temperature:");
  }

  @Test
  @Order(6)
  void forgedExpiredAndMisdirectedTokensAreRefused() throws Exception {
    InferenceResponse route =
        coordinatorStub().requestInference(request("m2").build()); // agent-a only
    assertThat(route.getAgentId()).isEqualTo("agent-a");
    assertThat(streamFrom(endpointA, streamRequest(route, "m2")))
        .last()
        .satisfies(last -> assertThat(last.getDone()).isTrue());
    // Replayed: a token admits one stream.
    assertThatThrownBy(() -> streamFrom(endpointA, streamRequest(route, "m2")))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
              assertThat(e.getStatus().getDescription()).contains("already used");
            });

    // Same claims and key id, signed by someone else.
    SignedJWT original = SignedJWT.parse(route.getToken());
    ECKey forger = new ECKeyGenerator(Curve.P_256).generate();
    SignedJWT forged =
        new SignedJWT(
            new JWSHeader.Builder(JWSAlgorithm.ES256)
                .keyID(original.getHeader().getKeyID())
                .build(),
            original.getJWTClaimsSet());
    forged.sign(new ECDSASigner(forger));
    StreamRequest forgedRequest =
        streamRequest(route, "m2").toBuilder().setToken(forged.serialize()).build();
    assertThat(code(() -> streamFrom(endpointA, forgedRequest)))
        .isEqualTo(Status.Code.UNAUTHENTICATED);
    // A key id the coordinator never issued.
    SignedJWT unknownKid =
        new SignedJWT(
            new JWSHeader.Builder(JWSAlgorithm.ES256).keyID("nobody").build(),
            original.getJWTClaimsSet());
    unknownKid.sign(new ECDSASigner(forger));
    assertThat(
            code(
                () ->
                    streamFrom(
                        endpointA,
                        streamRequest(route, "m2").toBuilder()
                            .setToken(unknownKid.serialize())
                            .build())))
        .isEqualTo(Status.Code.UNAUTHENTICATED);
    assertThat(
            code(
                () ->
                    streamFrom(
                        endpointA, streamRequest(route, "m2").toBuilder().setToken("").build())))
        .isEqualTo(Status.Code.UNAUTHENTICATED);

    // Valid token, wrong agent or wrong model.
    assertThat(code(() -> streamFrom(endpointB, streamRequest(route, "m2"))))
        .isEqualTo(Status.Code.PERMISSION_DENIED);
    assertThat(code(() -> streamFrom(endpointA, streamRequest(route, "m1"))))
        .isEqualTo(Status.Code.PERMISSION_DENIED);

    // Expired: the coordinator's token TTL is 2 s and agents allow 2 s of clock skew.
    long waitMs = route.getExpiresAt() * 1000 + 2_000 + 300 - System.currentTimeMillis();
    Thread.sleep(Math.max(0, waitMs));
    assertThatThrownBy(() -> streamFrom(endpointA, streamRequest(route, "m2")))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
              assertThat(e.getStatus().getDescription()).contains("expired");
            });
  }

  @Test
  @Order(7)
  void clientDisconnectingMidStreamFreesTheAgentsSlot() throws Exception {
    InferenceResponse route =
        coordinatorStub().requestInference(request("m2").setMaxTokens(100).build());
    ManagedChannel agent =
        SwitchboardChannel.builder(Target.parse(route.getAgentEndpoint())).plaintext().build();
    try {
      AgentServiceGrpc.AgentServiceBlockingStub agentStub = AgentServiceGrpc.newBlockingStub(agent);
      Context.CancellableContext call = Context.current().withCancellation();
      Iterator<StreamResponse> stream =
          call.call(
              () ->
                  agentStub.streamInference(
                      streamRequest(route, "m2").toBuilder().setMaxTokens(100).build()));
      for (int i = 0; i < 3; i++) {
        assertThat(stream.next().getText()).isNotEmpty();
      }
      assertThat(
              agentStub
                  .getStatus(StatusRequest.getDefaultInstance())
                  .getMetrics()
                  .getActiveStreams())
          .isEqualTo(1);
      call.cancel(null); // the client goes away mid-stream
      Await.until(
          "agent slot freed",
          Duration.ofSeconds(5),
          () ->
              agentStub
                      .getStatus(StatusRequest.getDefaultInstance())
                      .getMetrics()
                      .getActiveStreams()
                  == 0);
      // ...and the coordinator hears of it with the next heartbeat.
      Await.until(
          "coordinator sees the slot free",
          Duration.ofSeconds(5),
          () ->
              client.status().getAgentsList().stream()
                  .filter(a -> a.getAgentId().equals("agent-a"))
                  .allMatch(a -> a.getMetrics().getActiveStreams() == 0));
    } finally {
      agent.shutdownNow();
    }
  }

  private static void signal(String sig, long pid) {
    TestProcess.builder("kill", "-" + sig, String.valueOf(pid))
        .run(Duration.ofSeconds(10))
        .assertSuccess();
  }

  @Test
  @Order(8)
  void frozenAgentMissesHeartbeatsLeavesRoutingAndComesBack() throws Exception {
    // SIGSTOP keeps the agent's sockets open, so only the heartbeat timeout can notice.
    signal("STOP", agentB.pid());
    try {
      long frozen = System.nanoTime();
      Await.until(
          "agent-b unhealthy",
          Duration.ofMillis(HEARTBEAT_TIMEOUT_MS + 2000),
          () ->
              client.status().getAgentsList().stream()
                  .anyMatch(
                      a ->
                          a.getAgentId().equals("agent-b")
                              && a.getState() == AgentState.AGENT_STATE_UNHEALTHY));
      assertThat(Duration.ofNanos(System.nanoTime() - frozen))
          .isGreaterThanOrEqualTo(Duration.ofMillis(HEARTBEAT_TIMEOUT_MS - 300));
      for (int i = 0; i < 4; i++) {
        assertThat(client.infer(request("m1").setMaxTokens(2).build(), t -> {}).agentId())
            .isEqualTo("agent-a");
      }
    } finally {
      signal("CONT", agentB.pid());
    }
    Await.until(
        "agent-b healthy again",
        Duration.ofSeconds(10),
        () -> client.status().getHealthyAgents() == 2);
  }

  @Test
  @Order(9)
  void sigkilledAgentLeavesRoutingWithinTheHeartbeatTimeout() throws Exception {
    agentB.kill();
    long killed = System.nanoTime();
    Await.until(
        "agent-b out of routing",
        Duration.ofMillis(HEARTBEAT_TIMEOUT_MS + 1500),
        () -> {
          SystemStatus status = client.status();
          return status.getHealthyAgents() == 1
              && status.getAgentsList().stream()
                  .anyMatch(
                      a ->
                          a.getAgentId().equals("agent-b")
                              && a.getState() == AgentState.AGENT_STATE_UNHEALTHY);
        });
    assertThat(Duration.ofNanos(System.nanoTime() - killed))
        .isLessThan(Duration.ofMillis(HEARTBEAT_TIMEOUT_MS + 1500));
    for (int i = 0; i < 8; i++) {
      InferenceResult result = client.infer(request("m1").setMaxTokens(2).build(), t -> {});
      assertThat(result.agentId()).isEqualTo("agent-a");
      assertThat(result.routes()).isEqualTo(1);
    }
  }
}
