package dev.switchboard.titancompute.internal;

import java.math.BigInteger;
import org.bouncycastle.math.ec.ECCurve;
import org.bouncycastle.math.ec.ECLookupTable;
import org.bouncycastle.math.ec.ECPoint;
import org.bouncycastle.math.raw.Nat;

/**
 * Multiples of one fixed P-256 point {@code B}, precomputed per window so that {@code k·B} needs no
 * doublings: the 256-bit scalar is cut into {@code width}-bit digits {@code k_i}, and window {@code
 * i} holds the affine points {@code (j + 1)·2^(width·i)·B} for every digit value {@code j}. The
 * product is the sum of one entry per window, minus the constant {@code Σ 2^(width·i)·B} (the "+1"
 * keeps the point at infinity, and the branch it would need, out of the table).
 *
 * <p>With width 5 that is 52 mixed additions and no doublings, against BouncyCastle's comb (43
 * doublings and 43 additions): a signature's {@code k·G} costs about two thirds as much. Field
 * arithmetic and the point formulas are BouncyCastle's; only the schedule is ours.
 *
 * <p>{@link #multiply} is for secret scalars (ECDSA nonces): every window reads every entry through
 * BouncyCastle's constant-time lookup table, so the memory access pattern does not depend on the
 * digits. {@link #multiplyPublic} reads only the entry it needs and must only see public scalars
 * (the {@code u1}, {@code u2} of a verification). The entries live in BouncyCastle's flat lookup
 * tables (64 bytes per point, one cache line, no objects), which keeps a key's table at about 300
 * KB and its reads cache-friendly. Immutable and thread-safe.
 */
final class FixedBaseTable {
  private static final int BITS = 256;

  private final int width;
  private final int windows;
  private final ECLookupTable[] lookups;
  private final ECPoint minusOffset;

  FixedBaseTable(ECPoint base, int width) {
    if (width < 2 || width > 8) {
      throw new IllegalArgumentException("window width must be within 2..8, got " + width);
    }
    ECCurve curve = base.getCurve();
    this.width = width;
    this.windows = (BITS + width - 1) / width;
    this.lookups = new ECLookupTable[windows];
    int size = 1 << width;
    ECPoint step = base.normalize(); // 2^(width·i)·B
    ECPoint offset = curve.getInfinity();
    for (int i = 0; i < windows; i++) {
      ECPoint[] row = new ECPoint[size];
      row[0] = step;
      for (int j = 1; j < size; j++) {
        row[j] = row[j - 1].add(step);
      }
      curve.normalizeAll(row);
      lookups[i] = curve.createCacheSafeLookupTable(row, 0, size);
      offset = offset.add(step);
      for (int b = 0; b < width; b++) {
        step = step.twice();
      }
      step = step.normalize();
    }
    this.minusOffset = offset.negate().normalize();
  }

  /** {@code k·B} for a secret {@code 0 <= k < 2^256}, with digit-independent table access. */
  ECPoint multiply(BigInteger k) {
    int[] digits = digits(k);
    ECPoint sum = lookups[0].lookup(digits[0]);
    for (int i = 1; i < windows; i++) {
      sum = sum.add(lookups[i].lookup(digits[i]));
    }
    return sum.add(minusOffset);
  }

  /** {@code k·B} for a public {@code 0 <= k < 2^256}; the table access depends on {@code k}. */
  ECPoint multiplyPublic(BigInteger k) {
    int[] digits = digits(k);
    ECPoint sum = lookups[0].lookupVar(digits[0]);
    for (int i = 1; i < windows; i++) {
      sum = sum.add(lookups[i].lookupVar(digits[i]));
    }
    return sum.add(minusOffset);
  }

  private int[] digits(BigInteger k) {
    if (k.signum() < 0 || k.bitLength() > BITS) {
      throw new IllegalArgumentException("scalar must be within [0, 2^256)");
    }
    int[] words = Nat.fromBigInteger(BITS, k);
    int[] digits = new int[windows];
    int mask = (1 << width) - 1;
    for (int i = 0; i < windows; i++) {
      int bit = i * width;
      int word = bit >>> 5;
      long two =
          (words[word] & 0xffffffffL)
              | (word + 1 < words.length ? (words[word + 1] & 0xffffffffL) << 32 : 0L);
      digits[i] = (int) (two >>> (bit & 31)) & mask;
    }
    return digits;
  }
}
