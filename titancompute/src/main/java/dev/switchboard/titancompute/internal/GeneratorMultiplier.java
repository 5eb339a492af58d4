package dev.switchboard.titancompute.internal;

import java.math.BigInteger;
import java.util.Arrays;
import org.bouncycastle.crypto.params.ECDomainParameters;
import org.bouncycastle.math.ec.ECPoint;
import org.bouncycastle.math.ec.custom.sec.SecP256R1Field;
import org.bouncycastle.math.raw.Nat256;

/**
 * {@code k·G} on P-256 for a secret scalar {@code k} (an ECDSA nonce), returning the affine x
 * coordinate that a signature's {@code r} is made from.
 *
 * <p>The scalar is recoded into 43 signed 6-bit digits {@code d_i} in [-32, 32] (Booth recoding, as
 * in OpenSSL's and Go's P-256 code), so that {@code k = Σ d_i·2^(6i)}. Window {@code i} of the
 * table holds the affine points {@code j·2^(6i)·G} for {@code j} = 1..32 (43 × 32 points, 88 KB,
 * built once), and the product is the sum of one entry per window, negated where the digit is
 * negative: 42 mixed additions and no doublings (BouncyCastle's own comb needs 43 doublings and 43
 * additions).
 *
 * <p>What is constant-time: every window reads all 32 entries and keeps one with masks, the
 * conditional negation and the choice between "digit 0, keep the sum", "first non-zero digit" and
 * "add" are masks too, and the final inversion is BouncyCastle's constant-time {@code
 * Mod.checkedModOddInverse}. What is not: the field arithmetic is BouncyCastle's {@code
 * SecP256R1Field} (the same that its {@code ECDSASigner} uses), whose reductions take a branch when
 * a carry or a result at or above p needs correcting, and the scalar arrives as a {@code
 * BigInteger}.
 *
 * <p>The mixed addition has no case for adding a point to itself or to its negation. Neither can
 * happen for {@code 0 < k < n}: before window {@code i} the sum is {@code S·G} with {@code |S| <=
 * 2^(6i-1)}, and the added point is {@code d·2^(6i)·G} with {@code 1 <= |d| <= 32}, so {@code S ≡
 * ±d·2^(6i) (mod n)} would need {@code |S ∓ d·2^(6i)|} to be 0 (impossible: {@code |S| < 2^(6i)})
 * or a multiple of n, which the sizes allow only in the last window, where it would make {@code k}
 * itself 0 or n, or {@code k = d·2^253 - n} whose top digit is not {@code d}. The code still checks
 * (in constant time) and refuses to return a result if it ever happened.
 *
 * <p>Immutable and thread-safe; the tests hold it to BouncyCastle's {@code ECPoint.multiply}.
 */
final class GeneratorMultiplier {
  private static final int WIDTH = 6;
  private static final int WINDOWS = 43; // ceil(257 / 6): the recoding may carry into bit 256
  private static final int ENTRIES = 1 << (WIDTH - 1); // |d| = 1..32
  private static final int LONGS = 8; // an affine point: x then y, 4 little-endian longs each

  private static final GeneratorMultiplier INSTANCE = new GeneratorMultiplier();

  // Longs rather than BouncyCastle's ints: a constant-time read touches every entry, and 64-bit
  // masks halve the work of that scan.
  private final long[] table = new long[WINDOWS * ENTRIES * LONGS];
  private final int[] p;
  private final BigInteger n;

  private GeneratorMultiplier() {
    ECDomainParameters domain = P256.domain();
    this.p = Nat256.fromBigInteger(domain.getCurve().getField().getCharacteristic());
    this.n = domain.getN();
    ECPoint base = domain.getG().normalize(); // 2^(6i)·G
    ECPoint[] row = new ECPoint[ENTRIES];
    for (int i = 0; i < WINDOWS; i++) {
      row[0] = base;
      for (int j = 1; j < ENTRIES; j++) {
        row[j] = row[j - 1].add(base);
      }
      domain.getCurve().normalizeAll(row);
      for (int j = 0; j < ENTRIES; j++) {
        int at = (i * ENTRIES + j) * LONGS;
        System.arraycopy(
            Nat256.fromBigInteger64(row[j].getAffineXCoord().toBigInteger()), 0, table, at, 4);
        System.arraycopy(
            Nat256.fromBigInteger64(row[j].getAffineYCoord().toBigInteger()), 0, table, at + 4, 4);
      }
      for (int b = 0; b < WIDTH; b++) {
        base = base.twice();
      }
      base = base.normalize();
    }
  }

  /** The one table of G's multiples: a constant of the curve, built on first use. */
  static GeneratorMultiplier instance() {
    return INSTANCE;
  }

  /** The affine x coordinate of {@code k·G}, for a secret {@code k} in [1, n-1]. */
  BigInteger affineX(BigInteger k) {
    if (k.signum() <= 0 || k.compareTo(n) >= 0) {
      throw new IllegalArgumentException("scalar must be within [1, n-1]");
    }
    int[] scalar = Nat256.fromBigInteger(k);
    int[] x = Nat256.create();
    int[] y = Nat256.create();
    int[] z = Nat256.create();
    int[] x2 = Nat256.create();
    int[] y2 = Nat256.create();
    int[] negY2 = Nat256.create();
    long[] entry = new long[LONGS];
    int[] one = Nat256.create();
    one[0] = 1;
    Addition sum = new Addition();
    int started = 0; // -1 once a non-zero digit has been added: (x, y, z) then holds the sum
    int exceptional = 0;
    for (int i = 0; i < WINDOWS; i++) {
      int digit = boothDigit(window(scalar, i));
      int magnitude = digit & 0xff;
      int negative = -(digit >>> 8);
      select(i, magnitude, entry, x2, y2);
      Nat256.sub(p, y2, negY2); // table points have y != 0, so p - y is the reduced negation
      move(negative, negY2, y2);
      if (i > 0) { // nothing has been started before window 0
        sum.add(x, y, z, x2, y2);
      }
      int nonZero = ~((magnitude - 1) >> 31); // -1 unless magnitude == 0
      int add = nonZero & started;
      int first = nonZero & ~started;
      exceptional |= add & sum.degenerate();
      move(add, sum.x3, x);
      move(add, sum.y3, y);
      move(add, sum.z3, z);
      move(first, x2, x);
      move(first, y2, y);
      move(first, one, z);
      started |= nonZero;
    }
    if (exceptional != 0 || started == 0) {
      // Unreachable for k in [1, n-1] (see the class comment); never hand out a wrong r.
      throw new IllegalStateException("k·G hit an exceptional addition");
    }
    int[] zInverse = Nat256.create();
    SecP256R1Field.inv(z, zInverse);
    SecP256R1Field.square(zInverse, zInverse);
    SecP256R1Field.multiply(x, zInverse, x);
    return Nat256.toBigInteger(x);
  }

  /** Bits {@code 6i-1 .. 6i+5} of the scalar (bit -1 is 0). */
  private static int window(int[] scalar, int i) {
    int start = WIDTH * i - 1;
    if (start < 0) {
      return (scalar[0] << 1) & 0x7f;
    }
    int word = start >>> 5;
    long two =
        (scalar[word] & 0xffffffffL) | (word + 1 < 8 ? (scalar[word + 1] & 0xffffffffL) << 32 : 0);
    return (int) (two >>> (start & 31)) & 0x7f;
  }

  /**
   * The signed digit of a 7-bit window without branches: the magnitude (0..32) in the low byte, and
   * bit 8 set when the digit is negative.
   */
  private static int boothDigit(int window) {
    int negative = -(window >>> 6); // -1 when the window's top bit is set
    int d = ((127 - window) & negative) | (window & ~negative);
    d = (d >>> 1) + (d & 1);
    return d | ((negative & 1) << 8);
  }

  /** Reads every entry of window {@code i} and keeps entry {@code magnitude} (none for 0). */
  private void select(int i, int magnitude, long[] point, int[] x, int[] y) {
    Arrays.fill(point, 0);
    int base = i * ENTRIES * LONGS;
    for (int j = 0; j < ENTRIES; j++) {
      long mask = (long) ((((j + 1) ^ magnitude) - 1) >> 31); // -1 only when j + 1 == magnitude
      int at = base + j * LONGS;
      for (int w = 0; w < LONGS; w++) {
        point[w] |= table[at + w] & mask;
      }
    }
    for (int w = 0; w < 4; w++) {
      x[2 * w] = (int) point[w];
      x[2 * w + 1] = (int) (point[w] >>> 32);
      y[2 * w] = (int) point[4 + w];
      y[2 * w + 1] = (int) (point[4 + w] >>> 32);
    }
  }

  /** {@code to = from} where {@code mask} is -1, unchanged where it is 0. */
  private static void move(int mask, int[] from, int[] to) {
    for (int w = 0; w < 8; w++) {
      to[w] ^= (to[w] ^ from[w]) & mask;
    }
  }

  /**
   * Jacobian + affine addition (8M + 3S, "madd" in the Explicit-Formulas Database) on
   * BouncyCastle's field arithmetic, with its scratch space, so that a signature allocates nothing
   * per window.
   */
  private static final class Addition {
    final int[] x3 = Nat256.create();
    final int[] y3 = Nat256.create();
    final int[] z3 = Nat256.create();
    private final int[] z1z1 = Nat256.create();
    private final int[] u2 = Nat256.create();
    private final int[] s2 = Nat256.create();
    private final int[] h = Nat256.create();
    private final int[] r = Nat256.create();
    private final int[] hh = Nat256.create();
    private final int[] hhh = Nat256.create();
    private final int[] v = Nat256.create();
    private final int[] wide = Nat256.createExt();

    /**
     * (x3, y3, z3) = (x1, y1, z1) + (x2, y2), valid unless the two points are equal or opposite.
     */
    void add(int[] x1, int[] y1, int[] z1, int[] x2, int[] y2) {
      SecP256R1Field.square(z1, z1z1, wide);
      SecP256R1Field.multiply(x2, z1z1, u2, wide);
      SecP256R1Field.multiply(z1, z1z1, s2, wide);
      SecP256R1Field.multiply(y2, s2, s2, wide);
      SecP256R1Field.subtract(u2, x1, h); // H = U2 - X1
      SecP256R1Field.subtract(s2, y1, r); // R = S2 - Y1
      SecP256R1Field.square(h, hh, wide);
      SecP256R1Field.multiply(h, hh, hhh, wide);
      SecP256R1Field.multiply(x1, hh, v, wide);
      SecP256R1Field.square(r, x3, wide); // X3 = R² - HHH - 2V
      SecP256R1Field.subtract(x3, hhh, x3);
      SecP256R1Field.subtract(x3, v, x3);
      SecP256R1Field.subtract(x3, v, x3);
      SecP256R1Field.subtract(v, x3, y3); // Y3 = R(V - X3) - Y1·HHH
      SecP256R1Field.multiply(r, y3, y3, wide);
      SecP256R1Field.multiply(y1, hhh, v, wide);
      SecP256R1Field.subtract(y3, v, y3);
      SecP256R1Field.multiply(z1, h, z3, wide); // Z3 = Z1·H
    }

    /** -1 when the last addition's points had the same x (equal or opposite points), else 0. */
    int degenerate() {
      int any = 0;
      for (int w = 0; w < 8; w++) {
        any |= h[w];
      }
      return (((any >>> 1) | (any & 1)) - 1) >> 31;
    }
  }
}
