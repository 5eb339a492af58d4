package dev.switchboard.titancompute.agent;

import java.util.List;
import java.util.Optional;

/**
 * Output an engine can give all at once, without waiting on anything: the agent then sends it
 * straight from the gRPC call's own thread as fast as flow control allows, instead of running a
 * worker thread that hands each piece over. Engines that block (HTTP, a paced demo) do not offer
 * it.
 */
record ImmediateOutput(List<String> pieces, GenerationResult result) {
  ImmediateOutput {
    pieces = List.copyOf(pieces);
  }

  /** Implemented by engines that can sometimes answer immediately. */
  interface Source {
    /** The whole output for {@code request}, or empty when it must be generated over time. */
    Optional<ImmediateOutput> immediate(GenerationRequest request);
  }
}
