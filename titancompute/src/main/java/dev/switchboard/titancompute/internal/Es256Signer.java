package dev.switchboard.titancompute.internal;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.jca.JCAContext;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.util.Base64URL;
import java.math.BigInteger;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Set;
import org.bouncycastle.util.BigIntegers;

/**
 * ES256 signer on BouncyCastle's curve arithmetic, built for one signature per routed request.
 *
 * <p>Where the time goes, and what we do about it (CPU per signature on our 2-core machine,
 * measured with {@code TokenCostBench}): BouncyCastle's own {@code ECDSASigner} spends nearly all
 * of its ~80 µs in {@code k·G} (its fixed-point comb: 43 doublings and 43 additions) and about 7 µs
 * deriving the RFC 6979 nonce (six HMACs). Here {@code k·G} uses a {@link FixedBaseTable} (52
 * additions, no doublings, constant-time table reads), and the nonce is drawn from a per-thread
 * DRBG instance (well under a microsecond, no lock shared between threads). The inverse of the
 * nonce uses BouncyCastle's constant-time {@code modOddInverse}, as its own signer does, and the
 * inversion that makes {@code k·G} affine is blinded with the same per-thread DRBG ({@link
 * P256#affineX}).
 *
 * <p>Every signature uses a fresh secret nonce drawn at signing time on the calling thread; nothing
 * is precomputed ahead of requests. The output is the standard JWS form (R || S, 32 bytes each),
 * which any JOSE library verifies; one instance may be shared by all threads.
 */
public final class Es256Signer implements JWSSigner {
  private final BigInteger d;
  private final BigInteger n;
  private final FixedBaseTable generator;
  private final ThreadLocal<SecureRandom> nonces = ThreadLocal.withInitial(Es256Signer::newRandom);
  private final JCAContext jca = new JCAContext();

  /**
   * @param key a P-256 key with its private part
   */
  public Es256Signer(ECKey key) throws JOSEException {
    if (!Curve.P_256.equals(key.getCurve())) {
      throw new JOSEException(
          "ES256 needs a P-256 key, key " + key.getKeyID() + " is on " + key.getCurve());
    }
    if (key.getD() == null) {
      throw new JOSEException("key " + key.getKeyID() + " has no private part to sign with");
    }
    this.n = P256.domain().getN();
    this.d = key.getD().decodeToBigInteger();
    if (d.signum() <= 0 || d.compareTo(n) >= 0) {
      throw new JOSEException("key " + key.getKeyID() + " has a private part outside [1, n-1]");
    }
    this.generator = P256.generatorTable();
  }

  @Override
  public Base64URL sign(JWSHeader header, byte[] signingInput) throws JOSEException {
    if (!JWSAlgorithm.ES256.equals(header.getAlgorithm())) {
      throw new JOSEException(
          "this signer makes ES256 signatures, the header asks for " + header.getAlgorithm());
    }
    return Base64URL.encode(sign(signingInput));
  }

  /**
   * The ES256 signature (R || S, 64 bytes) of {@code signingInput}, the JWS {@code header.payload}.
   */
  public byte[] sign(byte[] signingInput) {
    // SHA-256 output and the group order are both 256 bits wide, so the hash needs no truncation.
    BigInteger e = new BigInteger(1, P256.sha256(signingInput));
    SecureRandom random = nonces.get();
    byte[] nonce = new byte[P256.FIELD_BYTES];
    try {
      while (true) {
        random.nextBytes(nonce);
        BigInteger k = new BigInteger(1, nonce);
        if (k.signum() == 0 || k.compareTo(n) >= 0) {
          continue; // outside [1, n-1]: draw again (probability about 2^-32)
        }
        BigInteger r = P256.affineX(generator.multiply(k), random).mod(n);
        if (r.signum() == 0) {
          continue;
        }
        BigInteger s = BigIntegers.modOddInverse(n, k).multiply(e.add(d.multiply(r))).mod(n);
        if (s.signum() != 0) {
          return P256.concat(r, s);
        }
      }
    } finally {
      Arrays.fill(nonce, (byte) 0);
    }
  }

  @Override
  public Set<JWSAlgorithm> supportedJWSAlgorithms() {
    return Set.of(JWSAlgorithm.ES256);
  }

  /** Not used: no JCA provider is involved. Present because nimbus's interface requires it. */
  @Override
  public JCAContext getJCAContext() {
    return jca;
  }

  private static SecureRandom newRandom() {
    try {
      // Each thread gets its own instance, seeded by the JDK from the system's entropy source.
      return SecureRandom.getInstance("DRBG");
    } catch (NoSuchAlgorithmException e) {
      return new SecureRandom();
    }
  }
}
