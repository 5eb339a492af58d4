package dev.switchboard.titancompute.internal;

import java.math.BigInteger;
import java.security.SecureRandom;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.ec.CustomNamedCurves;
import org.bouncycastle.crypto.params.ECDomainParameters;
import org.bouncycastle.math.ec.ECCurve;
import org.bouncycastle.math.ec.ECFieldElement;
import org.bouncycastle.math.ec.ECPoint;
import org.bouncycastle.util.BigIntegers;
import org.jspecify.annotations.Nullable;

/** The P-256 pieces {@link Es256Signer} and {@link Es256Verifier} share. */
final class P256 {
  static final int FIELD_BYTES = 32;

  /**
   * Width of the generator's constant-time table: 52 windows of 32 points (106 KB, scanned whole on
   * every signature). Widths 4 to 6 cost the same CPU per signature in isolation (fewer additions
   * against longer constant-time scans); 5 keeps the scanned table small, which matters in a server
   * whose other work competes for the cache.
   */
  static final int GENERATOR_WIDTH = 5;

  /**
   * Width of the tables verification reads (the generator's second table and each key's): 32
   * windows of 256 points, 512 KB and about 40 ms to build per key id. Verification handles public
   * values, so it reads only the entry it needs and a wider table costs memory, not time.
   */
  static final int PUBLIC_WIDTH = 8;

  private P256() {}

  /**
   * BouncyCastle's optimised secp256r1 implementation. BouncyCastle hands out the same parameters
   * (and so the same generator, with its cached multiplication table) on every lookup.
   */
  static ECDomainParameters domain() {
    X9ECParameters x9 = CustomNamedCurves.getByName("secp256r1");
    if (x9.getCurve().getCoordinateSystem() != ECCurve.COORD_JACOBIAN) {
      throw new IllegalStateException(
          "affineX assumes BouncyCastle's secp256r1 uses Jacobian coordinates");
    }
    return new ECDomainParameters(x9.getCurve(), x9.getG(), x9.getN(), x9.getH(), x9.getSeed());
  }

  /**
   * The generator's table, built on first use and then shared: it is a constant of the curve, like
   * the curve parameters themselves, so there is nothing to configure or replace.
   */
  static FixedBaseTable generatorTable() {
    return GeneratorTable.TABLE;
  }

  /** The generator's wider table for verification ({@link FixedBaseTable#multiplyPublic} only). */
  static FixedBaseTable generatorPublicTable() {
    return GeneratorPublicTable.TABLE;
  }

  private static final class GeneratorTable {
    static final FixedBaseTable TABLE = new FixedBaseTable(domain().getG(), GENERATOR_WIDTH);
  }

  private static final class GeneratorPublicTable {
    static final FixedBaseTable TABLE = new FixedBaseTable(domain().getG(), PUBLIC_WIDTH);
  }

  /**
   * The affine x coordinate of a Jacobian point ({@code X / Z²}), without {@code
   * ECPoint.normalize()}. BouncyCastle's normalize blinds its inversion with a random factor from
   * {@code CryptoServicesRegistrar}'s default, a per-thread {@code new SecureRandom()}: the JDK's
   * NativePRNG, whose instances all share one lock. Measured, that costs little (about 3.1 µs per
   * normalize against 2.9 µs here on one thread, 3.7 against 3.0 µs with 8 threads), so this is a
   * small saving, not a cure; it also computes only the coordinate we need. Callers pass their own
   * per-thread random to blind the inversion of a secret point (a signature's {@code k·G}) and none
   * for a public one.
   */
  static BigInteger affineX(ECPoint point, @Nullable SecureRandom blinding) {
    if (point.isInfinity()) {
      throw new IllegalArgumentException("the point at infinity has no affine coordinates");
    }
    ECFieldElement z = point.getZCoord(0);
    if (z.isOne()) {
      return point.getRawXCoord().toBigInteger();
    }
    ECFieldElement zInverse;
    if (blinding != null) {
      ECFieldElement b = point.getCurve().randomFieldElementMult(blinding);
      zInverse = z.multiply(b).invert().multiply(b);
    } else {
      zInverse = z.invert();
    }
    return point.getRawXCoord().multiply(zInverse.square()).toBigInteger();
  }

  static byte[] sha256(byte[] input) {
    SHA256Digest digest = new SHA256Digest();
    digest.update(input, 0, input.length);
    byte[] hash = new byte[digest.getDigestSize()];
    digest.doFinal(hash, 0);
    return hash;
  }

  /** JWS's fixed-width R || S form. */
  static byte[] concat(BigInteger r, BigInteger s) {
    byte[] out = new byte[2 * FIELD_BYTES];
    BigIntegers.asUnsignedByteArray(r, out, 0, FIELD_BYTES);
    BigIntegers.asUnsignedByteArray(s, out, FIELD_BYTES, FIELD_BYTES);
    return out;
  }
}
