package dev.switchboard.plugin.internal;

import dev.switchboard.runtime.TlsConfig;
import dev.switchboard.runtime.TlsContext;
import java.io.ByteArrayInputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;
import javax.net.ssl.SNIHostName;

/**
 * Throwaway identities for go-plugin's AutoMTLS. Each side makes a fresh self-signed ECDSA
 * certificate for {@code localhost} and trusts exactly the other side's certificate.
 *
 * <p>The certificate has the shape go-plugin's {@code mtls.go} gives its own: CN and DNS SAN {@code
 * localhost}, a CA (so Go's verifier accepts it as its own root), key usages digital signature, key
 * encipherment, key agreement and cert sign, and both client and server auth, valid from 30 s ago.
 * Go hosts put it in a {@code RootCAs} pool and verify with {@code ServerName: "localhost"}, so the
 * SAN is what matters.
 *
 * <p>go-plugin uses P-521; ours are P-256 (ECDSA with SHA-256). Go's crypto/tls accepts P-256,
 * P-384 and P-521 certificates, and a P-256 key is several times cheaper to make and to sign with
 * in a cold JVM, which is where a plugin starts. The peer's certificate may be any of the three:
 * the JDK's TLS verifies P-521 signatures from Go peers.
 */
public final class AutoMtls {
  /** The curve of our own certificates. */
  public static final String CURVE = "secp256r1";

  /** go-plugin's AutoMTLS certificates are valid about 30 years; ours live as long as a process. */
  private static final long VALIDITY_SECONDS = 10L * 366 * 24 * 3600;

  private static final SecureRandom RANDOM = new SecureRandom();

  private AutoMtls() {}

  /** A certificate with its private key. */
  public record Identity(X509Certificate certificate, PrivateKey privateKey) {
    /** The certificate in PEM, as a host passes it in {@code PLUGIN_CLIENT_CERT}. */
    public String certificatePem() {
      return pem("CERTIFICATE", encoded(certificate));
    }

    /**
     * The handshake line's CERT field: DER in base64, standard alphabet, no padding (go-plugin uses
     * {@code base64.RawStdEncoding} because the line cannot carry PEM's newlines).
     */
    public String handshakeField() {
      return Base64.getEncoder().withoutPadding().encodeToString(encoded(certificate));
    }

    /** Redacted: the key never reaches a log. */
    @Override
    public String toString() {
      return "Identity{" + certificate.getSubjectX500Principal() + ", key redacted}";
    }
  }

  /**
   * Initialises what every AutoMTLS context needs but our identity: the JDK's TLS provider and
   * default trust store (which netty's JDK support reads once), netty's JDK support, and {@link
   * java.net.IDN}. A cold JVM spends tens of milliseconds there, so a plugin runs this on another
   * thread while it makes its identity. It builds and drops a JDK client context pinned to {@code
   * anyCertificate}, which loads and initialises the same classes as the real one without reading a
   * trust store of its own. Go hosts send the SNI name {@code localhost}, whose parsing would load
   * ICU data (~12 ms) in the middle of the first handshake. Failures are left for the real context
   * to report.
   */
  public static void preloadTls(X509Certificate anyCertificate) {
    try {
      TlsContext.forClient(
              TlsConfig.systemTrust().pinning(anyCertificate).provider(TlsConfig.Provider.JDK))
          .prepare();
      new SNIHostName("localhost".getBytes(StandardCharsets.US_ASCII));
    } catch (RuntimeException e) {
      // Reported where the real context is built.
    }
  }

  /** Generates a new P-256 identity; the key never leaves this process. */
  public static Identity generate() {
    return generate(CURVE);
  }

  /**
   * Generates a new identity on {@code curve}: secp256r1, secp384r1 or secp521r1 (go-plugin's),
   * signed with SHA-256, SHA-384 or SHA-512 respectively, as Go's x509 pairs them.
   */
  public static Identity generate(String curve) {
    String signature =
        switch (curve) {
          case "secp256r1" -> "SHA256withECDSA";
          case "secp384r1" -> "SHA384withECDSA";
          case "secp521r1" -> "SHA512withECDSA";
          default -> throw new IllegalArgumentException("unsupported AutoMTLS curve " + curve);
        };
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec(curve), RANDOM);
      KeyPair pair = generator.generateKeyPair();
      long now = System.currentTimeMillis() / 1000;
      byte[] der =
          SelfSignedCertificate.der(
              pair,
              signature,
              new BigInteger(128, RANDOM).add(BigInteger.ONE),
              now - 30,
              now + VALIDITY_SECONDS);
      return new Identity(parseDer(der), pair.getPrivate());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot generate the AutoMTLS certificate: " + e, e);
    }
  }

  /** Parses the host's {@code PLUGIN_CLIENT_CERT} (PEM). */
  public static X509Certificate parsePem(String pem) {
    try {
      CertificateFactory factory = CertificateFactory.getInstance("X.509");
      return (X509Certificate)
          factory.generateCertificate(
              new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
    } catch (CertificateException e) {
      throw new IllegalArgumentException(
          "PLUGIN_CLIENT_CERT is not a PEM certificate: " + e.getMessage(), e);
    }
  }

  /** Parses the handshake line's CERT field; accepts padded and unpadded base64. */
  public static X509Certificate parseHandshakeField(String field) {
    byte[] der;
    try {
      der = Base64.getDecoder().decode(field.trim());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "the certificate field is not base64: " + e.getMessage(), e);
    }
    try {
      return parseDer(der);
    } catch (CertificateException e) {
      throw new IllegalArgumentException(
          "the certificate field is not a DER certificate: " + e.getMessage(), e);
    }
  }

  static X509Certificate parseDer(byte[] der) throws CertificateException {
    return (X509Certificate)
        CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(der));
  }

  static byte[] encoded(X509Certificate certificate) {
    try {
      return certificate.getEncoded();
    } catch (CertificateEncodingException e) {
      throw new IllegalStateException("cannot encode our own certificate", e);
    }
  }

  private static String pem(String type, byte[] der) {
    String body = Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der);
    return "-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n";
  }
}
