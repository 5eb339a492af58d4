package dev.switchboard.titancompute.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.titancompute.v1.FinishReason;
import java.net.URI;
import java.net.http.HttpClient;
import java.util.HashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * OpenAI-compatible {@code POST /v1/chat/completions} with {@code "stream": true}: server-sent
 * events, each {@code data: {chunk}} carrying {@code choices[0].delta.content} and, at the end,
 * {@code finish_reason}; {@code stream_options.include_usage} adds a last chunk with {@code usage}
 * and no choices; {@code data: [DONE]} ends the stream.
 */
final class OpenAiEngine implements InferenceEngine {
  private final HttpEngineSupport http;
  private final URI endpoint;
  private final @Nullable String apiKey;

  OpenAiEngine(HttpClient client, URI baseUrl, @Nullable String apiKey) {
    this.http = new HttpEngineSupport(client, "openai");
    this.endpoint = HttpEngineSupport.resolve(baseUrl, "/v1/chat/completions");
    this.apiKey = apiKey;
  }

  @Override
  public String kind() {
    return "openai";
  }

  @Override
  public GenerationResult generate(GenerationRequest request, TokenSink sink)
      throws EngineException, InterruptedException {
    ObjectNode body = HttpEngineSupport.JSON.createObjectNode();
    body.put("model", request.model());
    ObjectNode message = body.putArray("messages").addObject();
    message.put("role", "user");
    message.put("content", request.prompt());
    body.put("max_tokens", request.maxTokens());
    body.put("temperature", request.temperature());
    body.put("stream", true);
    body.putObject("stream_options").put("include_usage", true);
    HttpEngineSupport.putParameters(body, request.parameters());
    Map<String, String> headers = new HashMap<>();
    headers.put("Accept", "text/event-stream");
    if (apiKey != null) {
      headers.put("Authorization", "Bearer " + apiKey);
    }

    int[] counts = new int[3]; // prompt tokens, completion tokens, pieces seen
    FinishReason[] finish = {FinishReason.FINISH_REASON_UNSPECIFIED};
    boolean[] done = {false};
    http.postStreaming(
        endpoint,
        body,
        headers,
        line -> {
          // SSE: only "data:" fields matter here; comments (":"), event names and blank separators
          // do not.
          if (!line.startsWith("data:")) {
            return true;
          }
          String data = line.substring(5).strip();
          if (data.equals("[DONE]")) {
            done[0] = true;
            return false;
          }
          JsonNode chunk = http.parse(data);
          if (chunk.has("error")) {
            throw new EngineException(
                "openai: " + HttpEngineSupport.errorMessage(chunk.toString()));
          }
          JsonNode choice = chunk.path("choices").path(0);
          String piece = choice.path("delta").path("content").asText("");
          if (!piece.isEmpty()) {
            counts[2]++;
            sink.text(piece);
          }
          String reason = choice.path("finish_reason").asText("");
          if (!reason.isEmpty() && !reason.equals("null")) {
            finish[0] =
                reason.equals("length")
                    ? FinishReason.FINISH_REASON_LENGTH
                    : FinishReason.FINISH_REASON_STOP;
          }
          JsonNode usage = chunk.path("usage");
          if (usage.isObject()) {
            counts[0] = usage.path("prompt_tokens").asInt(0);
            counts[1] = usage.path("completion_tokens").asInt(counts[2]);
          }
          return !sink.cancelled();
        });
    if (!done[0] && !sink.cancelled()) {
      throw new EngineException("the openai engine ended the stream without \"data: [DONE]\"");
    }
    int completion = counts[1] > 0 ? counts[1] : counts[2];
    FinishReason reason =
        finish[0] == FinishReason.FINISH_REASON_UNSPECIFIED
            ? FinishReason.FINISH_REASON_STOP
            : finish[0];
    return new GenerationResult(reason, counts[0], completion);
  }
}
