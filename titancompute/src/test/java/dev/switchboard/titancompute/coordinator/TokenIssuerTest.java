package dev.switchboard.titancompute.coordinator;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jwt.SignedJWT;
import dev.switchboard.testing.FakeClock;
import dev.switchboard.titancompute.v1.PublicKeyResponse;
import java.security.KeyFactory;
import java.security.interfaces.ECPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class TokenIssuerTest {
  private final FakeClock clock = FakeClock.at(Instant.parse("2026-01-01T00:00:00Z"));
  private final TokenIssuer issuer = new TokenIssuer(clock, Duration.ofSeconds(30));

  @Test
  void signsEs256TokensCarryingTheRoutingDecision() throws Exception {
    TokenIssuer.Token token = issuer.issue("client-7", "agent-1", "llama3", "req-42");
    SignedJWT jwt = SignedJWT.parse(token.jwt());
    assertThat(jwt.getHeader().getAlgorithm().getName()).isEqualTo("ES256");
    assertThat(jwt.getHeader().getKeyID()).isEqualTo(issuer.currentKeyId());
    assertThat(jwt.getJWTClaimsSet().getSubject()).isEqualTo("client-7");
    assertThat(jwt.getJWTClaimsSet().getAudience()).containsExactly("agent-1");
    assertThat(jwt.getJWTClaimsSet().getClaim("model")).isEqualTo("llama3");
    assertThat(jwt.getJWTClaimsSet().getJWTID()).isEqualTo("req-42");
    assertThat(jwt.getJWTClaimsSet().getExpirationTime().toInstant())
        .isEqualTo(Instant.parse("2026-01-01T00:00:30Z"));
    assertThat(token.expiresAtUnixSeconds())
        .isEqualTo(Instant.parse("2026-01-01T00:00:30Z").getEpochSecond());

    PublicKeyResponse keys = issuer.publicKeys("");
    ECKey jwk = (ECKey) JWKSet.parse(keys.getJwksJson()).getKeyByKeyId(issuer.currentKeyId());
    assertThat(jwk.isPrivate()).isFalse();
    assertThat(jwt.verify(new ECDSAVerifier(jwk))).isTrue();
    // The PEM form verifies too, for clients without a JWK library.
    String pem = keys.getKeys(0).getPem().replaceAll("-----[A-Z ]+-----|\\s", "");
    ECPublicKey fromPem =
        (ECPublicKey)
            KeyFactory.getInstance("EC")
                .generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(pem)));
    assertThat(jwt.verify(new ECDSAVerifier(fromPem))).isTrue();
  }

  @Test
  void claimsWithQuotesBackslashesControlCharactersAndNonAsciiSurviveTheRoundTrip()
      throws Exception {
    String client = "o\"brien\\x\n\t\u0001 na\u00efve \u6f22\ud83d\ude80";
    String model = "m\"}, \"aud\": \"evil";
    TokenIssuer.Token token = issuer.issue(client, "agent-1", model, "req-1");
    SignedJWT jwt = SignedJWT.parse(token.jwt());
    assertThat(jwt.getJWTClaimsSet().getSubject()).isEqualTo(client);
    assertThat(jwt.getJWTClaimsSet().getClaim("model")).isEqualTo(model);
    assertThat(jwt.getJWTClaimsSet().getAudience()).containsExactly("agent-1");
    assertThat(jwt.getJWTClaimsSet().getIssuer()).isEqualTo("titancompute-coordinator");
    assertThat(jwt.getJWTClaimsSet().getIssueTime().toInstant())
        .isEqualTo(Instant.parse("2026-01-01T00:00:00Z"));
    ECKey jwk =
        (ECKey)
            JWKSet.parse(issuer.publicKeys("").getJwksJson()).getKeyByKeyId(issuer.currentKeyId());
    assertThat(jwt.verify(new ECDSAVerifier(jwk))).isTrue();
  }

  @Test
  void rotationKeepsTheOldKeyUntilItsTokensExpire() throws Exception {
    String first = issuer.currentKeyId();
    TokenIssuer.Token old = issuer.issue("c", "a", "m", "r1");
    String second = issuer.rotate();
    assertThat(second).isNotEqualTo(first);
    assertThat(SignedJWT.parse(issuer.issue("c", "a", "m", "r2").jwt()).getHeader().getKeyID())
        .isEqualTo(second);
    PublicKeyResponse keys = issuer.publicKeys("");
    assertThat(keys.getCurrentKeyId()).isEqualTo(second);
    assertThat(keys.getKeysList()).extracting(k -> k.getKeyId()).containsExactly(second, first);
    assertThat(issuer.publicKeys(first).getKeysCount()).isEqualTo(1);
    assertThat(
            SignedJWT.parse(old.jwt())
                .verify(
                    new ECDSAVerifier(
                        (ECKey)
                            JWKSet.parse(issuer.publicKeys(first).getJwksJson()).getKeys().get(0))))
        .isTrue();

    clock.advance(Duration.ofMinutes(5));
    assertThat(issuer.publicKeys("").getKeysList())
        .extracting(k -> k.getKeyId())
        .containsExactly(second);
  }
}
