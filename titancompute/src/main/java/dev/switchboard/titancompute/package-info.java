/**
 * TitanCompute: distributed LLM inference on Switchboard's runtime, as a library.
 *
 * <p>The coordinator ({@code coordinator}), the agent ({@code agent}) and the client ({@code
 * client}) live in their own packages; the wire contract is {@code titancompute.proto}, compiled at
 * build time into {@code dev.switchboard.titancompute.v1}. The library logs through the SLF4J API
 * only and changes no process-wide state; {@code bin/titan}, its command line, lives in the cli
 * module ({@code dev.switchboard.cli.titan}).
 */
@NullMarked
package dev.switchboard.titancompute;

import org.jspecify.annotations.NullMarked;
