package dev.switchboard.titancompute.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.bouncycastle.math.ec.ECPoint;
import org.junit.jupiter.api.Test;

/**
 * {@code k·G} against BouncyCastle's own multiplication, at the edges of the recoding and at
 * random.
 */
class GeneratorMultiplierTest {
  private final ECPoint g = P256.domain().getG();
  private final BigInteger n = P256.domain().getN();
  private final GeneratorMultiplier multiplier = GeneratorMultiplier.instance();

  @Test
  void matchesBouncyCastleAtTheEdgesOfTheSignedWindows() {
    List<BigInteger> scalars = new ArrayList<>();
    for (long small = 1; small <= 130; small++) {
      scalars.add(BigInteger.valueOf(small)); // digits 0, ±1 .. ±32 and the carries between them
    }
    BigInteger allPlus32 = BigInteger.ZERO; // every window's digit +32: 100000 100000 ...
    BigInteger allMinus = BigInteger.ZERO; // every window 111111: digit -1 with a carry
    for (int i = 0; i < 42; i++) {
      BigInteger window = BigInteger.ONE.shiftLeft(6 * i);
      scalars.add(window); // a single non-zero digit in window i
      scalars.add(window.subtract(BigInteger.ONE)); // all ones below window i
      scalars.add(window.multiply(BigInteger.valueOf(33))); // +33 = -31 with a carry
      allPlus32 = allPlus32.add(window.multiply(BigInteger.valueOf(32)));
      allMinus = allMinus.add(window.multiply(BigInteger.valueOf(63)));
    }
    scalars.add(allPlus32.mod(n));
    scalars.add(allMinus.mod(n));
    for (long below = 1; below <= 70; below++) {
      scalars.add(n.subtract(BigInteger.valueOf(below))); // the top window at its largest
    }
    scalars.add(n.shiftRight(1));
    scalars.add(n.shiftRight(1).add(BigInteger.ONE));
    scalars.add(BigInteger.ONE.shiftLeft(255));
    scalars.add(BigInteger.ONE.shiftLeft(252).subtract(BigInteger.ONE));
    scalars.add(BigInteger.ONE.shiftLeft(256).subtract(n)); // about 2^224
    scalars.removeIf(k -> k.signum() == 0);
    for (BigInteger k : scalars) {
      assertThat(multiplier.affineX(k)).as("k = %s", k.toString(16)).isEqualTo(expected(k));
    }
  }

  @Test
  void matchesBouncyCastleForRandomScalars() {
    Random random = new Random(42);
    for (int i = 0; i < 500; i++) {
      BigInteger k =
          new BigInteger(256, random).mod(n.subtract(BigInteger.ONE)).add(BigInteger.ONE);
      assertThat(multiplier.affineX(k)).as("k = %s", k.toString(16)).isEqualTo(expected(k));
    }
  }

  @Test
  void refusesScalarsOutsideOneToNMinusOne() {
    for (BigInteger k :
        List.of(BigInteger.ZERO, n, n.add(BigInteger.ONE), BigInteger.ONE.negate())) {
      assertThatThrownBy(() -> multiplier.affineX(k))
          .as("k = %s", k)
          .isInstanceOf(IllegalArgumentException.class);
    }
  }

  private BigInteger expected(BigInteger k) {
    return g.multiply(k).normalize().getAffineXCoord().toBigInteger();
  }
}
