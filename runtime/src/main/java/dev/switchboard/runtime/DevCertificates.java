package dev.switchboard.runtime;

import dev.switchboard.runtime.internal.Pem;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.AuthorityKeyIdentifier;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.SubjectKeyIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Development certificates made in memory: an EC P-256 certificate authority, a server certificate
 * for {@code localhost}, {@code 127.0.0.1} and {@code ::1}, and a client certificate, both signed
 * by the CA. For tests and local demos only: the keys live in memory and the certificates expire
 * after 30 days.
 *
 * <pre>{@code
 * DevCertificates dev = DevCertificates.generate();
 * SwitchboardServer server = SwitchboardServer.builder("localhost:0").tls(dev.serverTls()).build().start();
 * ManagedChannel channel = SwitchboardChannel.builder(server.target()).tls(dev.clientTls()).build();
 * }</pre>
 */
public final class DevCertificates {

  /** File names written by {@link #writePem(Path)}. */
  public static final String CA_CERT = "ca.pem";

  /** File names written by {@link #writePem(Path)}. */
  public static final String SERVER_CERT = "server.pem";

  /** File names written by {@link #writePem(Path)}. */
  public static final String SERVER_KEY = "server.key";

  /** File names written by {@link #writePem(Path)}. */
  public static final String CLIENT_CERT = "client.pem";

  /** File names written by {@link #writePem(Path)}. */
  public static final String CLIENT_KEY = "client.key";

  private static final Duration VALIDITY = Duration.ofDays(30);
  private static final String SIGNATURE = "SHA256withECDSA";

  private final X509Certificate ca;
  private final X509Certificate serverCert;
  private final KeyPair serverKeys;
  private final X509Certificate clientCert;
  private final KeyPair clientKeys;

  private DevCertificates(
      X509Certificate ca,
      X509Certificate serverCert,
      KeyPair serverKeys,
      X509Certificate clientCert,
      KeyPair clientKeys) {
    this.ca = ca;
    this.serverCert = serverCert;
    this.serverKeys = serverKeys;
    this.clientCert = clientCert;
    this.clientKeys = clientKeys;
  }

  /** Generates a fresh CA, server certificate and client certificate. Takes a few milliseconds. */
  public static DevCertificates generate() {
    try {
      SecureRandom random = new SecureRandom();
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec("secp256r1"), random);
      Instant now = Instant.now();
      // Back-date a little so a peer whose clock is slightly behind still accepts the certificates.
      Date notBefore = Date.from(now.minus(Duration.ofHours(1)));
      Date notAfter = Date.from(now.plus(VALIDITY));

      KeyPair caKeys = generator.generateKeyPair();
      X500Name caName = new X500Name("CN=Switchboard Dev CA");
      X509v3CertificateBuilder caBuilder =
          new JcaX509v3CertificateBuilder(
              caName, serial(random), notBefore, notAfter, caName, caKeys.getPublic());
      caBuilder.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
      caBuilder.addExtension(
          Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
      caBuilder.addExtension(
          Extension.subjectKeyIdentifier,
          false,
          new SubjectKeyIdentifier(keyIdentifier(caKeys.getPublic())));
      X509Certificate ca = sign(caBuilder, caKeys);

      KeyPair serverKeys = generator.generateKeyPair();
      X509v3CertificateBuilder serverBuilder =
          leaf(
              ca,
              caName,
              "CN=localhost",
              serverKeys,
              notBefore,
              notAfter,
              random,
              KeyPurposeId.id_kp_serverAuth);
      serverBuilder.addExtension(
          Extension.subjectAlternativeName,
          false,
          new GeneralNames(
              new GeneralName[] {
                new GeneralName(GeneralName.dNSName, "localhost"),
                new GeneralName(GeneralName.iPAddress, "127.0.0.1"),
                new GeneralName(GeneralName.iPAddress, "::1"),
              }));
      X509Certificate serverCert = sign(serverBuilder, caKeys);

      KeyPair clientKeys = generator.generateKeyPair();
      X509v3CertificateBuilder clientBuilder =
          leaf(
              ca,
              caName,
              "CN=switchboard-dev-client",
              clientKeys,
              notBefore,
              notAfter,
              random,
              KeyPurposeId.id_kp_clientAuth);
      X509Certificate clientCert = sign(clientBuilder, caKeys);

      return new DevCertificates(ca, serverCert, serverKeys, clientCert, clientKeys);
    } catch (GeneralSecurityException | CertIOException | OperatorCreationException e) {
      throw new IllegalStateException(
          "cannot generate development certificates: " + e.getMessage(), e);
    }
  }

  private static X509v3CertificateBuilder leaf(
      X509Certificate ca,
      X500Name caName,
      String subject,
      KeyPair keys,
      Date notBefore,
      Date notAfter,
      SecureRandom random,
      KeyPurposeId purpose)
      throws CertIOException, GeneralSecurityException {
    X509v3CertificateBuilder builder =
        new JcaX509v3CertificateBuilder(
            caName, serial(random), notBefore, notAfter, new X500Name(subject), keys.getPublic());
    builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
    builder.addExtension(
        Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyAgreement));
    builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purpose));
    builder.addExtension(
        Extension.authorityKeyIdentifier,
        false,
        new AuthorityKeyIdentifier(keyIdentifier(ca.getPublicKey())));
    builder.addExtension(
        Extension.subjectKeyIdentifier,
        false,
        new SubjectKeyIdentifier(keyIdentifier(keys.getPublic())));
    return builder;
  }

  /**
   * The RFC 5280 (4.2.1.2, method 1) key identifier: SHA-1 of the subject public key bits. Computed
   * with the JDK's digest because BouncyCastle's extension helper takes about a second to
   * initialise.
   */
  private static byte[] keyIdentifier(PublicKey key) throws GeneralSecurityException {
    byte[] bits = SubjectPublicKeyInfo.getInstance(key.getEncoded()).getPublicKeyData().getBytes();
    return MessageDigest.getInstance("SHA-1").digest(bits);
  }

  private static BigInteger serial(SecureRandom random) {
    return new BigInteger(64, random).add(BigInteger.ONE);
  }

  private static X509Certificate sign(X509v3CertificateBuilder builder, KeyPair issuer)
      throws OperatorCreationException, GeneralSecurityException {
    ContentSigner signer = new JcaContentSignerBuilder(SIGNATURE).build(issuer.getPrivate());
    return new JcaX509CertificateConverter().getCertificate(builder.build(signer));
  }

  /**
   * The server's TLS config: the server certificate, trusting the dev CA. Add {@link
   * TlsConfig#requireClientAuth()} for mTLS.
   */
  public TlsConfig serverTls() {
    return TlsConfig.fromCertificates(serverKeys.getPrivate(), serverCert).trusting(ca);
  }

  /**
   * The client's TLS config: the client certificate (used when the server asks), trusting the dev
   * CA.
   */
  public TlsConfig clientTls() {
    return TlsConfig.fromCertificates(clientKeys.getPrivate(), clientCert).trusting(ca);
  }

  /** The dev CA's certificate. */
  public X509Certificate caCertificate() {
    return ca;
  }

  /** The server certificate. */
  public X509Certificate serverCertificate() {
    return serverCert;
  }

  /** The client certificate. */
  public X509Certificate clientCertificate() {
    return clientCert;
  }

  /**
   * Writes {@value #CA_CERT}, {@value #SERVER_CERT}, {@value #SERVER_KEY}, {@value #CLIENT_CERT}
   * and {@value #CLIENT_KEY} into a directory (created if missing), each with permissions 0600,
   * replacing files of the same names.
   */
  public void writePem(Path dir) throws IOException {
    Files.createDirectories(dir);
    Pem.writePrivate(dir.resolve(CA_CERT), Pem.certificates(List.of(ca)));
    Pem.writePrivate(dir.resolve(SERVER_CERT), Pem.certificates(List.of(serverCert)));
    Pem.writePrivate(dir.resolve(SERVER_KEY), Pem.privateKey(serverKeys.getPrivate()));
    Pem.writePrivate(dir.resolve(CLIENT_CERT), Pem.certificates(List.of(clientCert)));
    Pem.writePrivate(dir.resolve(CLIENT_KEY), Pem.privateKey(clientKeys.getPrivate()));
  }
}
