package dev.switchboard.titancompute.internal;

import java.math.BigInteger;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.crypto.ec.CustomNamedCurves;
import org.bouncycastle.crypto.params.ECDomainParameters;
import org.bouncycastle.math.ec.ECCurve;
import org.bouncycastle.math.ec.ECFieldElement;
import org.bouncycastle.math.ec.ECPoint;
import org.bouncycastle.util.BigIntegers;

/** The P-256 pieces {@link Es256Signer} and {@link Es256Verifier} share. */
final class P256 {
  static final int FIELD_BYTES = 32;

  private P256() {}

  /**
   * BouncyCastle's optimised secp256r1 implementation. BouncyCastle hands out the same parameters
   * on every lookup.
   */
  static ECDomainParameters domain() {
    X9ECParameters x9 = CustomNamedCurves.getByName("secp256r1");
    if (x9.getCurve().getCoordinateSystem() != ECCurve.COORD_JACOBIAN) {
      throw new IllegalStateException(
          "publicAffineX assumes BouncyCastle's secp256r1 uses Jacobian coordinates");
    }
    return new ECDomainParameters(x9.getCurve(), x9.getG(), x9.getN(), x9.getH(), x9.getSeed());
  }

  /**
   * The affine x coordinate ({@code X / Z²}) of a Jacobian point made from public values. {@code
   * ECPoint.normalize()} would blind the inversion with a random factor from BouncyCastle's default
   * {@code SecureRandom}, whose instances all share one lock; public values need no blinding.
   */
  static BigInteger publicAffineX(ECPoint point) {
    if (point.isInfinity()) {
      throw new IllegalArgumentException("the point at infinity has no affine coordinates");
    }
    ECFieldElement z = point.getZCoord(0);
    ECFieldElement x = point.getRawXCoord();
    return (z.isOne() ? x : x.multiply(z.invert().square())).toBigInteger();
  }

  /** A new SHA-256 from the JDK, whose compression function the JVM runs as a CPU intrinsic. */
  static MessageDigest newSha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform provides SHA-256", e);
    }
  }

  /** JWS's fixed-width R || S form. */
  static byte[] concat(BigInteger r, BigInteger s) {
    byte[] out = new byte[2 * FIELD_BYTES];
    BigIntegers.asUnsignedByteArray(r, out, 0, FIELD_BYTES);
    BigIntegers.asUnsignedByteArray(s, out, FIELD_BYTES, FIELD_BYTES);
    return out;
  }
}
