package dev.switchboard.titancompute.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.switchboard.testing.FakeClock;
import dev.switchboard.titancompute.v1.PublicKeyResponse;
import io.grpc.Status;
import io.grpc.StatusException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class TokenVerifierTest {
  private final FakeClock clock = FakeClock.at(Instant.parse("2026-01-01T00:00:00Z"));
  private final List<ECKey> published = new ArrayList<>();
  private final AtomicInteger fetches = new AtomicInteger();
  private final TokenVerifier verifier =
      new TokenVerifier(
          "agent-1",
          () -> {
            fetches.incrementAndGet();
            List<com.nimbusds.jose.jwk.JWK> keys = new ArrayList<>();
            published.forEach(k -> keys.add(k.toPublicJWK()));
            return PublicKeyResponse.newBuilder().setJwksJson(new JWKSet(keys).toString()).build();
          },
          clock);

  private static ECKey key(String kid) throws Exception {
    return new ECKeyGenerator(Curve.P_256).keyID(kid).generate();
  }

  private final AtomicInteger ids = new AtomicInteger();

  private String token(ECKey key, String aud, String model, Duration ttl) throws Exception {
    return token(key, aud, model, ttl, "req-" + ids.incrementAndGet());
  }

  private String token(ECKey key, String aud, String model, Duration ttl, String jti)
      throws Exception {
    SignedJWT jwt =
        new SignedJWT(
            new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(key.getKeyID()).build(),
            new JWTClaimsSet.Builder()
                .subject("client")
                .audience(aud)
                .claim("model", model)
                .jwtID(jti)
                .expirationTime(Date.from(clock.instant().plus(ttl)))
                .build());
    jwt.sign(new ECDSASigner(key));
    return jwt.serialize();
  }

  private static Status.Code code(ThrowingCall call) {
    try {
      call.run();
    } catch (StatusException e) {
      return e.getStatus().getCode();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
    throw new AssertionError("token was accepted");
  }

  private interface ThrowingCall {
    void run() throws Exception;
  }

  @Test
  void acceptsAValidTokenAndCachesTheKey() throws Exception {
    ECKey coordinator = key("k1");
    published.add(coordinator);
    TokenVerifier.Grant grant =
        verifier.verify(
            token(coordinator, "agent-1", "llama3", Duration.ofSeconds(30), "req-1"), "llama3");
    assertThat(grant.requestId()).isEqualTo("req-1");
    assertThat(grant.clientId()).isEqualTo("client");
    verifier.verify(token(coordinator, "agent-1", "llama3", Duration.ofSeconds(30)), "llama3");
    assertThat(fetches).hasValue(1);
  }

  @Test
  void refusesForgedExpiredAndMalformedTokensAsUnauthenticated() throws Exception {
    ECKey coordinator = key("k1");
    published.add(coordinator);
    ECKey forger = key("k1"); // same key id, different key
    assertThat(
            code(() -> verifier.verify(token(forger, "agent-1", "m", Duration.ofSeconds(30)), "m")))
        .isEqualTo(Status.Code.UNAUTHENTICATED);
    assertThat(
            code(
                () ->
                    verifier.verify(
                        token(coordinator, "agent-1", "m", Duration.ofSeconds(-10)), "m")))
        .isEqualTo(Status.Code.UNAUTHENTICATED);
    assertThat(code(() -> verifier.verify("not-a-jwt", "m")))
        .isEqualTo(Status.Code.UNAUTHENTICATED);
    assertThat(code(() -> verifier.verify("", "m"))).isEqualTo(Status.Code.UNAUTHENTICATED);
    // An HMAC token must not be accepted, whatever it claims.
    SignedJWT hs =
        new SignedJWT(
            new JWSHeader.Builder(JWSAlgorithm.HS256).keyID("k1").build(),
            new JWTClaimsSet.Builder()
                .audience("agent-1")
                .claim("model", "m")
                .expirationTime(Date.from(clock.instant().plusSeconds(30)))
                .build());
    hs.sign(new MACSigner(new byte[32]));
    assertThat(code(() -> verifier.verify(hs.serialize(), "m")))
        .isEqualTo(Status.Code.UNAUTHENTICATED);
  }

  @Test
  void aTokenAdmitsOneStreamAndSpentIdsAreForgottenOnceTheyExpire() throws Exception {
    ECKey coordinator = key("k1");
    published.add(coordinator);
    String token = token(coordinator, "agent-1", "m", Duration.ofSeconds(10));
    // Verifying alone does not spend it (a request refused for a bad field keeps its token).
    verifier.verify(token, "m");
    verifier.spend(verifier.verify(token, "m"));
    TokenVerifier.Grant again = verifier.verify(token, "m");
    assertThatThrownBy(() -> verifier.spend(again))
        .isInstanceOfSatisfying(
            StatusException.class,
            e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
              assertThat(e.getStatus().getDescription())
                  .contains("already used")
                  .contains(again.requestId());
            });
    // A token without an id cannot be single-use, so it is refused.
    SignedJWT noId =
        new SignedJWT(
            new JWSHeader.Builder(JWSAlgorithm.ES256).keyID("k1").build(),
            new JWTClaimsSet.Builder()
                .audience("agent-1")
                .claim("model", "m")
                .expirationTime(Date.from(clock.instant().plusSeconds(30)))
                .build());
    noId.sign(new ECDSASigner(coordinator));
    assertThat(code(() -> verifier.verify(noId.serialize(), "m")))
        .isEqualTo(Status.Code.UNAUTHENTICATED);

    for (int i = 0; i < 50; i++) {
      verifier.spend(
          verifier.verify(token(coordinator, "agent-1", "m", Duration.ofSeconds(10)), "m"));
    }
    assertThat(verifier.spentTokens()).isEqualTo(51);
    // Past exp + skew the tokens fail the expiry check anyway, so their ids are purged.
    clock.advance(Duration.ofSeconds(10).plusMillis(TokenVerifier.SKEW_MILLIS + 1_001));
    verifier.spend(
        verifier.verify(token(coordinator, "agent-1", "m", Duration.ofSeconds(10)), "m"));
    assertThat(verifier.spentTokens()).isEqualTo(1);
  }

  @Test
  void tokenExpiresOnTheInjectedClock() throws Exception {
    ECKey coordinator = key("k1");
    published.add(coordinator);
    String token = token(coordinator, "agent-1", "m", Duration.ofSeconds(5));
    verifier.verify(token, "m");
    clock.advance(Duration.ofSeconds(5).plusMillis(TokenVerifier.SKEW_MILLIS + 1));
    assertThat(code(() -> verifier.verify(token, "m"))).isEqualTo(Status.Code.UNAUTHENTICATED);
  }

  @Test
  void refusesTokensForAnotherAgentOrModelAsPermissionDenied() throws Exception {
    ECKey coordinator = key("k1");
    published.add(coordinator);
    assertThat(
            code(
                () ->
                    verifier.verify(
                        token(coordinator, "agent-2", "m", Duration.ofSeconds(30)), "m")))
        .isEqualTo(Status.Code.PERMISSION_DENIED);
    assertThat(
            code(
                () ->
                    verifier.verify(
                        token(coordinator, "agent-1", "m", Duration.ofSeconds(30)), "other")))
        .isEqualTo(Status.Code.PERMISSION_DENIED);
  }

  @Test
  void refetchesKeysForANewKeyIdAtOnceButBoundsRefetchesForForgedOnes() throws Exception {
    ECKey first = key("k1");
    published.add(first);
    verifier.verify(token(first, "agent-1", "m", Duration.ofSeconds(30)), "m");
    // A rotation right after a fetch: the new key id is fetched at once.
    ECKey rotated = key("k2");
    published.add(rotated);
    verifier.verify(token(rotated, "agent-1", "m", Duration.ofSeconds(30)), "m");
    assertThat(fetches).hasValue(2);

    clock.advance(Duration.ofSeconds(2));
    ECKey unknown = key("bogus");
    String forged = token(unknown, "agent-1", "m", Duration.ofSeconds(30));
    for (int i = 0; i < 5; i++) {
      assertThat(code(() -> verifier.verify(forged, "m"))).isEqualTo(Status.Code.UNAUTHENTICATED);
    }
    assertThat(fetches).hasValue(3); // the same unknown id is asked about once a second at most
    for (int i = 0; i < 10; i++) {
      ECKey other = key("bogus-" + i);
      assertThat(
              code(
                  () -> verifier.verify(token(other, "agent-1", "m", Duration.ofSeconds(30)), "m")))
          .isEqualTo(Status.Code.UNAUTHENTICATED);
    }
    assertThat(fetches)
        .hasValue(2 + TokenVerifier.MAX_FETCHES_PER_SECOND); // and a few ids a second
  }
}
