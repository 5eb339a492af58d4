package dev.switchboard.titancompute.agent;

import java.util.Map;

/** What an engine is asked to do, with the contract's defaults already applied. */
public record GenerationRequest(
    String model, String prompt, int maxTokens, float temperature, Map<String, String> parameters) {
  public GenerationRequest {
    parameters = Map.copyOf(parameters);
  }
}
