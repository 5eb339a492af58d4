/**
 * Start-up time of {@code sb call} against the smallest Java program that makes the same call.
 *
 * <p>{@link dev.switchboard.benchmarks.startup.MinimalHealthCall} is the yardstick: one unary
 * {@code grpc.health.v1.Health/Check} with grpc-java's generated stubs and nothing else. {@link
 * dev.switchboard.benchmarks.startup.StartupServer} is the server both call, started once. {@code
 * benchmarks/startup.sh} runs them; the goal is sb's wall time at most 1.3 times the yardstick's.
 */
@NullMarked
package dev.switchboard.benchmarks.startup;

import org.jspecify.annotations.NullMarked;
