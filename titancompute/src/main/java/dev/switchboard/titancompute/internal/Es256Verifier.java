package dev.switchboard.titancompute.internal;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.jca.JCAContext;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.util.Base64URL;
import java.math.BigInteger;
import java.util.Arrays;
import java.util.Set;
import org.bouncycastle.math.ec.ECPoint;
import org.bouncycastle.util.BigIntegers;

/**
 * ES256 verifier, the counterpart of {@link Es256Signer}. The public point is decoded and validated
 * once per key, and a {@link FixedBaseTable} of its multiples (about 40 ms and 512 KB per key) is
 * built then, so that a verification ({@code u1·G + u2·Q}) is 64 additions of precomputed points
 * (with a like table for G) instead of BouncyCastle's 256 doublings and interleaved additions.
 * Verification only handles public values, so nothing here needs to be constant-time. Thread-safe
 * and immutable: agents build one per key id and share it.
 *
 * <p>Rejects anything but a 64-byte R || S signature with R and S in [1, n-1], and any header with
 * critical parameters (we understand none), as the JWS specification requires. Like the JDK and
 * nimbus it accepts both {@code s} and {@code n - s}: ECDSA does not tell them apart, and tokens
 * are spent by their {@code jti}, not by their signature bytes. {@code Es256Test} checks it against
 * signatures made by the JDK and by nimbus, and at those edges.
 */
public final class Es256Verifier implements JWSVerifier {
  private final BigInteger n;
  private final FixedBaseTable generator = GeneratorTable.TABLE;
  private final FixedBaseTable publicKey;
  private final JCAContext jca = new JCAContext();

  /**
   * @param key a P-256 public key (a private part, if present, is ignored)
   */
  public Es256Verifier(ECKey key) throws JOSEException {
    if (!Curve.P_256.equals(key.getCurve())) {
      throw new JOSEException(
          "ES256 needs a P-256 key, key " + key.getKeyID() + " is on " + key.getCurve());
    }
    ECPoint point;
    try {
      // validatePoint rejects coordinates that are not on the curve (invalid-curve attacks).
      point =
          P256.domain()
              .getCurve()
              .validatePoint(key.getX().decodeToBigInteger(), key.getY().decodeToBigInteger());
    } catch (IllegalArgumentException e) {
      throw new JOSEException(
          "key " + key.getKeyID() + " is not a valid P-256 point: " + e.getMessage(), e);
    }
    this.n = P256.domain().getN();
    this.publicKey = new FixedBaseTable(point);
  }

  @Override
  public boolean verify(JWSHeader header, byte[] signingInput, Base64URL signature)
      throws JOSEException {
    if (!JWSAlgorithm.ES256.equals(header.getAlgorithm())) {
      throw new JOSEException(
          "this verifier checks ES256 signatures, the header says " + header.getAlgorithm());
    }
    if (header.getCriticalParams() != null && !header.getCriticalParams().isEmpty()) {
      return false;
    }
    return verify(signingInput, signature.decode());
  }

  /** Whether {@code rs} (R || S, 64 bytes) is a valid ES256 signature of {@code signingInput}. */
  public boolean verify(byte[] signingInput, byte[] rs) {
    if (rs.length != 2 * P256.FIELD_BYTES) {
      return false;
    }
    BigInteger r = new BigInteger(1, Arrays.copyOfRange(rs, 0, P256.FIELD_BYTES));
    BigInteger s = new BigInteger(1, Arrays.copyOfRange(rs, P256.FIELD_BYTES, rs.length));
    if (r.signum() == 0 || r.compareTo(n) >= 0 || s.signum() == 0 || s.compareTo(n) >= 0) {
      return false;
    }
    BigInteger e = new BigInteger(1, P256.newSha256().digest(signingInput));
    BigInteger w = BigIntegers.modOddInverseVar(n, s);
    BigInteger u1 = e.multiply(w).mod(n);
    BigInteger u2 = r.multiply(w).mod(n);
    ECPoint point = generator.multiply(u1).add(publicKey.multiply(u2));
    return !point.isInfinity() && P256.publicAffineX(point).mod(n).equals(r);
  }

  /** G's table, shared by every verifier: a constant of the curve, built on first use. */
  private static final class GeneratorTable {
    static final FixedBaseTable TABLE = new FixedBaseTable(P256.domain().getG());
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
