/**
 * The coordinator: agent registration and heartbeats ({@code AgentRegistry}), routing through a
 * pluggable {@link dev.switchboard.titancompute.coordinator.RoutingPolicy}, ES256 tokens with
 * rotating keys ({@code TokenIssuer}), system status and the HTML dashboard. {@link
 * dev.switchboard.titancompute.coordinator.Coordinator} assembles them on a Switchboard server.
 */
@NullMarked
package dev.switchboard.titancompute.coordinator;

import org.jspecify.annotations.NullMarked;
