/**
 * The NATS transport: core NATS for publish/subscribe, request/reply, broadcast and notification;
 * JetStream for work queues, held notifications and group membership. {@link
 * dev.switchboard.messaging.internal.nats.NatsTransport} maps each pattern; docs/messaging.md has
 * the table of what holds on NATS and how.
 */
@NullMarked
package dev.switchboard.messaging.internal.nats;

import org.jspecify.annotations.NullMarked;
