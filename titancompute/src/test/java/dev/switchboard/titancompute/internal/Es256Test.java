package dev.switchboard.titancompute.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.Signature;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.bouncycastle.crypto.signers.HMacDSAKCalculator;
import org.bouncycastle.util.BigIntegers;
import org.junit.jupiter.api.Test;

/**
 * Our ES256 signer and verifier against published vectors and against implementations nobody here
 * wrote: RFC 6979's appendix A.2.5, the JDK's {@code SHA256withECDSA}, nimbus's JCA-based {@code
 * ECDSASigner}/{@code ECDSAVerifier}, and BouncyCastle's own RFC 6979 {@code ECDSASigner}.
 */
class Es256Test {
  private static final HexFormat HEX = HexFormat.of().withUpperCase();
  private static final BigInteger N = P256.domain().getN();

  /** RFC 6979, appendix A.2.5: the P-256 key. */
  private static final String RFC_X =
      "C9AFA9D845BA75166B5C215767B1D6934E50C3DB36E89B127B8A622B120F6721";

  private static final String RFC_UX =
      "60FED4BA255A9D31C961EB74C6356D68C049B8923B61FA6CE669622E60F29FB6";
  private static final String RFC_UY =
      "7903FE1008B8BC99A41AE9E95628BC64F2F1B20C2D7E9F5177A3C294D4462299";

  /** RFC 6979, appendix A.2.5, "With SHA-256": k, r and s for the messages "sample" and "test". */
  private static final String SAMPLE_K =
      "A6E3C57DD01ABE90086538398355DD4C3B17AA873382B0F24D6129493D8AAD60";

  private static final String SAMPLE_R =
      "EFD48B2AACB6A8FD1140DD9CD45E81D69D2C877B56AAF991C34D0EA84EAF3716";
  private static final String SAMPLE_S =
      "F7CB1C942D657C41D436C7A1B6E29F65F3E900DBB9AFF4064DC4AB2F843ACDA8";
  private static final String TEST_K =
      "D16B6AE827F17175E040871A1C7EC3500192C4C92677336EC2537ACAEE0008E0";
  private static final String TEST_R =
      "F1ABB023518351CD71D881567B1EA663ED3EFCF6C5132B354F28D3B0B7D38367";
  private static final String TEST_S =
      "019F4113742A2B14BD25926B49C649155F267E60D3814B4C0CC84250E46F0083";

  private final ECKey key = newKey("k1");
  private final ECKey other = newKey("k2");

  @Test
  void reproducesTheRfc6979P256Sha256SignaturesByteForByte() throws Exception {
    ECKey rfcKey = rfcKey();
    Es256Signer signer = new Es256Signer(rfcKey);
    assertThat(HEX.formatHex(signer.sign(ascii("sample")))).isEqualTo(SAMPLE_R + SAMPLE_S);
    assertThat(HEX.formatHex(signer.sign(ascii("test")))).isEqualTo(TEST_R + TEST_S);
    // The nonces behind them, as BouncyCastle's calculator derives them on the JDK's SHA-256.
    assertThat(nonce(rfcKey, "sample")).isEqualTo(new BigInteger(SAMPLE_K, 16));
    assertThat(nonce(rfcKey, "test")).isEqualTo(new BigInteger(TEST_K, 16));
    // And the published signatures verify with the published public key, in both verifiers.
    for (String[] vector :
        new String[][] {{"sample", SAMPLE_R + SAMPLE_S}, {"test", TEST_R + TEST_S}}) {
      byte[] rs = HEX.parseHex(vector[1]);
      assertThat(new Es256Verifier(rfcKey.toPublicJWK()).verify(ascii(vector[0]), rs)).isTrue();
      assertThat(jdkVerifies(rfcKey, ascii(vector[0]), rs)).isTrue();
    }
  }

  @Test
  void signaturesForRandomKeysAndMessagesVerifyWithTheJdkAndNimbus() throws Exception {
    Random random = new Random(6979);
    for (int i = 0; i < 25; i++) {
      ECKey signingKey = newKey("random-" + i);
      Es256Signer signer = new Es256Signer(signingKey);
      ECDSAVerifier nimbus = new ECDSAVerifier(signingKey.toPublicJWK());
      Es256Verifier ours = new Es256Verifier(signingKey.toPublicJWK());
      for (int m = 0; m < 4; m++) {
        byte[] message = new byte[random.nextInt(600)];
        random.nextBytes(message);
        byte[] rs = signer.sign(message);
        String where = "key " + i + ", message " + HEX.formatHex(message);
        assertThat(rs).as(where).hasSize(64);
        assertThat(jdkVerifies(signingKey, message, rs)).as(where).isTrue();
        assertThat(nimbus.verify(new JWSHeader(JWSAlgorithm.ES256), message, Base64URL.encode(rs)))
            .as(where)
            .isTrue();
        assertThat(ours.verify(message, rs)).as(where).isTrue();
        // Deterministic: the same input signs the same, and exactly as BouncyCastle's own
        // RFC 6979 signer (its SHA-256, its comb multiplier) does.
        assertThat(signer.sign(message)).as(where).isEqualTo(rs);
        assertThat(bouncyCastleSignature(signingKey, message)).as(where).isEqualTo(rs);
      }
    }
  }

  @Test
  void jwtsSignedByUsVerifyWithNimbusAndTheirsWithUs() throws Exception {
    Es256Signer signer = new Es256Signer(key);
    Es256Verifier verifier = new Es256Verifier(key.toPublicJWK());
    for (int i = 0; i < 20; i++) {
      SignedJWT ours = jwt("client-" + i);
      ours.sign(signer);
      SignedJWT parsed = SignedJWT.parse(ours.serialize());
      assertThat(parsed.verify(new ECDSAVerifier(key.toPublicJWK()))).isTrue();
      assertThat(parsed.verify(new ECDSAVerifier(other.toPublicJWK()))).isFalse();
      assertThat(parsed.getJWTClaimsSet().getSubject()).isEqualTo("client-" + i);

      SignedJWT theirs = jwt("client-" + i);
      theirs.sign(new ECDSASigner(key));
      assertThat(SignedJWT.parse(theirs.serialize()).verify(verifier)).isTrue();
      assertThat(SignedJWT.parse(theirs.serialize()).verify(new Es256Verifier(other))).isFalse();
    }
  }

  @Test
  void acceptsWhatTheJdkSignsAndRejectsEverySignatureOutsideTheRules() throws Exception {
    Es256Verifier ours = new Es256Verifier(key.toPublicJWK());
    ECDSAVerifier nimbus = new ECDSAVerifier(key.toPublicJWK());
    Random random = new Random(256);
    for (int i = 0; i < 30; i++) {
      byte[] message = new byte[random.nextInt(400)];
      random.nextBytes(message);
      byte[] jdk = jdkSignature(key, message);
      assertThat(ours.verify(message, jdk)).isTrue();
      assertThat(ours.verify(Arrays.copyOf(message, message.length + 1), jdk)).isFalse();
    }

    byte[] message = ascii("eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9");
    byte[] valid = jdkSignature(key, message);
    BigInteger r = new BigInteger(1, Arrays.copyOfRange(valid, 0, 32));
    BigInteger s = new BigInteger(1, Arrays.copyOfRange(valid, 32, 64));
    BigInteger max = BigInteger.ONE.shiftLeft(256).subtract(BigInteger.ONE);
    Map<String, byte[]> rejected = new LinkedHashMap<>();
    rejected.put("r = 0", rs(BigInteger.ZERO, s));
    rejected.put("s = 0", rs(r, BigInteger.ZERO));
    rejected.put("r = s = 0", rs(BigInteger.ZERO, BigInteger.ZERO));
    rejected.put("r = n", rs(N, s));
    rejected.put("s = n", rs(r, N));
    rejected.put("r = 2^256 - 1", rs(max, s));
    rejected.put("s = 2^256 - 1", rs(r, max));
    rejected.put("63 bytes", Arrays.copyOf(valid, 63));
    rejected.put("65 bytes", Arrays.copyOf(valid, 65));
    rejected.put("empty", new byte[0]);
    rejected.put("DER instead of R || S", der(r, s));
    rejected.put("a flipped bit", flipped(valid, 10));
    rejected.put("r and s swapped", rs(s, r));
    for (Map.Entry<String, byte[]> bad : rejected.entrySet()) {
      assertThat(ours.verify(message, bad.getValue())).as(bad.getKey()).isFalse();
      assertThat(jdkVerifies(key, message, bad.getValue())).as("JDK: " + bad.getKey()).isFalse();
      assertThat(
              nimbus.verify(
                  new JWSHeader(JWSAlgorithm.ES256), message, Base64URL.encode(bad.getValue())))
          .as("nimbus: " + bad.getKey())
          .isFalse();
    }

    // (r, n - s) is the same signature's twin: ECDSA cannot tell them apart, and neither the JDK
    // nor nimbus refuses it (JWS asks for no low-s rule). Tokens are spent by jti, so a twin
    // admits nothing a replay would not.
    byte[] twin = rs(r, N.subtract(s));
    assertThat(jdkVerifies(key, message, twin)).isTrue();
    assertThat(nimbus.verify(new JWSHeader(JWSAlgorithm.ES256), message, Base64URL.encode(twin)))
        .isTrue();
    assertThat(ours.verify(message, twin)).isTrue();
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
    byte[] signature = Base64URL.from(parts[2]).decode();
    List<String> tampered =
        List.of(
            parts[0] + "." + otherPayload + "." + parts[2],
            parts[0] + "." + parts[1] + "." + Base64URL.encode(flipped(signature, 40)),
            parts[0] + "." + parts[1] + "." + Base64URL.encode(Arrays.copyOf(signature, 63)));
    ECDSAVerifier stock = new ECDSAVerifier(key.toPublicJWK());
    Es256Verifier ours = new Es256Verifier(key.toPublicJWK());
    assertThat(verifies(jwt.serialize(), ours)).isTrue();
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

  private static ECKey rfcKey() {
    ECKey rfcKey =
        new ECKey.Builder(
                Curve.P_256,
                Base64URL.encode(new BigInteger(RFC_UX, 16)),
                Base64URL.encode(new BigInteger(RFC_UY, 16)))
            .d(Base64URL.encode(new BigInteger(RFC_X, 16)))
            .keyID("rfc6979")
            .build();
    // The published public key belongs to the published private key.
    assertThat(
            P256.domain()
                .getG()
                .multiply(new BigInteger(RFC_X, 16))
                .normalize()
                .getAffineXCoord()
                .toBigInteger())
        .isEqualTo(new BigInteger(RFC_UX, 16));
    return rfcKey;
  }

  private static BigInteger nonce(ECKey key, String message) throws JOSEException {
    HMacDSAKCalculator calculator = new HMacDSAKCalculator(new JdkSha256Digest());
    calculator.init(N, key.getD().decodeToBigInteger(), P256.newSha256().digest(ascii(message)));
    return calculator.nextK();
  }

  private static byte[] bouncyCastleSignature(ECKey key, byte[] message) throws JOSEException {
    org.bouncycastle.crypto.signers.ECDSASigner bc =
        new org.bouncycastle.crypto.signers.ECDSASigner(new HMacDSAKCalculator(new SHA256Digest()));
    bc.init(true, new ECPrivateKeyParameters(key.getD().decodeToBigInteger(), P256.domain()));
    SHA256Digest sha = new SHA256Digest();
    sha.update(message, 0, message.length);
    byte[] hash = new byte[32];
    sha.doFinal(hash, 0);
    BigInteger[] rs = bc.generateSignature(hash);
    return rs(rs[0], rs[1]);
  }

  /** The JDK's own ECDSA (SunEC), on the R || S form JWS uses. */
  private static boolean jdkVerifies(ECKey key, byte[] message, byte[] rs)
      throws JOSEException, GeneralSecurityException {
    Signature jdk = Signature.getInstance("SHA256withECDSAinP1363Format");
    jdk.initVerify(key.toECPublicKey());
    jdk.update(message);
    try {
      return jdk.verify(rs);
    } catch (java.security.SignatureException e) {
      return false; // how the JDK refuses some malformed signatures
    }
  }

  private static byte[] jdkSignature(ECKey key, byte[] message)
      throws JOSEException, GeneralSecurityException {
    Signature jdk = Signature.getInstance("SHA256withECDSAinP1363Format");
    jdk.initSign(key.toECPrivateKey());
    jdk.update(message);
    return jdk.sign();
  }

  private static byte[] rs(BigInteger r, BigInteger s) {
    byte[] out = new byte[64];
    BigIntegers.asUnsignedByteArray(r, out, 0, 32);
    BigIntegers.asUnsignedByteArray(s, out, 32, 32);
    return out;
  }

  private static byte[] der(BigInteger r, BigInteger s) {
    byte[] rb = r.toByteArray();
    byte[] sb = s.toByteArray();
    byte[] out = new byte[6 + rb.length + sb.length];
    out[0] = 0x30;
    out[1] = (byte) (4 + rb.length + sb.length);
    out[2] = 0x02;
    out[3] = (byte) rb.length;
    System.arraycopy(rb, 0, out, 4, rb.length);
    out[4 + rb.length] = 0x02;
    out[5 + rb.length] = (byte) sb.length;
    System.arraycopy(sb, 0, out, 6 + rb.length, sb.length);
    return out;
  }

  private static byte[] flipped(byte[] signature, int index) {
    byte[] copy = signature.clone();
    copy[index] ^= 1;
    return copy;
  }

  private static byte[] ascii(String text) {
    return text.getBytes(StandardCharsets.US_ASCII);
  }

  private static boolean verifies(String token, JWSVerifier verifier) throws Exception {
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
