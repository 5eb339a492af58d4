package dev.switchboard.titancompute.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** Our ES256 signer and verifier against nimbus's stock JCA ones, both ways. */
class Es256Test {
  private final ECKey key = newKey("k1");
  private final ECKey other = newKey("k2");

  @Test
  void stockVerifierAcceptsOurSignatures() throws Exception {
    Es256Signer signer = new Es256Signer(key);
    for (int i = 0; i < 20; i++) {
      SignedJWT jwt = jwt("client-" + i);
      jwt.sign(signer);
      assertThat(jwt.getSignature().decode()).hasSize(64); // R || S, not DER
      SignedJWT parsed = SignedJWT.parse(jwt.serialize());
      assertThat(parsed.verify(new ECDSAVerifier(key.toPublicJWK()))).isTrue();
      assertThat(parsed.verify(new ECDSAVerifier(other.toPublicJWK()))).isFalse();
      assertThat(parsed.getJWTClaimsSet().getSubject()).isEqualTo("client-" + i);
    }
  }

  @Test
  void ourVerifierAcceptsStockSignatures() throws Exception {
    Es256Verifier verifier = new Es256Verifier(key.toPublicJWK());
    for (int i = 0; i < 20; i++) {
      SignedJWT jwt = jwt("client-" + i);
      jwt.sign(new ECDSASigner(key));
      assertThat(SignedJWT.parse(jwt.serialize()).verify(verifier)).isTrue();
      assertThat(SignedJWT.parse(jwt.serialize()).verify(new Es256Verifier(other))).isFalse();
    }
  }

  @Test
  void tamperedTokensFailWithBothVerifiers() throws Exception {
    SignedJWT jwt = jwt("alice");
    jwt.sign(new Es256Signer(key));
    String[] parts = jwt.serialize().split("\\.");
    String otherPayload =
        Base64URL.encode(
                jwt.getPayload()
                    .toString()
                    .replace("alice", "mallory")
                    .getBytes(StandardCharsets.UTF_8))
            .toString();
    byte[] sig = Base64URL.from(parts[2]).decode();
    sig[10] ^= 1;
    byte[] sigR0 = Base64URL.from(parts[2]).decode();
    java.util.Arrays.fill(sigR0, 0, 32, (byte) 0);
    List<String> tampered =
        List.of(
            parts[0] + "." + otherPayload + "." + parts[2],
            parts[0] + "." + parts[1] + "." + Base64URL.encode(sig),
            parts[0] + "." + parts[1] + "." + Base64URL.encode(sigR0),
            parts[0]
                + "."
                + parts[1]
                + "."
                + Base64URL.encode(java.util.Arrays.copyOf(Base64URL.from(parts[2]).decode(), 63)));
    ECDSAVerifier stock = new ECDSAVerifier(key.toPublicJWK());
    Es256Verifier ours = new Es256Verifier(key.toPublicJWK());
    assertThat(SignedJWT.parse(jwt.serialize()).verify(ours)).isTrue();
    for (String token : tampered) {
      assertThat(verifies(token, ours)).as(token).isFalse();
      assertThat(verifies(token, stock)).as(token).isFalse();
    }
  }

  @Test
  void criticalHeaderParametersAreRejected() throws Exception {
    JWSObject jws =
        new JWSObject(
            new JWSHeader.Builder(JWSAlgorithm.ES256)
                .keyID("k1")
                .criticalParams(Set.of("exp"))
                .customParam("exp", 1)
                .build(),
            new Payload("{}"));
    jws.sign(new Es256Signer(key));
    assertThat(JWSObject.parse(jws.serialize()).verify(new Es256Verifier(key))).isFalse();
  }

  @Test
  void refusesOtherAlgorithmsAndCurves() throws Exception {
    JWSHeader es384 = new JWSHeader(JWSAlgorithm.ES384);
    assertThatThrownBy(() -> new Es256Signer(key).sign(es384, new byte[1]))
        .isInstanceOf(JOSEException.class)
        .hasMessageContaining("ES384");
    ECKey p384 = new ECKeyGenerator(Curve.P_384).keyID("p384").generate();
    assertThatThrownBy(() -> new Es256Signer(p384)).hasMessageContaining("P-384");
    assertThatThrownBy(() -> new Es256Verifier(p384)).hasMessageContaining("P-384");
    assertThatThrownBy(() -> new Es256Signer(key.toPublicJWK()))
        .hasMessageContaining("no private part");
  }

  @Test
  void sharedSignerAndVerifierAreSafeAcrossThreads() throws Exception {
    Es256Signer signer = new Es256Signer(key);
    Es256Verifier verifier = new Es256Verifier(key.toPublicJWK());
    ECDSAVerifier stock = new ECDSAVerifier(key.toPublicJWK());
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<Boolean>> results = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        int thread = t;
        results.add(
            pool.submit(
                () -> {
                  boolean ok = true;
                  for (int i = 0; i < 50; i++) {
                    SignedJWT jwt = jwt("t" + thread + "-" + i);
                    jwt.sign(signer);
                    String token = jwt.serialize();
                    ok &= verifies(token, verifier) && verifies(token, stock);
                  }
                  return ok;
                }));
      }
      for (Future<Boolean> result : results) {
        assertThat(result.get()).isTrue();
      }
    } finally {
      pool.shutdownNow();
    }
  }

  private static boolean verifies(String token, com.nimbusds.jose.JWSVerifier verifier)
      throws Exception {
    return JWSObject.parse(token).verify(verifier);
  }

  private static SignedJWT jwt(String subject) {
    return new SignedJWT(
        new JWSHeader.Builder(JWSAlgorithm.ES256).keyID("k1").type(JOSEObjectType.JWT).build(),
        new JWTClaimsSet.Builder()
            .issuer(TokenClaims.ISSUER)
            .subject(subject)
            .audience("agent-1")
            .build());
  }

  private static ECKey newKey(String kid) {
    try {
      return new ECKeyGenerator(Curve.P_256).keyID(kid).generate();
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }
}
