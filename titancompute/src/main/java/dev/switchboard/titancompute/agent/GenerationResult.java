package dev.switchboard.titancompute.agent;

import dev.switchboard.titancompute.v1.FinishReason;

/**
 * How a generation ended. Token counts are the engine's own when it reports them, else estimates.
 */
public record GenerationResult(FinishReason finishReason, int promptTokens, int completionTokens) {}
