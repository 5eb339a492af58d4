package dev.switchboard.titancompute.client;

import dev.switchboard.titancompute.v1.FinishReason;
import dev.switchboard.titancompute.v1.Usage;

/**
 * A finished inference: who served it, the whole text, and how it ended. {@code routes} is 2 when
 * the first agent failed before any output and the client asked for another route.
 */
public record InferenceResult(
    String agentId,
    String requestId,
    String text,
    Usage usage,
    FinishReason finishReason,
    int routes) {}
