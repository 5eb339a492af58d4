package dev.switchboard.titancompute.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.runtime.SwitchboardChannel;
import dev.switchboard.runtime.Target;
import dev.switchboard.testing.Await;
import dev.switchboard.titancompute.coordinator.Coordinator;
import dev.switchboard.titancompute.v1.AgentServiceGrpc;
import dev.switchboard.titancompute.v1.CoordinatorServiceGrpc;
import dev.switchboard.titancompute.v1.FinishReason;
import dev.switchboard.titancompute.v1.InferenceRequest;
import dev.switchboard.titancompute.v1.InferenceResponse;
import dev.switchboard.titancompute.v1.StreamRequest;
import dev.switchboard.titancompute.v1.StreamResponse;
import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A real coordinator and agent over loopback with the demo engine without delay, which the agent
 * streams straight from the call's executor under flow control: the output, single-use tokens, and
 * a client that stops reading and then goes away.
 */
class AgentStreamTest {
  private static final Duration WAIT = Duration.ofSeconds(20);

  private Coordinator coordinator;
  private Agent agent;
  private ManagedChannel coordinatorChannel;
  private ManagedChannel agentChannel;

  @BeforeEach
  void start() throws Exception {
    coordinator = Coordinator.builder(Target.tcp("127.0.0.1", 0)).build().start();
    agent =
        Agent.builder(coordinator.target(), "agent-1")
            .model("m")
            .capacity(2)
            .engine(InferenceEngine.demo(Duration.ZERO))
            .heartbeat(Duration.ofMillis(100))
            .build()
            .start();
    Await.until("the agent registered", WAIT, agent::registered);
    coordinatorChannel = SwitchboardChannel.builder(coordinator.target()).plaintext().build();
    agentChannel = SwitchboardChannel.builder(Target.parse(agent.endpoint())).plaintext().build();
  }

  @AfterEach
  void stop() {
    agentChannel.shutdownNow();
    coordinatorChannel.shutdownNow();
    agent.close();
    coordinator.close();
  }

  private StreamRequest routed(String prompt, int maxTokens) {
    InferenceResponse route =
        CoordinatorServiceGrpc.newBlockingStub(coordinatorChannel)
            .requestInference(
                InferenceRequest.newBuilder()
                    .setModel("m")
                    .setPrompt(prompt)
                    .setMaxTokens(maxTokens)
                    .build());
    return StreamRequest.newBuilder()
        .setToken(route.getToken())
        .setModel("m")
        .setPrompt(prompt)
        .setMaxTokens(maxTokens)
        .setRequestId(route.getRequestId())
        .build();
  }

  private List<StreamResponse> stream(StreamRequest request) {
    List<StreamResponse> all = new ArrayList<>();
    AgentServiceGrpc.newBlockingStub(agentChannel)
        .withDeadlineAfter(20, TimeUnit.SECONDS)
        .streamInference(request)
        .forEachRemaining(all::add);
    return all;
  }

  @Test
  void streamsTheDemoAnswerAndATokenAdmitsOneStreamOnly() {
    StreamRequest request = routed("Why is the sky blue?", 100);
    List<StreamResponse> messages = stream(request);
    List<String> words =
        DemoEngine.words(new GenerationRequest("m", "Why is the sky blue?", 100, 0.7f, Map.of()));
    assertThat(messages).hasSize(words.size() + 1);
    StringBuilder text = new StringBuilder();
    messages.forEach(m -> text.append(m.getText()));
    assertThat(text.toString()).isEqualTo(String.join(" ", words));
    assertThat(messages.get(0).getAgentId()).isEqualTo("agent-1");
    StreamResponse last = messages.get(messages.size() - 1);
    assertThat(last.getDone()).isTrue();
    assertThat(last.getFinishReason()).isEqualTo(FinishReason.FINISH_REASON_STOP);
    assertThat(last.getUsage().getCompletionTokens()).isEqualTo(words.size());

    // The same token again, e.g. captured from a log: refused before any output.
    assertThatThrownBy(() -> stream(request))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
              assertThat(e.getStatus().getDescription()).contains("already used");
            });
    // A fresh route works, and max_tokens cuts the answer with finish reason LENGTH.
    List<StreamResponse> cut = stream(routed("Why is the sky blue?", 5));
    assertThat(cut).hasSize(6);
    assertThat(cut.get(5).getFinishReason()).isEqualTo(FinishReason.FINISH_REASON_LENGTH);
    Await.until("no active streams", WAIT, () -> agent.info().getMetrics().getActiveStreams() == 0);
  }

  @Test
  void aClientThatStopsReadingPausesTheStreamAndItsDisconnectFreesTheSlot() throws Exception {
    // The demo engine echoes the prompt: 200,000 words are far more than flow control lets through
    // unread, so the agent must stop at isReady() and wait.
    String prompt = "word ".repeat(200_000);
    StreamRequest request = routed(prompt, 1_000_000);
    LinkedBlockingQueue<Object> received = new LinkedBlockingQueue<>();
    ClientCall<StreamRequest, StreamResponse> call =
        agentChannel.newCall(AgentServiceGrpc.getStreamInferenceMethod(), CallOptions.DEFAULT);
    call.start(
        new ClientCall.Listener<>() {
          @Override
          public void onMessage(StreamResponse message) {
            received.add(message);
          }

          @Override
          public void onClose(Status status, Metadata trailers) {
            received.add(status);
          }
        },
        new Metadata());
    call.sendMessage(request);
    call.halfClose();
    call.request(3);
    for (int i = 0; i < 3; i++) {
      assertThat(received.poll(10, TimeUnit.SECONDS)).isInstanceOf(StreamResponse.class);
    }
    Await.until("one active stream", WAIT, () -> agent.info().getMetrics().getActiveStreams() == 1);
    Thread.sleep(300);
    assertThat(agent.info().getMetrics().getActiveStreams()).isEqualTo(1); // paused, not finished
    assertThat(received).isEmpty(); // nothing arrives unrequested
    call.cancel("client gives up", null);
    Await.until("no active streams", WAIT, () -> agent.info().getMetrics().getActiveStreams() == 0);
    // The freed slot serves the next client.
    assertThat(stream(routed("again", 100)))
        .last()
        .satisfies(m -> assertThat(m.getDone()).isTrue());
  }
}
