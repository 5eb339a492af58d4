package dev.switchboard.titancompute.internal;

import dev.switchboard.titancompute.v1.InferenceRequest;
import dev.switchboard.titancompute.v1.StreamRequest;
import io.grpc.Status;
import java.util.Optional;

/**
 * Defaults and validation for inference requests. The coordinator checks a request before routing
 * it and the agent checks it again before any work, because clients may call the agent directly.
 */
public final class InferenceRules {
  /** The contract's default for an unset {@code max_tokens}. */
  public static final int DEFAULT_MAX_TOKENS = 100;

  /** The contract's default for an unset {@code temperature}. */
  public static final float DEFAULT_TEMPERATURE = 0.7f;

  public static final float MAX_TEMPERATURE = 2.0f;

  private InferenceRules() {}

  /** The first problem with a routing request, as INVALID_ARGUMENT naming the field. */
  public static Optional<Status> check(InferenceRequest request) {
    if (request.getModel().isBlank()) {
      return invalid("model", "must not be empty");
    }
    return check(
        request.getPrompt(),
        request.hasMaxTokens(),
        request.getMaxTokens(),
        request.hasTemperature(),
        request.getTemperature());
  }

  /** The first problem with a stream request, as INVALID_ARGUMENT naming the field. */
  public static Optional<Status> check(StreamRequest request) {
    if (request.getModel().isBlank()) {
      return invalid("model", "must not be empty");
    }
    return check(
        request.getPrompt(),
        request.hasMaxTokens(),
        request.getMaxTokens(),
        request.hasTemperature(),
        request.getTemperature());
  }

  private static Optional<Status> check(
      String prompt,
      boolean hasMaxTokens,
      int maxTokens,
      boolean hasTemperature,
      float temperature) {
    if (prompt.isBlank()) {
      return invalid("prompt", "must not be empty");
    }
    if (hasMaxTokens && maxTokens <= 0) {
      return invalid("max_tokens", "must be greater than 0 when set, got " + maxTokens);
    }
    // NaN fails both comparisons, so test for the valid range rather than the invalid one.
    if (hasTemperature && !(temperature >= 0f && temperature <= MAX_TEMPERATURE)) {
      return invalid("temperature", "must be within [0, 2], got " + temperature);
    }
    return Optional.empty();
  }

  public static int maxTokens(StreamRequest request) {
    return request.hasMaxTokens() ? request.getMaxTokens() : DEFAULT_MAX_TOKENS;
  }

  public static float temperature(StreamRequest request) {
    return request.hasTemperature() ? request.getTemperature() : DEFAULT_TEMPERATURE;
  }

  private static Optional<Status> invalid(String field, String problem) {
    return Optional.of(Status.INVALID_ARGUMENT.withDescription(field + ": " + problem));
  }
}
