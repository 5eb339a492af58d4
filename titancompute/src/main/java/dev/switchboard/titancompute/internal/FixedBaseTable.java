package dev.switchboard.titancompute.internal;

import java.math.BigInteger;
import org.bouncycastle.math.ec.ECCurve;
import org.bouncycastle.math.ec.ECLookupTable;
import org.bouncycastle.math.ec.ECPoint;
import org.bouncycastle.math.raw.Nat;

/**
 * Multiples of one fixed P-256 point {@code B} for verification, precomputed per window so that
 * {@code u·B} needs no doublings: the 256-bit scalar is cut into 8-bit digits {@code u_i}, and
 * window {@code i} holds the affine points {@code (j + 1)·2^(8i)·B} for every digit value {@code
 * j}. The product is the sum of one entry per window (32 additions of BouncyCastle's points, which
 * handle every special case), minus the constant {@code Σ 2^(8i)·B} (the "+1" keeps the point at
 * infinity out of the table).
 *
 * <p>Only for public scalars (the {@code u1}, {@code u2} of a verification): each window reads just
 * the entry it needs, so the memory access pattern shows the digits. 32 windows of 256 points in
 * BouncyCastle's flat lookup tables (64 bytes per point, no objects): 512 KB and about 40 ms to
 * build per point. Immutable and thread-safe.
 */
final class FixedBaseTable {
  private static final int BITS = 256;
  private static final int WIDTH = 8;
  private static final int WINDOWS = BITS / WIDTH;

  private final ECLookupTable[] lookups = new ECLookupTable[WINDOWS];
  private final ECPoint minusOffset;

  FixedBaseTable(ECPoint base) {
    ECCurve curve = base.getCurve();
    int size = 1 << WIDTH;
    ECPoint step = base.normalize(); // 2^(8i)·B
    ECPoint offset = curve.getInfinity();
    for (int i = 0; i < WINDOWS; i++) {
      ECPoint[] row = new ECPoint[size];
      row[0] = step;
      for (int j = 1; j < size; j++) {
        row[j] = row[j - 1].add(step);
      }
      curve.normalizeAll(row);
      lookups[i] = curve.createCacheSafeLookupTable(row, 0, size);
      offset = offset.add(step);
      for (int b = 0; b < WIDTH; b++) {
        step = step.twice();
      }
      step = step.normalize();
    }
    this.minusOffset = offset.negate().normalize();
  }

  /** {@code u·B} for a public {@code 0 <= u < 2^256}; the table access depends on {@code u}. */
  ECPoint multiply(BigInteger u) {
    if (u.signum() < 0 || u.bitLength() > BITS) {
      throw new IllegalArgumentException("scalar must be within [0, 2^256)");
    }
    int[] words = Nat.fromBigInteger(BITS, u);
    ECPoint sum = minusOffset;
    for (int i = 0; i < WINDOWS; i++) {
      int digit = (words[i >>> 2] >>> ((i & 3) * WIDTH)) & 0xff;
      sum = sum.add(lookups[i].lookupVar(digit));
    }
    return sum;
  }
}
