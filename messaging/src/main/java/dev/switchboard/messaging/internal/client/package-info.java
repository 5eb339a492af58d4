/**
 * The client side of the hub protocol: {@link
 * dev.switchboard.messaging.internal.client.HubTransport} keeps one session stream to the hub alive
 * (heartbeats, reconnects with backoff and jitter) and restores registrations and unanswered calls
 * on each new session.
 */
@NullMarked
package dev.switchboard.messaging.internal.client;

import org.jspecify.annotations.NullMarked;
