/**
 * The client: {@link dev.switchboard.titancompute.client.TitanClient} asks the coordinator for a
 * route, then streams directly from the chosen agent, retrying the route once when the agent fails
 * before its first output; {@link dev.switchboard.titancompute.client.StatusTable} prints the
 * system status for people.
 */
@NullMarked
package dev.switchboard.titancompute.client;

import org.jspecify.annotations.NullMarked;
