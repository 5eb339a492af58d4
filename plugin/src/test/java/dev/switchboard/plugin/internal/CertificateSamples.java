package dev.switchboard.plugin.internal;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPairGenerator;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;

/**
 * AutoMTLS certificates with a validity chosen by the test, written by {@link
 * SelfSignedCertificate} like the real ones: for tests outside this package that hold the
 * hand-written DER to other parsers, including times past 2049 (GeneralizedTime).
 */
public final class CertificateSamples {
  private CertificateSamples() {}

  /** A certificate of go-plugin's shape on {@code curve}, valid between the two instants. */
  public static X509Certificate validBetween(String curve, Instant notBefore, Instant notAfter)
      throws GeneralSecurityException {
    String signature =
        switch (curve) {
          case "secp256r1" -> "SHA256withECDSA";
          case "secp384r1" -> "SHA384withECDSA";
          case "secp521r1" -> "SHA512withECDSA";
          default -> throw new IllegalArgumentException(curve);
        };
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec(curve));
    byte[] der =
        SelfSignedCertificate.der(
            generator.generateKeyPair(),
            signature,
            BigInteger.valueOf(notAfter.getEpochSecond()),
            notBefore.getEpochSecond(),
            notAfter.getEpochSecond());
    try {
      return AutoMtls.parseDer(der);
    } catch (CertificateException e) {
      throw new GeneralSecurityException("the JDK cannot read the certificate", e);
    }
  }
}
