/**
 * TitanCompute benchmarks: routing throughput and latency under 1,000 heartbeating agents against a
 * no-op unary call, and demo-engine token streaming against a raw server stream of the same
 * messages. {@link dev.switchboard.benchmarks.titan.TitanBench} is the entry point.
 */
@NullMarked
package dev.switchboard.benchmarks.titan;

import org.jspecify.annotations.NullMarked;
