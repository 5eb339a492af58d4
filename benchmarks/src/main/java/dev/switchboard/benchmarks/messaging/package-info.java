/**
 * The messaging side-by-side harness: {@link
 * dev.switchboard.benchmarks.messaging.MessagingSideBySide} runs the embedded hub (in its own JVM,
 * {@link dev.switchboard.benchmarks.messaging.MessagingServers}) and nats-server (its own process)
 * through the same scenarios in one run: pub/sub fan-out, a durable work queue, request/response
 * latency against a plain unary call, and dead-peer detection.
 */
@NullMarked
package dev.switchboard.benchmarks.messaging;

import org.jspecify.annotations.NullMarked;
