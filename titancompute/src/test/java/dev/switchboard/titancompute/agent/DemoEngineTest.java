package dev.switchboard.titancompute.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.titancompute.v1.FinishReason;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DemoEngineTest {
  private static List<String> run(GenerationRequest request, List<GenerationResult> results)
      throws Exception {
    List<String> pieces = new ArrayList<>();
    results.add(
        InferenceEngine.demo(Duration.ZERO)
            .generate(
                request,
                new InferenceEngine.TokenSink() {
                  @Override
                  public void text(String piece) {
                    pieces.add(piece);
                  }

                  @Override
                  public boolean cancelled() {
                    return false;
                  }
                }));
    return pieces;
  }

  @Test
  void isDeterministicSaysItIsADemoAndHonoursMaxTokens() throws Exception {
    GenerationRequest request =
        new GenerationRequest("llama3", "Why is the sky blue?", 100, 0.7f, Map.of());
    List<GenerationResult> results = new ArrayList<>();
    List<String> first = run(request, results);
    assertThat(run(request, results)).isEqualTo(first);
    String text = String.join("", first);
    assertThat(text).startsWith("[demo engine: no model was run]").contains("Why is the sky blue?");
    assertThat(results.get(0).finishReason()).isEqualTo(FinishReason.FINISH_REASON_STOP);
    assertThat(results.get(0).completionTokens()).isEqualTo(first.size());

    List<String> cut = run(new GenerationRequest("llama3", "hi", 5, 0.7f, Map.of()), results);
    assertThat(cut).hasSize(5);
    assertThat(results.get(2).finishReason()).isEqualTo(FinishReason.FINISH_REASON_LENGTH);
  }

  @Test
  void stopsWhenCancelled() throws Exception {
    List<String> pieces = new ArrayList<>();
    InferenceEngine.demo(Duration.ZERO)
        .generate(
            new GenerationRequest("m", "p", 100, 0.7f, Map.of()),
            new InferenceEngine.TokenSink() {
              @Override
              public void text(String piece) {
                pieces.add(piece);
              }

              @Override
              public boolean cancelled() {
                return pieces.size() >= 3;
              }
            });
    assertThat(pieces).hasSize(3);
  }
}
