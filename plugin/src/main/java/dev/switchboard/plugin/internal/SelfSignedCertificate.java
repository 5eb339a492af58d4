package dev.switchboard.plugin.internal;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.Signature;
import java.time.LocalDateTime;
import java.time.ZoneOffset;

/**
 * Writes the DER of AutoMTLS's one kind of certificate: self-signed X.509 v3, ECDSA, subject and
 * issuer {@code O=Switchboard, CN=localhost}, with the extensions go-plugin's {@code mtls.go} gives
 * its own certificates (CA, key usages, client and server auth, DNS SAN {@code localhost}).
 *
 * <p>Written by hand rather than with BouncyCastle because a plugin makes one at every start: BC's
 * builder and provider load about 500 classes into a cold JVM for a structure of fixed shape. The
 * signature itself comes from the JDK ({@link Signature}).
 */
final class SelfSignedCertificate {
  // Object identifiers, already DER-encoded (tag 06, length, value).
  private static final byte[] ECDSA_WITH_SHA256 = {
    0x06, 0x08, 0x2a, (byte) 0x86, 0x48, (byte) 0xce, 0x3d, 0x04, 0x03, 0x02
  };
  private static final byte[] ECDSA_WITH_SHA384 = {
    0x06, 0x08, 0x2a, (byte) 0x86, 0x48, (byte) 0xce, 0x3d, 0x04, 0x03, 0x03
  };
  private static final byte[] ECDSA_WITH_SHA512 = {
    0x06, 0x08, 0x2a, (byte) 0x86, 0x48, (byte) 0xce, 0x3d, 0x04, 0x03, 0x04
  };
  private static final byte[] ORGANIZATION = {0x06, 0x03, 0x55, 0x04, 0x0a};
  private static final byte[] COMMON_NAME = {0x06, 0x03, 0x55, 0x04, 0x03};
  private static final byte[] BASIC_CONSTRAINTS = {0x06, 0x03, 0x55, 0x1d, 0x13};
  private static final byte[] KEY_USAGE = {0x06, 0x03, 0x55, 0x1d, 0x0f};
  private static final byte[] EXT_KEY_USAGE = {0x06, 0x03, 0x55, 0x1d, 0x25};
  private static final byte[] SUBJECT_ALT_NAME = {0x06, 0x03, 0x55, 0x1d, 0x11};
  private static final byte[] SERVER_AUTH = {
    0x06, 0x08, 0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x01
  };
  private static final byte[] CLIENT_AUTH = {
    0x06, 0x08, 0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x02
  };

  private static final int SEQUENCE = 0x30;
  private static final int SET = 0x31;
  private static final int INTEGER = 0x02;
  private static final int BIT_STRING = 0x03;
  private static final int OCTET_STRING = 0x04;
  private static final int UTF8_STRING = 0x0c;
  private static final int UTC_TIME = 0x17;
  private static final int GENERALIZED_TIME = 0x18;

  private SelfSignedCertificate() {}

  /**
   * The certificate for {@code pair}, signed with {@code signatureAlgorithm} (a JCA name:
   * SHA256withECDSA, SHA384withECDSA or SHA512withECDSA), valid between the two epoch seconds.
   */
  static byte[] der(
      KeyPair pair, String signatureAlgorithm, BigInteger serial, long notBefore, long notAfter)
      throws GeneralSecurityException {
    byte[] algorithm = tlv(SEQUENCE, algorithmOid(signatureAlgorithm));
    byte[] name =
        tlv(
            SEQUENCE,
            tlv(SET, tlv(SEQUENCE, ORGANIZATION, tlv(UTF8_STRING, ascii("Switchboard")))),
            tlv(SET, tlv(SEQUENCE, COMMON_NAME, tlv(UTF8_STRING, ascii("localhost")))));
    byte[] extensions =
        tlv(
            SEQUENCE,
            // IsCA: Go hosts put the peer's certificate into a root pool and verify against it.
            extension(BASIC_CONSTRAINTS, true, tlv(SEQUENCE, new byte[] {0x01, 0x01, (byte) 0xff})),
            // Bits 0 digitalSignature, 2 keyEncipherment, 4 keyAgreement, 5 keyCertSign: 0xAC with
            // the two unused low bits declared, as DER's named bit strings require.
            extension(KEY_USAGE, true, tlv(BIT_STRING, new byte[] {0x02, (byte) 0xac})),
            extension(EXT_KEY_USAGE, false, tlv(SEQUENCE, CLIENT_AUTH, SERVER_AUTH)),
            // dNSName is [2] IMPLICIT IA5String.
            extension(SUBJECT_ALT_NAME, false, tlv(SEQUENCE, tlv(0x82, ascii("localhost")))));
    byte[] tbs =
        tlv(
            SEQUENCE,
            tlv(0xa0, tlv(INTEGER, new byte[] {0x02})),
            tlv(INTEGER, serial.toByteArray()),
            algorithm,
            name,
            tlv(SEQUENCE, time(notBefore), time(notAfter)),
            name,
            pair.getPublic().getEncoded(),
            tlv(0xa3, extensions));
    Signature signer = Signature.getInstance(signatureAlgorithm);
    signer.initSign(pair.getPrivate());
    signer.update(tbs);
    byte[] signature = signer.sign();
    byte[] bits = new byte[signature.length + 1];
    System.arraycopy(signature, 0, bits, 1, signature.length);
    return tlv(SEQUENCE, tbs, algorithm, tlv(BIT_STRING, bits));
  }

  private static byte[] algorithmOid(String signatureAlgorithm) {
    return switch (signatureAlgorithm) {
      case "SHA256withECDSA" -> ECDSA_WITH_SHA256;
      case "SHA384withECDSA" -> ECDSA_WITH_SHA384;
      case "SHA512withECDSA" -> ECDSA_WITH_SHA512;
      default ->
          throw new IllegalArgumentException(
              "unsupported signature algorithm " + signatureAlgorithm);
    };
  }

  private static byte[] extension(byte[] oid, boolean critical, byte[] value) {
    byte[] octets = tlv(OCTET_STRING, value);
    return critical
        ? tlv(SEQUENCE, oid, new byte[] {0x01, 0x01, (byte) 0xff}, octets)
        : tlv(SEQUENCE, oid, octets);
  }

  /**
   * RFC 5280 4.1.2.5: UTCTime through 2049, GeneralizedTime from 2050, always in UTC with seconds.
   */
  static byte[] time(long epochSecond) {
    LocalDateTime t = LocalDateTime.ofEpochSecond(epochSecond, 0, ZoneOffset.UTC);
    StringBuilder text = new StringBuilder(15);
    int year = t.getYear();
    boolean utc = year >= 1950 && year < 2050;
    if (utc) {
      two(text, year % 100);
    } else {
      two(text, year / 100);
      two(text, year % 100);
    }
    two(text, t.getMonthValue());
    two(text, t.getDayOfMonth());
    two(text, t.getHour());
    two(text, t.getMinute());
    two(text, t.getSecond());
    text.append('Z');
    return tlv(utc ? UTC_TIME : GENERALIZED_TIME, ascii(text.toString()));
  }

  private static void two(StringBuilder text, int value) {
    text.append((char) ('0' + value / 10)).append((char) ('0' + value % 10));
  }

  private static byte[] ascii(String text) {
    return text.getBytes(StandardCharsets.US_ASCII);
  }

  /** Tag, definite length, then the concatenated contents. */
  static byte[] tlv(int tag, byte[]... contents) {
    int length = 0;
    for (byte[] content : contents) {
      length += content.length;
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(length + 6);
    out.write(tag);
    if (length < 0x80) {
      out.write(length);
    } else {
      int bytes = length > 0xffffff ? 4 : length > 0xffff ? 3 : length > 0xff ? 2 : 1;
      out.write(0x80 | bytes);
      for (int i = bytes - 1; i >= 0; i--) {
        out.write(length >>> (8 * i));
      }
    }
    for (byte[] content : contents) {
      out.writeBytes(content);
    }
    return out.toByteArray();
  }
}
