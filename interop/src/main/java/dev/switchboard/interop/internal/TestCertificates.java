package dev.switchboard.interop.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;

/**
 * The grpc interop test CA and its {@code server1} identity (for {@code *.test.google.fr}), bundled
 * at build time from io.grpc:grpc-testing's {@code certs/}. Every gRPC implementation's interop
 * client trusts exactly this CA with {@code --use_test_ca}, so a server that wants to be
 * interchangeable with theirs must present this certificate.
 */
final class TestCertificates {
  /** The host name the test certificate is valid for; clients pass it as the host override. */
  static final String SERVER_HOST_OVERRIDE = "foo.test.google.fr";

  private TestCertificates() {}

  static X509Certificate ca() {
    return certificate("certs/ca.pem");
  }

  static X509Certificate server1() {
    return certificate("certs/server1.pem");
  }

  static PrivateKey server1Key() {
    String pem = resource("certs/server1.key");
    String base64 = pem.replaceAll("-----(BEGIN|END) PRIVATE KEY-----", "").replaceAll("\\s", "");
    try {
      return KeyFactory.getInstance("RSA")
          .generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(base64)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("bundled certs/server1.key is not a PKCS#8 RSA key", e);
    }
  }

  private static X509Certificate certificate(String name) {
    try {
      return (X509Certificate)
          CertificateFactory.getInstance("X.509")
              .generateCertificate(
                  new java.io.ByteArrayInputStream(
                      resource(name).getBytes(StandardCharsets.US_ASCII)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("bundled " + name + " is not an X.509 certificate", e);
    }
  }

  private static String resource(String name) {
    try (InputStream in = TestCertificates.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException(
            name
                + " is missing from the classpath; it is unpacked from io.grpc:grpc-testing by"
                + " the interop module's build (mvn -pl interop package)");
      }
      return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
