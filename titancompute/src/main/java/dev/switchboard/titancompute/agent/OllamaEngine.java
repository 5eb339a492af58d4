package dev.switchboard.titancompute.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.titancompute.v1.FinishReason;
import java.net.URI;
import java.net.http.HttpClient;
import java.util.Map;

/**
 * Ollama's {@code POST /api/generate} with {@code "stream": true}: the body is newline-delimited
 * JSON, one object per piece ({@code "response"}), the last with {@code "done": true}, the {@code
 * done_reason} and the token counts ({@code prompt_eval_count}, {@code eval_count}).
 */
final class OllamaEngine implements InferenceEngine {
  private final HttpEngineSupport http;
  private final URI endpoint;

  OllamaEngine(HttpClient client, URI baseUrl) {
    this.http = new HttpEngineSupport(client, "ollama");
    this.endpoint = HttpEngineSupport.resolve(baseUrl, "/api/generate");
  }

  @Override
  public String kind() {
    return "ollama";
  }

  @Override
  public GenerationResult generate(GenerationRequest request, TokenSink sink)
      throws EngineException, InterruptedException {
    ObjectNode body = HttpEngineSupport.JSON.createObjectNode();
    body.put("model", request.model());
    body.put("prompt", request.prompt());
    body.put("stream", true);
    ObjectNode options = body.putObject("options");
    options.put("num_predict", request.maxTokens());
    options.put("temperature", request.temperature());
    HttpEngineSupport.putParameters(options, request.parameters());

    int[] counts = new int[3]; // prompt tokens, completion tokens, pieces seen
    FinishReason[] finish = {FinishReason.FINISH_REASON_UNSPECIFIED};
    http.postStreaming(
        endpoint,
        body,
        Map.of(),
        line -> {
          if (line.isBlank()) {
            return true;
          }
          JsonNode chunk = http.parse(line);
          if (chunk.path("error").isTextual()) {
            throw new EngineException("ollama: " + chunk.path("error").asText());
          }
          String piece = chunk.path("response").asText("");
          if (!piece.isEmpty()) {
            counts[2]++;
            sink.text(piece);
          }
          if (chunk.path("done").asBoolean(false)) {
            finish[0] =
                "length".equals(chunk.path("done_reason").asText())
                    ? FinishReason.FINISH_REASON_LENGTH
                    : FinishReason.FINISH_REASON_STOP;
            counts[0] = chunk.path("prompt_eval_count").asInt(0);
            counts[1] = chunk.path("eval_count").asInt(counts[2]);
            return false;
          }
          return !sink.cancelled();
        });
    if (finish[0] == FinishReason.FINISH_REASON_UNSPECIFIED && !sink.cancelled()) {
      throw new EngineException("ollama ended the stream without a final \"done\": true object");
    }
    return new GenerationResult(finish[0], counts[0], counts[1]);
  }
}
