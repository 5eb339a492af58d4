/**
 * Rules that the coordinator, the agent and the client must apply identically: request defaults
 * and validation, and the names of the token claims. Not part of the module's API.
 */
@NullMarked
package dev.switchboard.titancompute.internal;

import org.jspecify.annotations.NullMarked;
