package dev.switchboard.bridge;

import java.util.AbstractList;
import java.util.RandomAccess;

/** Shared instances of the commonest small values, and the compact {@code list<u8>}. */
final class ValueCache {
  static final WitValue.Bool TRUE = new WitValue.Bool(true);
  static final WitValue.Bool FALSE = new WitValue.Bool(false);
  static final WitValue.OptionValue NONE = new WitValue.OptionValue(null);
  static final WitValue.U8[] U8S = new WitValue.U8[256];

  static {
    for (int i = 0; i < U8S.length; i++) {
      U8S[i] = new WitValue.U8(i);
    }
  }

  private ValueCache() {}

  /** A {@code list<u8>}'s elements over a byte array, so bodies do not box every byte. */
  static final class Bytes extends AbstractList<WitValue> implements RandomAccess {
    final byte[] bytes;

    Bytes(byte[] bytes) {
      this.bytes = bytes;
    }

    @Override
    public WitValue get(int index) {
      return U8S[bytes[index] & 0xFF];
    }

    @Override
    public int size() {
      return bytes.length;
    }
  }
}
