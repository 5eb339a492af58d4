package dev.switchboard.titancompute.internal;

import java.security.DigestException;
import java.security.MessageDigest;
import org.bouncycastle.crypto.ExtendedDigest;

/**
 * The JDK's SHA-256 behind BouncyCastle's {@code Digest} interface, for BouncyCastle's {@code HMac}
 * (and so its RFC 6979 {@code HMacDSAKCalculator}). The JVM runs the JDK's SHA-256 compression as a
 * CPU intrinsic (SHA extensions or AVX2), several times faster than BouncyCastle's Java code: an
 * RFC 6979 nonce takes about 18 compressions.
 */
final class JdkSha256Digest implements ExtendedDigest {
  private static final int BLOCK_BYTES = 64;

  private final MessageDigest sha256 = P256.newSha256();

  @Override
  public String getAlgorithmName() {
    return "SHA-256";
  }

  @Override
  public int getDigestSize() {
    return sha256.getDigestLength();
  }

  @Override
  public int getByteLength() {
    return BLOCK_BYTES;
  }

  @Override
  public void update(byte in) {
    sha256.update(in);
  }

  @Override
  public void update(byte[] in, int inOff, int len) {
    sha256.update(in, inOff, len);
  }

  @Override
  public int doFinal(byte[] out, int outOff) {
    try {
      return sha256.digest(out, outOff, getDigestSize());
    } catch (DigestException e) {
      throw new IllegalArgumentException("no room for a SHA-256 hash at offset " + outOff, e);
    }
  }

  @Override
  public void reset() {
    sha256.reset();
  }
}
