/**
 * Rules that the coordinator, the agent and the client must apply identically: request defaults and
 * validation, the names of the token claims, and the ES256 signer and verifier both sides use. Not
 * part of the module's API.
 */
@NullMarked
package dev.switchboard.titancompute.internal;

import org.jspecify.annotations.NullMarked;
