package dev.switchboard.titancompute.agent;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.switchboard.titancompute.internal.Es256Verifier;
import dev.switchboard.titancompute.internal.TokenClaims;
import dev.switchboard.titancompute.v1.PublicKeyResponse;
import io.grpc.Status;
import io.grpc.StatusException;
import io.grpc.StatusRuntimeException;
import java.text.ParseException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Date;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks a routing token before any work: the ES256 signature against the coordinator's keys, then
 * expiry, then that it was issued for this agent and this model. Keys are cached by key id; an
 * unknown key id (after a rotation or a coordinator restart) triggers a refetch at once. So that
 * forged key ids cannot make the agent hammer the coordinator, a key id the coordinator did not
 * know is not asked about again for a second, and there are at most four refetches a second.
 */
final class TokenVerifier {
  private static final Logger log = LoggerFactory.getLogger(TokenVerifier.class);

  /** Tolerated clock difference between coordinator and agent. */
  static final long SKEW_MILLIS = 2_000;

  private static final long MISS_MEMORY_MILLIS = 1_000;
  static final int MAX_FETCHES_PER_SECOND = 4;

  /** Fetches the coordinator's current verification keys. */
  @FunctionalInterface
  interface KeySource {
    PublicKeyResponse fetch();
  }

  /** The verified claims the agent uses. */
  record Grant(String clientId, String requestId, String model, long expiresAtMillis) {}

  private final String agentId;
  private final KeySource keys;
  private final Clock clock;
  private final Map<String, Es256Verifier> verifiers = new ConcurrentHashMap<>();
  private final ArrayDeque<Long> recentFetches = new ArrayDeque<>(); // guarded by this
  private final Map<String, Long> recentMisses = new HashMap<>(); // guarded by this
  private final SpentTokens spent;

  TokenVerifier(String agentId, KeySource keys, Clock clock) {
    this.agentId = agentId;
    this.keys = keys;
    this.clock = clock;
    this.spent = new SpentTokens(clock);
  }

  Grant verify(String token, String model) throws StatusException {
    if (token.isEmpty()) {
      throw unauthenticated("token: missing; ask the coordinator's RequestInference for one");
    }
    SignedJWT jwt;
    JWTClaimsSet claims;
    try {
      jwt = SignedJWT.parse(token);
      claims = jwt.getJWTClaimsSet();
    } catch (ParseException e) {
      throw unauthenticated("token: not a signed JWT (" + e.getMessage() + ")");
    }
    if (!JWSAlgorithm.ES256.equals(jwt.getHeader().getAlgorithm())) {
      throw unauthenticated(
          "token: algorithm " + jwt.getHeader().getAlgorithm() + " is not accepted, only ES256");
    }
    String kid = jwt.getHeader().getKeyID();
    if (kid == null) {
      throw unauthenticated("token: no key id (kid) in the header");
    }
    Es256Verifier verifier = verifier(kid);
    try {
      if (!jwt.verify(verifier)) {
        throw unauthenticated("token: signature does not verify with the coordinator's key " + kid);
      }
    } catch (JOSEException e) {
      throw unauthenticated("token: signature cannot be checked: " + e.getMessage());
    }
    Date expiry = claims.getExpirationTime();
    if (expiry == null) {
      throw unauthenticated("token: no expiry (exp)");
    }
    Instant exp = expiry.toInstant();
    long now = clock.millis();
    if (exp.toEpochMilli() + SKEW_MILLIS < now) {
      throw unauthenticated("token: expired " + (now - exp.toEpochMilli()) / 1000 + " s ago");
    }
    if (claims.getAudience() == null || !claims.getAudience().contains(agentId)) {
      throw Status.PERMISSION_DENIED
          .withDescription(
              "token: issued for agent " + claims.getAudience() + ", this is agent " + agentId)
          .asException();
    }
    Object tokenModel = claims.getClaim(TokenClaims.MODEL);
    if (!model.equals(tokenModel)) {
      throw Status.PERMISSION_DENIED
          .withDescription(
              "token: issued for model '" + tokenModel + "', the request asks for '" + model + "'")
          .asException();
    }
    String jti = claims.getJWTID();
    if (jti == null || jti.isEmpty()) {
      throw unauthenticated("token: no id (jti); tokens are single-use and need one");
    }
    String subject = claims.getSubject() == null ? "" : claims.getSubject();
    return new Grant(subject, jti, model, exp.toEpochMilli());
  }

  /**
   * Spends the token: the first stream it admits is the only one. Called once the request itself is
   * valid, so a request refused for a bad field does not use up its token.
   */
  void spend(Grant grant) throws StatusException {
    if (!spent.spend(grant.requestId(), grant.expiresAtMillis() + SKEW_MILLIS)) {
      throw unauthenticated(
          "token: already used (jti "
              + grant.requestId()
              + "); a token admits one stream, ask the coordinator's RequestInference for a new one");
    }
  }

  /** How many spent token ids are remembered (they are forgotten once their tokens expire). */
  int spentTokens() {
    return spent.size();
  }

  private Es256Verifier verifier(String kid) throws StatusException {
    Es256Verifier verifier = verifiers.get(kid);
    if (verifier != null) {
      return verifier;
    }
    refetch(kid);
    verifier = verifiers.get(kid);
    if (verifier == null) {
      throw unauthenticated(
          "token: signed with key " + kid + ", which the coordinator does not know");
    }
    return verifier;
  }

  private synchronized void refetch(String kid) throws StatusException {
    if (verifiers.containsKey(kid)) {
      return;
    }
    long now = clock.millis();
    Long missed = recentMisses.get(kid);
    if (missed != null && now - missed < MISS_MEMORY_MILLIS) {
      return;
    }
    while (!recentFetches.isEmpty() && now - recentFetches.peekFirst() >= 1_000) {
      recentFetches.pollFirst();
    }
    if (recentFetches.size() >= MAX_FETCHES_PER_SECOND) {
      return;
    }
    recentFetches.addLast(now);
    PublicKeyResponse response;
    try {
      response = keys.fetch();
    } catch (StatusRuntimeException e) {
      throw Status.UNAVAILABLE
          .withDescription(
              "cannot fetch the coordinator's keys to check token key "
                  + kid
                  + ": "
                  + e.getStatus().getCode()
                  + " "
                  + e.getStatus().getDescription())
          .asException();
    }
    try {
      for (JWK jwk : JWKSet.parse(response.getJwksJson()).getKeys()) {
        if (jwk instanceof ECKey ec && jwk.getKeyID() != null) {
          // Built once per key id: the decoded point carries BouncyCastle's cached tables.
          if (!verifiers.containsKey(jwk.getKeyID())) {
            verifiers.put(jwk.getKeyID(), new Es256Verifier(ec));
          }
        }
      }
    } catch (ParseException | JOSEException e) {
      throw Status.UNAVAILABLE
          .withDescription("the coordinator's key set cannot be read: " + e.getMessage())
          .asException();
    }
    if (!verifiers.containsKey(kid)) {
      if (recentMisses.size() > 1000) {
        recentMisses.clear(); // forged ids only; forgetting them costs at most a few fetches
      }
      recentMisses.put(kid, now);
    }
    log.debug("fetched coordinator keys; now know {}", verifiers.keySet());
  }

  private static StatusException unauthenticated(String message) {
    return Status.UNAUTHENTICATED.withDescription(message).asException();
  }
}
