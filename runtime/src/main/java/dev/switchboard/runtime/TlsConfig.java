package dev.switchboard.runtime;

import dev.switchboard.runtime.internal.Pem;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * TLS settings for a server or a channel: our identity (certificate chain and private key), the
 * certificate authorities we trust to verify the peer, and whether a server requires client
 * certificates (mTLS).
 *
 * <p>Immutable; each method returns a new config. PEM files are read and checked eagerly, so a bad
 * file fails here with its path, not later during a handshake. Typical uses:
 *
 * <pre>{@code
 * // server, TLS only
 * TlsConfig.fromPem(Path.of("server.pem"), Path.of("server.key"));
 * // server, mTLS
 * TlsConfig.fromPem(Path.of("server.pem"), Path.of("server.key")).trusting(Path.of("ca.pem")).requireClientAuth();
 * // client verifying the server
 * TlsConfig.trustOnly(Path.of("ca.pem"));
 * // client with its own certificate (mTLS)
 * TlsConfig.fromPem(Path.of("client.pem"), Path.of("client.key")).trusting(Path.of("ca.pem"));
 * }</pre>
 *
 * <p>Without {@code trusting(...)}, a client verifies the server against the JDK's default trust
 * store, and a server does not ask for client certificates. With {@code trusting(...)} but without
 * {@link #requireClientAuth()}, a server asks for a client certificate but accepts clients without
 * one.
 */
public final class TlsConfig {

  private final List<X509Certificate> certificateChain;
  private final @Nullable PrivateKey privateKey;
  private final @Nullable List<X509Certificate> trustedCertificates;
  private final boolean clientAuthRequired;

  private TlsConfig(
      List<X509Certificate> certificateChain,
      @Nullable PrivateKey privateKey,
      @Nullable List<X509Certificate> trustedCertificates,
      boolean clientAuthRequired) {
    this.certificateChain = List.copyOf(certificateChain);
    this.privateKey = privateKey;
    this.trustedCertificates =
        trustedCertificates == null ? null : List.copyOf(trustedCertificates);
    this.clientAuthRequired = clientAuthRequired;
  }

  /**
   * Our identity from PEM files: a certificate chain (leaf first) and its private key (PKCS#8,
   * PKCS#1 or SEC1 EC; unencrypted).
   *
   * @throws IllegalArgumentException naming the file that cannot be read or holds no usable PEM
   */
  public static TlsConfig fromPem(Path certChain, Path privateKey) {
    return new TlsConfig(
        Pem.readCertificates(certChain), Pem.readPrivateKey(privateKey), null, false);
  }

  /** Our identity from in-memory objects: the private key and its certificate chain, leaf first. */
  public static TlsConfig fromCertificates(PrivateKey privateKey, X509Certificate... certChain) {
    return fromCertificates(privateKey, Arrays.asList(certChain));
  }

  /** Our identity from in-memory objects: the private key and its certificate chain, leaf first. */
  public static TlsConfig fromCertificates(PrivateKey privateKey, List<X509Certificate> certChain) {
    Objects.requireNonNull(privateKey, "privateKey");
    if (certChain.isEmpty()) {
      throw new IllegalArgumentException("TLS identity needs at least one certificate");
    }
    return new TlsConfig(certChain, privateKey, null, false);
  }

  /**
   * A client config without an identity that verifies the server against the CAs in a PEM file.
   *
   * @throws IllegalArgumentException naming the file that cannot be read or holds no certificate
   */
  public static TlsConfig trustOnly(Path caPem) {
    return new TlsConfig(List.of(), null, Pem.readCertificates(caPem), false);
  }

  /** A client config without an identity that verifies the server against the given CAs. */
  public static TlsConfig trustOnly(X509Certificate... caCertificates) {
    return new TlsConfig(List.of(), null, nonEmpty(Arrays.asList(caCertificates)), false);
  }

  /**
   * A client config without an identity that verifies the server against the JDK's default trust
   * store.
   */
  public static TlsConfig systemTrust() {
    return new TlsConfig(List.of(), null, null, false);
  }

  /**
   * This config, verifying the peer against the CAs in a PEM file (replacing earlier trust).
   *
   * @throws IllegalArgumentException naming the file that cannot be read or holds no certificate
   */
  public TlsConfig trusting(Path caPem) {
    return new TlsConfig(
        certificateChain, privateKey, Pem.readCertificates(caPem), clientAuthRequired);
  }

  /** This config, verifying the peer against the given CAs (replacing earlier trust). */
  public TlsConfig trusting(X509Certificate... caCertificates) {
    return new TlsConfig(
        certificateChain, privateKey, nonEmpty(Arrays.asList(caCertificates)), clientAuthRequired);
  }

  /**
   * This config, requiring clients to present a certificate signed by a trusted CA (mTLS). Only
   * meaningful for servers; a server config must also call {@code trusting(...)}.
   */
  public TlsConfig requireClientAuth() {
    return new TlsConfig(certificateChain, privateKey, trustedCertificates, true);
  }

  /** Our certificate chain, leaf first; empty for a client without an identity. */
  public List<X509Certificate> certificateChain() {
    return certificateChain;
  }

  /** Our private key, if we have an identity. */
  public Optional<PrivateKey> privateKey() {
    return Optional.ofNullable(privateKey);
  }

  /**
   * The CAs that verify the peer; empty means the JDK's default trust store (clients) or none
   * (servers).
   */
  public Optional<List<X509Certificate>> trustedCertificates() {
    return Optional.ofNullable(trustedCertificates);
  }

  /** Whether a server requires client certificates. */
  public boolean clientAuthRequired() {
    return clientAuthRequired;
  }

  private static List<X509Certificate> nonEmpty(List<X509Certificate> certificates) {
    if (certificates.isEmpty()) {
      throw new IllegalArgumentException("trust needs at least one CA certificate");
    }
    return certificates;
  }

  @Override
  public String toString() {
    String subject =
        certificateChain.isEmpty()
            ? "none"
            : certificateChain.get(0).getSubjectX500Principal().getName();
    return "TlsConfig{identity="
        + subject
        + ", trust="
        + (trustedCertificates == null ? "default" : trustedCertificates.size() + " CA(s)")
        + ", clientAuthRequired="
        + clientAuthRequired
        + "}";
  }
}
