package dev.switchboard.titancompute.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.titancompute.v1.InferenceRequest;
import dev.switchboard.titancompute.v1.StreamRequest;
import io.grpc.Status;
import org.junit.jupiter.api.Test;

class InferenceRulesTest {
  private static InferenceRequest.Builder valid() {
    return InferenceRequest.newBuilder().setClientId("c").setModel("m").setPrompt("hello");
  }

  private static String problem(InferenceRequest request) {
    Status status = InferenceRules.check(request).orElseThrow();
    assertThat(status.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    return status.getDescription();
  }

  @Test
  void acceptsValidRequestsIncludingTemperatureZeroAndBounds() {
    assertThat(InferenceRules.check(valid().build())).isEmpty();
    assertThat(InferenceRules.check(valid().setTemperature(0f).build())).isEmpty();
    assertThat(InferenceRules.check(valid().setTemperature(2f).setMaxTokens(1).build())).isEmpty();
  }

  @Test
  void namesTheFieldOfEachProblem() {
    assertThat(problem(valid().setPrompt("").build())).startsWith("prompt:");
    assertThat(problem(valid().setPrompt("   ").build())).startsWith("prompt:");
    assertThat(problem(valid().setModel("").build())).startsWith("model:");
    assertThat(problem(valid().setMaxTokens(0).build()))
        .isEqualTo("max_tokens: must be greater than 0 when set, got 0");
    assertThat(problem(valid().setMaxTokens(-5).build())).startsWith("max_tokens:");
    assertThat(problem(valid().setTemperature(2.01f).build())).startsWith("temperature:");
    assertThat(problem(valid().setTemperature(-0.1f).build())).startsWith("temperature:");
    assertThat(problem(valid().setTemperature(Float.NaN).build())).startsWith("temperature:");
  }

  @Test
  void appliesTheContractDefaultsOnlyWhenUnset() {
    StreamRequest unset = StreamRequest.newBuilder().setModel("m").setPrompt("p").build();
    assertThat(InferenceRules.maxTokens(unset)).isEqualTo(100);
    assertThat(InferenceRules.temperature(unset)).isEqualTo(0.7f);
    StreamRequest zero = unset.toBuilder().setTemperature(0f).setMaxTokens(7).build();
    assertThat(InferenceRules.temperature(zero)).isEqualTo(0f);
    assertThat(InferenceRules.maxTokens(zero)).isEqualTo(7);
    assertThat(
            InferenceRules.check(unset.toBuilder().setMaxTokens(0).build())
                .orElseThrow()
                .getDescription())
        .startsWith("max_tokens:");
  }
}
