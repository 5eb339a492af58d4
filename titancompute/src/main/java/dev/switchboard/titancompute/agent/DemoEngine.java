package dev.switchboard.titancompute.agent;

import dev.switchboard.titancompute.v1.FinishReason;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Deterministic stand-in for a model: the same request always yields the same words, and the text
 * says plainly that no model produced it.
 */
final class DemoEngine implements InferenceEngine, ImmediateOutput.Source {
  // Compiled once: String.split compiles a multi-character regex on every call.
  private static final Pattern WHITESPACE = Pattern.compile("\\s+");

  private final long perTokenNanos;

  DemoEngine(Duration perToken) {
    this.perTokenNanos = perToken.toNanos();
  }

  @Override
  public String kind() {
    return "demo";
  }

  @Override
  public GenerationResult generate(GenerationRequest request, TokenSink sink)
      throws InterruptedException {
    List<String> words = words(request);
    int n = Math.min(words.size(), request.maxTokens());
    int sent = 0;
    for (int i = 0; i < n && !sink.cancelled(); i++) {
      if (perTokenNanos > 0) {
        Thread.sleep(perTokenNanos / 1_000_000, (int) (perTokenNanos % 1_000_000));
      } else if (Thread.interrupted()) {
        throw new InterruptedException();
      }
      sink.text(i == 0 ? words.get(i) : " " + words.get(i));
      sent++;
    }
    return new GenerationResult(
        n < words.size() ? FinishReason.FINISH_REASON_LENGTH : FinishReason.FINISH_REASON_STOP,
        WHITESPACE.split(request.prompt()).length,
        sent);
  }

  /** Without a per-token delay there is nothing to wait for: the whole answer is known at once. */
  @Override
  public Optional<ImmediateOutput> immediate(GenerationRequest request) {
    if (perTokenNanos > 0) {
      return Optional.empty();
    }
    List<String> words = words(request);
    int n = Math.min(words.size(), request.maxTokens());
    List<String> pieces = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      pieces.add(i == 0 ? words.get(i) : " " + words.get(i));
    }
    return Optional.of(
        new ImmediateOutput(
            pieces,
            new GenerationResult(
                n < words.size()
                    ? FinishReason.FINISH_REASON_LENGTH
                    : FinishReason.FINISH_REASON_STOP,
                WHITESPACE.split(request.prompt()).length,
                n)));
  }

  static List<String> words(GenerationRequest request) {
    List<String> words = new ArrayList<>();
    add(words, "[demo engine: no model was run] Model '" + request.model() + "' would answer:");
    add(words, "you asked \"" + request.prompt().strip() + "\".");
    add(
        words,
        "TitanCompute routed this request through the coordinator, which chose this agent by"
            + " load, signed a token for it, and the agent streamed these words straight back to you,"
            + " one message per word.");
    return words;
  }

  private static void add(List<String> words, String text) {
    String stripped = text.strip();
    if (!stripped.isEmpty()) {
      words.addAll(Arrays.asList(WHITESPACE.split(stripped, -1)));
    }
  }
}
