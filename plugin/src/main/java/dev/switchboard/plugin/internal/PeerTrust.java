package dev.switchboard.plugin.internal;

import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Trust in exactly one peer certificate, which may arrive after the TLS context is built: the host
 * builds its context while the plugin starts, and learns the plugin's certificate from the
 * handshake line.
 *
 * <p>go-plugin puts only the peer's self-signed certificate into {@code RootCAs}/{@code ClientCAs};
 * Go then accepts a peer whose certificate is that root itself, checking its validity period but
 * not its self-signature (a root is trusted by being in the pool). This manager does the same
 * without a KeyStore or PKIX: the peer must present exactly the pinned certificate (byte for byte)
 * within its validity period, and the TLS handshake's CertificateVerify, which the JDK checks
 * before asking us, proves the peer holds its key. The certificate came over the plugin's stdout or
 * environment from the process we trust, so no name check adds anything.
 */
public final class PeerTrust extends X509ExtendedTrustManager {
  private final CompletableFuture<X509Certificate> peer = new CompletableFuture<>();

  public static PeerTrust of(X509Certificate certificate) {
    PeerTrust trust = new PeerTrust();
    trust.complete(certificate);
    return trust;
  }

  /** Sets the one certificate to trust. */
  public void complete(X509Certificate certificate) {
    peer.complete(certificate);
  }

  private void check(X509Certificate[] chain) throws CertificateException {
    X509Certificate expected;
    try {
      expected = peer.get(10, TimeUnit.SECONDS);
    } catch (ExecutionException | TimeoutException e) {
      throw new CertificateException("the peer's certificate is not known yet", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CertificateException("interrupted while waiting for the peer's certificate", e);
    }
    if (chain == null || chain.length == 0) {
      throw new CertificateException("the peer sent no certificate");
    }
    if (!expected.equals(chain[0])) {
      throw new CertificateException(
          "the peer's certificate is not the one announced for this plugin connection (subject "
              + chain[0].getSubjectX500Principal()
              + ")");
    }
    expected.checkValidity();
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    check(chain);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    check(chain);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    check(chain);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    check(chain);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType)
      throws CertificateException {
    check(chain);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType)
      throws CertificateException {
    check(chain);
  }

  @Override
  public X509Certificate[] getAcceptedIssuers() {
    X509Certificate known = peer.getNow(null);
    return known == null ? new X509Certificate[0] : new X509Certificate[] {known};
  }
}
