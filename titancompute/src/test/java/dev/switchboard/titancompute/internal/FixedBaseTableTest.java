package dev.switchboard.titancompute.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.math.ec.ECPoint;
import org.junit.jupiter.api.Test;

/** Both multiplications against BouncyCastle's own, at the edges and for random scalars. */
class FixedBaseTableTest {
  private final ECPoint g = P256.domain().getG();
  private final BigInteger n = P256.domain().getN();

  @Test
  void matchesBouncyCastleForEdgeAndRandomScalarsAtEveryWidthWeUse() {
    ECPoint q = g.multiply(new BigInteger("1234567890123456789012345678901234567890")).normalize();
    List<BigInteger> scalars =
        new ArrayList<>(
            List.of(
                BigInteger.ONE,
                BigInteger.TWO,
                BigInteger.valueOf(31),
                BigInteger.valueOf(32),
                n.subtract(BigInteger.ONE),
                n.subtract(BigInteger.TWO),
                BigInteger.ONE.shiftLeft(255),
                BigInteger.ONE.shiftLeft(256).subtract(BigInteger.ONE)));
    SecureRandom random = new SecureRandom();
    for (int i = 0; i < 30; i++) {
      scalars.add(new BigInteger(256, random));
    }
    for (ECPoint base : List.of(g, q)) {
      for (int width : new int[] {P256.GENERATOR_WIDTH, P256.PUBLIC_WIDTH}) {
        FixedBaseTable table = new FixedBaseTable(base, width);
        for (BigInteger k : scalars) {
          ECPoint expected = base.multiply(k).normalize();
          assertThat(table.multiply(k).normalize())
              .as("k=%s width=%d", k, width)
              .isEqualTo(expected);
          assertThat(table.multiplyPublic(k).normalize())
              .as("k=%s width=%d", k, width)
              .isEqualTo(expected);
          assertThat(P256.affineX(table.multiply(k), random))
              .isEqualTo(expected.getAffineXCoord().toBigInteger());
          assertThat(P256.affineX(table.multiplyPublic(k), null))
              .isEqualTo(expected.getAffineXCoord().toBigInteger());
        }
        assertThat(table.multiply(BigInteger.ZERO).isInfinity()).isTrue();
        assertThat(table.multiply(n).isInfinity()).isTrue();
      }
    }
  }

  @Test
  void refusesScalarsOutsideTheTable() {
    FixedBaseTable table = new FixedBaseTable(g, P256.GENERATOR_WIDTH);
    assertThatThrownBy(() -> table.multiply(BigInteger.ONE.shiftLeft(256)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> table.multiply(BigInteger.ONE.negate()))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> P256.affineX(g.getCurve().getInfinity(), null))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
