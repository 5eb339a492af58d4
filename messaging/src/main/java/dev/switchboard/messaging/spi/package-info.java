/**
 * The transport SPI: what a transport must do for {@link dev.switchboard.messaging.Messaging} to
 * offer the five patterns on it. The embedded hub's client and the NATS transport implement it.
 *
 * <p>The split follows the seed's layers: a transport moves bytes and keeps the delivery promises
 * that need the other side (routing, acknowledgements, redelivery, liveness, reconnects); the
 * {@code Messaging} client above it adds what is the same on every transport: validation, the
 * subscriber's own bounded buffer, running handlers off the transport's threads, and mapping
 * handler failures to statuses.
 */
@NullMarked
package dev.switchboard.messaging.spi;

import org.jspecify.annotations.NullMarked;
