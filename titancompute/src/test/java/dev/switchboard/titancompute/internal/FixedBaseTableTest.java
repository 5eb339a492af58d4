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
 * The verification tables against BouncyCastle's own multiplication, at the edges and at random.
 */
class FixedBaseTableTest {
  private final ECPoint g = P256.domain().getG();
  private final BigInteger n = P256.domain().getN();

  @Test
  void matchesBouncyCastleForEdgeAndRandomScalars() {
    ECPoint q = g.multiply(new BigInteger("1234567890123456789012345678901234567890")).normalize();
    List<BigInteger> scalars =
        new ArrayList<>(
            List.of(
                BigInteger.ONE,
                BigInteger.TWO,
                BigInteger.valueOf(255),
                BigInteger.valueOf(256),
                n.subtract(BigInteger.ONE),
                n.subtract(BigInteger.TWO),
                BigInteger.ONE.shiftLeft(255),
                BigInteger.ONE.shiftLeft(256).subtract(BigInteger.ONE)));
    Random random = new Random(8);
    for (int i = 0; i < 30; i++) {
      scalars.add(new BigInteger(256, random));
    }
    for (ECPoint base : List.of(g, q)) {
      FixedBaseTable table = new FixedBaseTable(base);
      for (BigInteger k : scalars) {
        ECPoint expected = base.multiply(k).normalize();
        assertThat(table.multiply(k).normalize()).as("k=%s", k).isEqualTo(expected);
        assertThat(P256.publicAffineX(table.multiply(k)))
            .isEqualTo(expected.getAffineXCoord().toBigInteger());
      }
      assertThat(table.multiply(BigInteger.ZERO).isInfinity()).isTrue();
      assertThat(table.multiply(n).isInfinity()).isTrue();
    }
  }

  @Test
  void refusesScalarsOutsideTheTable() {
    FixedBaseTable table = new FixedBaseTable(g);
    assertThatThrownBy(() -> table.multiply(BigInteger.ONE.shiftLeft(256)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> table.multiply(BigInteger.ONE.negate()))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> P256.publicAffineX(g.getCurve().getInfinity()))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
