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
 * <p>Without {@code trusting(...)} or {@code pinning(...)}, a client verifies the server against
 * the JDK's default trust store, and a server does not ask for client certificates. With trust but
 * without {@link #requireClientAuth()}, a server asks for a client certificate but accepts clients
 * without one.
 *
 * <p>Two peers that made throwaway self-signed certificates for each other (as go-plugin's AutoMTLS
 * does) trust exactly one certificate each with {@link #pinning(X509Certificate)}, usually with the
 * {@link Provider#JDK} provider; {@link TlsContext} builds such a context once, ahead of time if
 * wanted, for any number of servers and channels.
 */
public final class TlsConfig {

  /** Which TLS implementation runs the handshakes. */
  public enum Provider {
    /**
     * netty's BoringSSL when its native library loads here, else the JDK's, as grpc-java chooses.
     */
    DEFAULT,
    /**
     * The JDK's TLS. It verifies ECDSA P-521 signatures, which BoringSSL refuses (go-plugin's
     * AutoMTLS certificates are P-521), and its context is made straight from the key and trust
     * managers, without key stores, which costs a cold JVM much less.
     */
    JDK
  }

  private final List<X509Certificate> certificateChain;
  private final @Nullable PrivateKey privateKey;
  private final @Nullable List<X509Certificate> trustedCertificates;
  private final @Nullable X509Certificate pinnedCertificate;
  private final boolean clientAuthRequired;
  private final Provider provider;

  private TlsConfig(
      List<X509Certificate> certificateChain,
      @Nullable PrivateKey privateKey,
      @Nullable List<X509Certificate> trustedCertificates,
      @Nullable X509Certificate pinnedCertificate,
      boolean clientAuthRequired,
      Provider provider) {
    this.certificateChain = List.copyOf(certificateChain);
    this.privateKey = privateKey;
    this.trustedCertificates =
        trustedCertificates == null ? null : List.copyOf(trustedCertificates);
    this.pinnedCertificate = pinnedCertificate;
    this.clientAuthRequired = clientAuthRequired;
    this.provider = provider;
  }

  private static TlsConfig identity(List<X509Certificate> chain, @Nullable PrivateKey key) {
    return new TlsConfig(chain, key, null, null, false, Provider.DEFAULT);
  }

  private static TlsConfig trust(@Nullable List<X509Certificate> certificates) {
    return new TlsConfig(List.of(), null, certificates, null, false, Provider.DEFAULT);
  }

  /**
   * Our identity from PEM files: a certificate chain (leaf first) and its private key (PKCS#8,
   * PKCS#1 or SEC1 EC; unencrypted).
   *
   * @throws IllegalArgumentException naming the file that cannot be read or holds no usable PEM
   */
  public static TlsConfig fromPem(Path certChain, Path privateKey) {
    return identity(Pem.readCertificates(certChain), Pem.readPrivateKey(privateKey));
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
    return identity(certChain, privateKey);
  }

  /**
   * A client config without an identity that verifies the server against the CAs in a PEM file.
   *
   * @throws IllegalArgumentException naming the file that cannot be read or holds no certificate
   */
  public static TlsConfig trustOnly(Path caPem) {
    return trust(Pem.readCertificates(caPem));
  }

  /** A client config without an identity that verifies the server against the given CAs. */
  public static TlsConfig trustOnly(X509Certificate... caCertificates) {
    return trust(nonEmpty(Arrays.asList(caCertificates)));
  }

  /**
   * A client config without an identity that verifies the server against the JDK's default trust
   * store.
   */
  public static TlsConfig systemTrust() {
    return trust(null);
  }

  /**
   * This config, verifying the peer against the CAs in a PEM file (replacing earlier trust).
   *
   * @throws IllegalArgumentException naming the file that cannot be read or holds no certificate
   */
  public TlsConfig trusting(Path caPem) {
    return new TlsConfig(
        certificateChain,
        privateKey,
        Pem.readCertificates(caPem),
        null,
        clientAuthRequired,
        provider);
  }

  /** This config, verifying the peer against the given CAs (replacing earlier trust). */
  public TlsConfig trusting(X509Certificate... caCertificates) {
    return new TlsConfig(
        certificateChain,
        privateKey,
        nonEmpty(Arrays.asList(caCertificates)),
        null,
        clientAuthRequired,
        provider);
  }

  /**
   * This config, trusting exactly one peer certificate (replacing earlier trust): the peer must
   * present this certificate, byte for byte, within its validity period, and prove in the handshake
   * that it holds its key. No CA, signature chain or host name is checked, so the certificate must
   * come from a source trusted for this connection, for example the peer process itself over a
   * pipe. A channel that pins usually sets {@code overrideAuthority} to a name the certificate
   * carries.
   */
  public TlsConfig pinning(X509Certificate peerCertificate) {
    Objects.requireNonNull(peerCertificate, "peerCertificate");
    return new TlsConfig(
        certificateChain, privateKey, null, peerCertificate, clientAuthRequired, provider);
  }

  /**
   * This config, requiring clients to present a certificate that the trust accepts (mTLS). Only
   * meaningful for servers; a server config must also call {@code trusting(...)} or {@code
   * pinning(...)}.
   */
  public TlsConfig requireClientAuth() {
    return new TlsConfig(
        certificateChain, privateKey, trustedCertificates, pinnedCertificate, true, provider);
  }

  /** This config, run by the given TLS implementation; default {@link Provider#DEFAULT}. */
  public TlsConfig provider(Provider provider) {
    Objects.requireNonNull(provider, "provider");
    return new TlsConfig(
        certificateChain,
        privateKey,
        trustedCertificates,
        pinnedCertificate,
        clientAuthRequired,
        provider);
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
   * The CAs that verify the peer; empty means a pinned certificate, or else the JDK's default trust
   * store (clients) or none (servers).
   */
  public Optional<List<X509Certificate>> trustedCertificates() {
    return Optional.ofNullable(trustedCertificates);
  }

  /** The one peer certificate trusted, if the config pins one. */
  public Optional<X509Certificate> pinnedCertificate() {
    return Optional.ofNullable(pinnedCertificate);
  }

  /** Whether the peer is verified against CAs or a pinned certificate (not the JDK's defaults). */
  boolean hasOwnTrust() {
    return trustedCertificates != null || pinnedCertificate != null;
  }

  /** The TLS implementation that runs the handshakes. */
  public Provider provider() {
    return provider;
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
    String trust;
    if (pinnedCertificate != null) {
      trust = "pinned " + pinnedCertificate.getSubjectX500Principal().getName();
    } else if (trustedCertificates != null) {
      trust = trustedCertificates.size() + " CA(s)";
    } else {
      trust = "default";
    }
    return "TlsConfig{identity="
        + subject
        + ", trust="
        + trust
        + ", clientAuthRequired="
        + clientAuthRequired
        + ", provider="
        + provider
        + "}";
  }
}
