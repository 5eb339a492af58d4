package dev.switchboard.titancompute.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.switchboard.testing.FreePorts;
import dev.switchboard.titancompute.v1.FinishReason;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The HTTP engines against a local server that speaks Ollama's NDJSON and OpenAI's server-sent
 * events exactly as documented, in separately flushed chunks. The server holds back everything
 * after the first chunk until the engine has delivered the first piece, which proves that output is
 * forwarded as it arrives rather than after the whole body.
 */
class HttpEnginesTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpServer server;
  private final AtomicReference<JsonNode> lastBody = new AtomicReference<>();
  private final AtomicReference<String> lastAuth = new AtomicReference<>();
  private final CountDownLatch firstPieceSeen = new CountDownLatch(1);

  HttpEnginesTest() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.setExecutor(Executors.newCachedThreadPool());
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop(0);
    ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
  }

  private URI base() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  /** Streams the chunks, flushing each, pausing after the first until the engine saw it. */
  private void stream(String path, String contentType, List<String> chunks) {
    server.createContext(
        path,
        exchange -> {
          try (exchange) {
            lastBody.set(JSON.readTree(exchange.getRequestBody()));
            lastAuth.set(exchange.getRequestHeaders().getFirst("Authorization"));
            exchange.getResponseHeaders().set("Content-Type", contentType);
            exchange.sendResponseHeaders(200, 0); // chunked
            OutputStream out = exchange.getResponseBody();
            for (int i = 0; i < chunks.size(); i++) {
              out.write(chunks.get(i).getBytes(StandardCharsets.UTF_8));
              out.flush();
              if (i == 0 && !firstPieceSeen.await(5, TimeUnit.SECONDS)) {
                return; // the engine buffered instead of streaming; the test fails on the missing
                // text
              }
            }
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        });
  }

  private void error(String path, int code, String body) {
    server.createContext(
        path,
        exchange -> {
          try (exchange) {
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(code, bytes.length);
            exchange.getResponseBody().write(bytes);
          }
        });
  }

  private final class Sink implements InferenceEngine.TokenSink {
    final List<String> pieces = new CopyOnWriteArrayList<>();
    final int cancelAfter;

    Sink(int cancelAfter) {
      this.cancelAfter = cancelAfter;
    }

    @Override
    public void text(String piece) {
      pieces.add(piece);
      firstPieceSeen.countDown();
    }

    @Override
    public boolean cancelled() {
      return pieces.size() >= cancelAfter;
    }
  }

  private static GenerationRequest request() {
    return new GenerationRequest(
        "llama3", "Why is the sky blue?", 3, 0.2f, Map.of("top_p", "0.9", "seed", "42"));
  }

  @Test
  void ollamaStreamsNdjsonAsItArrives() throws Exception {
    stream(
        "/api/generate",
        "application/x-ndjson",
        List.of(
            "{\"model\":\"llama3\",\"created_at\":\"2024-01-01T00:00:00Z\",\"response\":\"The\",\"done\":false}\n",
            "{\"model\":\"llama3\",\"created_at\":\"2024-01-01T00:00:00Z\",\"response\":\" sky\",\"done\":false}\n"
                + "{\"model\":\"llama3\",\"created_at\":\"2024-01-01T00:00:00Z\",\"response\":\" scatters\",\"done\":false}\n",
            "{\"model\":\"llama3\",\"created_at\":\"2024-01-01T00:00:01Z\",\"response\":\"\",\"done\":true,"
                + "\"done_reason\":\"length\",\"context\":[1,2,3],\"total_duration\":5000000,\"load_duration\":100,"
                + "\"prompt_eval_count\":7,\"prompt_eval_duration\":10,\"eval_count\":3,\"eval_duration\":20}\n"));
    Sink sink = new Sink(Integer.MAX_VALUE);
    GenerationResult result = InferenceEngine.ollama(base()).generate(request(), sink);

    assertThat(sink.pieces).containsExactly("The", " sky", " scatters");
    assertThat(result).isEqualTo(new GenerationResult(FinishReason.FINISH_REASON_LENGTH, 7, 3));
    JsonNode body = lastBody.get();
    assertThat(body.path("model").asText()).isEqualTo("llama3");
    assertThat(body.path("prompt").asText()).isEqualTo("Why is the sky blue?");
    assertThat(body.path("stream").asBoolean()).isTrue();
    assertThat(body.path("options").path("num_predict").asInt()).isEqualTo(3);
    assertThat(body.path("options").path("temperature").asDouble())
        .isCloseTo(0.2, org.assertj.core.data.Offset.offset(1e-6));
    assertThat(body.path("options").path("top_p").isNumber()).isTrue();
    assertThat(body.path("options").path("seed").asInt()).isEqualTo(42);
  }

  @Test
  void ollamaErrorsNameTheEngineAndCarryItsMessage() {
    error(
        "/api/generate", 404, "{\"error\":\"model \\\"nope\\\" not found, try pulling it first\"}");
    assertThatThrownBy(() -> InferenceEngine.ollama(base()).generate(request(), new Sink(99)))
        .isInstanceOf(EngineException.class)
        .hasMessageContaining("ollama")
        .hasMessageContaining("HTTP 404")
        .hasMessageContaining("model \"nope\" not found");
  }

  @Test
  void ollamaErrorInsideTheStreamIsReported() {
    stream(
        "/api/generate",
        "application/x-ndjson",
        List.of(
            "{\"model\":\"llama3\",\"response\":\"Hi\",\"done\":false}\n",
            "{\"error\":\"out of memory\"}\n"));
    Sink sink = new Sink(99);
    assertThatThrownBy(() -> InferenceEngine.ollama(base()).generate(request(), sink))
        .isInstanceOf(EngineException.class)
        .hasMessageContaining("out of memory");
    assertThat(sink.pieces).containsExactly("Hi");
  }

  @Test
  void openAiStreamsServerSentEventsAsTheyArrive() throws Exception {
    String head =
        "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1700000000,"
            + "\"model\":\"llama3\",\"system_fingerprint\":null,\"choices\":[";
    stream(
        "/v1/chat/completions",
        "text/event-stream",
        List.of(
            "data: "
                + head
                + "{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"The\"},\"logprobs\":null,\"finish_reason\":null}]}\n\n",
            ": keep-alive comment\n\n"
                + "data: "
                + head
                + "{\"index\":0,\"delta\":{\"content\":\" sky\"},\"logprobs\":null,\"finish_reason\":null}]}\n\n"
                + "data: "
                + head
                + "{\"index\":0,\"delta\":{\"content\":\" scatters\"},\"logprobs\":null,\"finish_reason\":null}]}\n\n",
            "data: "
                + head
                + "{\"index\":0,\"delta\":{},\"logprobs\":null,\"finish_reason\":\"length\"}]}\n\n"
                + "data: "
                + head
                + "],\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":3,\"total_tokens\":15}}\n\n"
                + "data: [DONE]\n\n"));
    Sink sink = new Sink(Integer.MAX_VALUE);
    GenerationResult result = InferenceEngine.openAi(base(), "sk-test").generate(request(), sink);

    assertThat(sink.pieces).containsExactly("The", " sky", " scatters");
    assertThat(result).isEqualTo(new GenerationResult(FinishReason.FINISH_REASON_LENGTH, 12, 3));
    JsonNode body = lastBody.get();
    assertThat(body.path("model").asText()).isEqualTo("llama3");
    assertThat(body.path("messages").path(0).path("role").asText()).isEqualTo("user");
    assertThat(body.path("messages").path(0).path("content").asText())
        .isEqualTo("Why is the sky blue?");
    assertThat(body.path("max_tokens").asInt()).isEqualTo(3);
    assertThat(body.path("stream").asBoolean()).isTrue();
    assertThat(body.path("stream_options").path("include_usage").asBoolean()).isTrue();
    assertThat(lastAuth.get()).isEqualTo("Bearer sk-test");
  }

  @Test
  void openAiErrorsCarryTheServersMessage() {
    error(
        "/v1/chat/completions",
        400,
        "{\"error\":{\"message\":\"max_tokens is too large\",\"type\":\"invalid_request_error\",\"param\":\"max_tokens\",\"code\":null}}");
    assertThatThrownBy(() -> InferenceEngine.openAi(base(), null).generate(request(), new Sink(99)))
        .isInstanceOf(EngineException.class)
        .hasMessageContaining("HTTP 400")
        .hasMessageContaining("max_tokens is too large");
  }

  @Test
  void openAiStreamCutShortIsAnError() {
    stream(
        "/v1/chat/completions",
        "text/event-stream",
        List.of(
            "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hi\"},\"finish_reason\":null}]}\n\n"));
    assertThatThrownBy(() -> InferenceEngine.openAi(base(), null).generate(request(), new Sink(99)))
        .isInstanceOf(EngineException.class)
        .hasMessageContaining("[DONE]");
  }

  @Test
  void cancelledClientStopsReadingTheEngine() throws Exception {
    stream(
        "/api/generate",
        "application/x-ndjson",
        List.of(
            "{\"response\":\"one\",\"done\":false}\n",
            "{\"response\":\" two\",\"done\":false}\n",
            "{\"response\":\" three\",\"done\":false}\n",
            "{\"response\":\"\",\"done\":true,\"done_reason\":\"stop\"}\n"));
    Sink sink = new Sink(1);
    InferenceEngine.ollama(base()).generate(request(), sink);
    assertThat(sink.pieces).containsExactly("one");
  }

  @Test
  void unreachableEngineIsAnEngineErrorNamingTheUrl() throws Exception {
    int port = FreePorts.pick();
    URI url = URI.create("http://127.0.0.1:" + port);
    assertThatThrownBy(() -> InferenceEngine.ollama(url).generate(request(), new Sink(99)))
        .isInstanceOf(EngineException.class)
        .hasMessageContaining("cannot reach the ollama engine at " + url);
  }
}
