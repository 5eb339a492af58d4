package dev.switchboard.plugin.internal;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Throwaway identities for go-plugin's AutoMTLS. Each side makes a fresh self-signed ECDSA P-521
 * certificate for {@code localhost} and trusts exactly the other side's certificate.
 *
 * <p>The certificate has the shape go-plugin's {@code mtls.go} gives its own: CN and DNS SAN
 * {@code localhost}, a CA (so Go's verifier accepts it as its own root), key usages digital
 * signature, key encipherment, key agreement and cert sign, and both client and server auth,
 * valid from 30 s ago. Go hosts put it in a {@code RootCAs} pool and verify with
 * {@code ServerName: "localhost"}, so the SAN is what matters.
 */
public final class AutoMtls {
  private static final SecureRandom RANDOM = new SecureRandom();

  private AutoMtls() {}

  /** A certificate with its private key. */
  public record Identity(X509Certificate certificate, PrivateKey privateKey) {
    public String certificatePem() {
      return pem("CERTIFICATE", encoded(certificate));
    }

    /** PKCS#8, which both the JDK and netty read. */
    public String privateKeyPem() {
      return pem("PRIVATE KEY", privateKey.getEncoded());
    }

    /**
     * The handshake line's CERT field: DER in base64, standard alphabet, no padding (go-plugin
     * uses {@code base64.RawStdEncoding} because the line cannot carry PEM's newlines).
     */
    public String handshakeField() {
      return Base64.getEncoder().withoutPadding().encodeToString(encoded(certificate));
    }

    public InputStream certificateStream() {
      return new ByteArrayInputStream(certificatePem().getBytes(StandardCharsets.US_ASCII));
    }

    public InputStream privateKeyStream() {
      return new ByteArrayInputStream(privateKeyPem().getBytes(StandardCharsets.US_ASCII));
    }
  }

  /** Generates a new identity; the key never leaves this process. */
  public static Identity generate() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec("secp521r1"), RANDOM);
      KeyPair pair = generator.generateKeyPair();
      X500Name name = new X500Name("CN=localhost,O=Switchboard");
      Instant now = Instant.now();
      JcaX509v3CertificateBuilder builder =
          new JcaX509v3CertificateBuilder(
              name,
              new BigInteger(128, RANDOM).add(BigInteger.ONE),
              Date.from(now.minus(Duration.ofSeconds(30))),
              // go-plugin's certificates are valid for about 30 years; ours live as long as a process.
              Date.from(now.plus(Duration.ofDays(3650))),
              name,
              pair.getPublic());
      builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
      builder.addExtension(
          Extension.keyUsage,
          true,
          new KeyUsage(
              KeyUsage.digitalSignature
                  | KeyUsage.keyEncipherment
                  | KeyUsage.keyAgreement
                  | KeyUsage.keyCertSign));
      builder.addExtension(
          Extension.extendedKeyUsage,
          false,
          new ExtendedKeyUsage(
              new KeyPurposeId[] {KeyPurposeId.id_kp_clientAuth, KeyPurposeId.id_kp_serverAuth}));
      builder.addExtension(
          Extension.subjectAlternativeName,
          false,
          new GeneralNames(new GeneralName(GeneralName.dNSName, "localhost")));
      X509CertificateHolder holder =
          builder.build(new JcaContentSignerBuilder("SHA512withECDSA").build(pair.getPrivate()));
      X509Certificate certificate = parseDer(holder.getEncoded());
      return new Identity(certificate, pair.getPrivate());
    } catch (GeneralSecurityException | OperatorCreationException | java.io.IOException e) {
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
      throw new IllegalArgumentException("PLUGIN_CLIENT_CERT is not a PEM certificate: " + e.getMessage(), e);
    }
  }

  /** Parses the handshake line's CERT field; accepts padded and unpadded base64. */
  public static X509Certificate parseHandshakeField(String field) {
    byte[] der;
    try {
      der = Base64.getDecoder().decode(field.trim());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("the certificate field is not base64: " + e.getMessage(), e);
    }
    try {
      return parseDer(der);
    } catch (CertificateException e) {
      throw new IllegalArgumentException("the certificate field is not a DER certificate: " + e.getMessage(), e);
    }
  }

  static X509Certificate parseDer(byte[] der) throws CertificateException {
    return (X509Certificate)
        CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(der));
  }

  public static String pem(X509Certificate certificate) {
    return pem("CERTIFICATE", encoded(certificate));
  }

  public static InputStream pemStream(X509Certificate certificate) {
    return new ByteArrayInputStream(pem(certificate).getBytes(StandardCharsets.US_ASCII));
  }

  static byte[] encoded(X509Certificate certificate) {
    try {
      return certificate.getEncoded();
    } catch (java.security.cert.CertificateEncodingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String pem(String type, byte[] der) {
    String body = Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der);
    return "-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n";
  }
}
