/**
 * The agent: serves AgentService, verifies the coordinator's tokens ({@code TokenVerifier}), runs
 * inference through an {@link dev.switchboard.titancompute.agent.InferenceEngine} (demo, Ollama or
 * OpenAI-compatible), limits concurrent streams ({@code StreamSlots}), and keeps itself registered
 * with the coordinator ({@code CoordinatorLink}), streaming OSHI host metrics as heartbeats.
 */
@NullMarked
package dev.switchboard.titancompute.agent;

import org.jspecify.annotations.NullMarked;
