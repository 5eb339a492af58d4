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
import java.util.Set;
import org.bouncycastle.crypto.signers.HMacDSAKCalculator;
import org.bouncycastle.util.BigIntegers;

/**
 * ES256 signer with deterministic nonces, built for one signature per routed request.
 *
 * <p>The nonce {@code k} is derived as RFC 6979 prescribes (HMAC-SHA-256 over the private key and
 * the message hash) by BouncyCastle's {@code HMacDSAKCalculator}, on the JDK's SHA-256: no random
 * number generator is involved, so a weak or repeated random source cannot leak the key, and equal
 * inputs give equal signatures. {@code k·G} is {@link GeneratorMultiplier}'s (signed windows over a
 * table of G's multiples, constant-time table reads, BouncyCastle's field arithmetic); {@code k⁻¹}
 * is BouncyCastle's constant-time {@code modOddInverse}, and {@code s = k⁻¹(e + d·r) mod n} is
 * computed with {@code BigInteger} as in BouncyCastle's own {@code ECDSASigner}.
 *
 * <p>{@code Es256Test} proves the result: RFC 6979's published P-256/SHA-256 signatures (appendix
 * A.2.5) byte for byte, and signatures for random keys and messages accepted by the JDK's {@code
 * SHA256withECDSA} and by nimbus's {@code ECDSAVerifier}. The output is the standard JWS form (R ||
 * S, 32 bytes each); one instance may be shared by all threads.
 */
public final class Es256Signer implements JWSSigner {
  private final BigInteger d;
  private final BigInteger n;
  private final GeneratorMultiplier generator = GeneratorMultiplier.instance();
  private final JCAContext jca = new JCAContext();

  /**
   * @param key a P-256 key with its private part
   */
  public Es256Signer(ECKey key) throws JOSEException {
    if (!Curve.P_256.equals(key.getCurve())) {
      throw new JOSEException(
          "ES256 needs a P-256 key, key " + key.getKeyID() + " is on " + key.getCurve());
    }
    Base64URL privatePart = key.getD();
    if (privatePart == null) {
      throw new JOSEException("key " + key.getKeyID() + " has no private part to sign with");
    }
    this.n = P256.domain().getN();
    this.d = privatePart.decodeToBigInteger();
    if (d.signum() <= 0 || d.compareTo(n) >= 0) {
      throw new JOSEException("key " + key.getKeyID() + " has a private part outside [1, n-1]");
    }
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
    byte[] hash = P256.newSha256().digest(signingInput);
    // SHA-256 output and the group order are both 256 bits wide, so the hash needs no truncation.
    BigInteger e = new BigInteger(1, hash);
    HMacDSAKCalculator nonces = new HMacDSAKCalculator(new JdkSha256Digest());
    nonces.init(n, d, hash);
    while (true) {
      BigInteger k = nonces.nextK(); // within [1, n-1]
      BigInteger r = generator.affineX(k).mod(n);
      if (r.signum() == 0) {
        continue; // RFC 6979 section 3.4: take the generator's next k (probability about 2^-256)
      }
      BigInteger s = BigIntegers.modOddInverse(n, k).multiply(e.add(d.multiply(r))).mod(n);
      if (s.signum() != 0) {
        return P256.concat(r, s);
      }
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
}
