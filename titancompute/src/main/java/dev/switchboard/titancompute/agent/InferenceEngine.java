package dev.switchboard.titancompute.agent;

import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * Produces text for a prompt, piece by piece. {@link #generate} blocks on the calling thread, hands
 * each piece to the sink as soon as the engine produces it, and returns when the engine is done. A
 * cancelled request interrupts the calling thread; engines also stop when {@link
 * TokenSink#cancelled()} turns true.
 */
public interface InferenceEngine {
  /** The engine's kind as agents report it: {@code demo}, {@code ollama}, {@code openai}, ... */
  String kind();

  GenerationResult generate(GenerationRequest request, TokenSink sink)
      throws EngineException, InterruptedException;

  /** Receives output pieces in order. */
  interface TokenSink {
    void text(String piece);

    /** True once the client went away; the engine should stop soon. */
    boolean cancelled();
  }

  /**
   * The built-in engine: deterministic text that says it comes from a demo, one word per token,
   * {@code perToken} apart. It needs no model and ignores temperature.
   */
  static InferenceEngine demo(Duration perToken) {
    return new DemoEngine(perToken);
  }

  /**
   * Ollama's streaming {@code POST /api/generate} at {@code baseUrl} (e.g. http://127.0.0.1:11434).
   */
  static InferenceEngine ollama(URI baseUrl) {
    return new OllamaEngine(
        HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build(), baseUrl);
  }

  /**
   * An OpenAI-compatible streaming {@code POST /v1/chat/completions} at {@code baseUrl} (e.g.
   * http://127.0.0.1:8000); {@code apiKey} is sent as a bearer token when not null.
   */
  static InferenceEngine openAi(URI baseUrl, @Nullable String apiKey) {
    return new OpenAiEngine(
        HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build(), baseUrl, apiKey);
  }
}
