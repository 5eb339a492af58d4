/**
 * Messaging over contracts: request/response, publish/subscribe, work queues, broadcast and
 * notification, on the embedded hub or on NATS.
 *
 * <p>A tour: {@link dev.switchboard.messaging.Messaging} is the client (one per process is
 * typical); it sends and receives {@link dev.switchboard.messaging.Message}s. Work-queue consumers
 * get {@link dev.switchboard.messaging.Delivery}s they acknowledge. Every registration (subscribe,
 * respond, consume, join, listen) returns a {@link dev.switchboard.messaging.Subscription} that the
 * client restores by itself after a reconnect. {@link dev.switchboard.messaging.MessagingHub} is
 * the embedded hub, a Switchboard server. {@link dev.switchboard.messaging.Liveness} is the
 * heartbeat rule (a peer silent for 3 intervals is dead) that both sides of every session use.
 * Transports plug in through {@link dev.switchboard.messaging.spi.Transport}.
 */
@NullMarked
package dev.switchboard.messaging;

import org.jspecify.annotations.NullMarked;
