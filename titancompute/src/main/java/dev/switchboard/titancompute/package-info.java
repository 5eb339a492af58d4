/**
 * TitanCompute: distributed LLM inference on Switchboard's runtime.
 *
 * <p>{@link dev.switchboard.titancompute.TitanMain} is the {@code bin/titan} entry point. The
 * coordinator ({@code coordinator}), the agent ({@code agent}) and the client ({@code client}) live
 * in their own packages; the wire contract is {@code titancompute.proto}, compiled at build time
 * into {@code dev.switchboard.titancompute.v1}.
 */
@NullMarked
package dev.switchboard.titancompute;

import org.jspecify.annotations.NullMarked;
