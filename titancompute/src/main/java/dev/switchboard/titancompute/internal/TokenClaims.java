package dev.switchboard.titancompute.internal;

/**
 * The JWT layout shared by the coordinator (which signs) and the agents (which verify). Standard
 * claims carry the routing decision: {@code sub} is the client, {@code aud} the agent, {@code jti}
 * the request id; {@code model} is ours.
 */
public final class TokenClaims {
  public static final String ISSUER = "titancompute-coordinator";
  public static final String MODEL = "model";

  private TokenClaims() {}
}
