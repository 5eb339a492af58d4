package dev.switchboard.runtime.internal;

import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;
import org.jspecify.annotations.Nullable;

/**
 * Trust in exactly one peer certificate: the peer must present it, byte for byte, within its
 * validity period. No CA, chain or host name is checked, and no KeyStore or PKIX is involved; the
 * handshake's CertificateVerify, which the JDK checks before asking us, proves the peer holds the
 * certificate's key.
 *
 * <p>This is how Go treats a self-signed certificate that is itself the only root of a pool
 * (go-plugin's AutoMTLS): a root is trusted by being in the pool, its validity period is checked,
 * its self-signature is not.
 */
final class PinnedTrustManager extends X509ExtendedTrustManager {
  private final X509Certificate pinned;

  PinnedTrustManager(X509Certificate pinned) {
    this.pinned = pinned;
  }

  private void check(X509Certificate @Nullable [] chain) throws CertificateException {
    if (chain == null || chain.length == 0) {
      throw new CertificateException("the peer sent no certificate");
    }
    if (!pinned.equals(chain[0])) {
      throw new CertificateException(
          "the peer's certificate is not the one pinned for this connection (peer subject "
              + chain[0].getSubjectX500Principal()
              + ")");
    }
    pinned.checkValidity();
  }

  @Override
  public void checkClientTrusted(
      X509Certificate @Nullable [] chain, String authType, @Nullable Socket socket)
      throws CertificateException {
    check(chain);
  }

  @Override
  public void checkServerTrusted(
      X509Certificate @Nullable [] chain, String authType, @Nullable Socket socket)
      throws CertificateException {
    check(chain);
  }

  @Override
  public void checkClientTrusted(
      X509Certificate @Nullable [] chain, String authType, @Nullable SSLEngine engine)
      throws CertificateException {
    check(chain);
  }

  @Override
  public void checkServerTrusted(
      X509Certificate @Nullable [] chain, String authType, @Nullable SSLEngine engine)
      throws CertificateException {
    check(chain);
  }

  @Override
  public void checkClientTrusted(X509Certificate @Nullable [] chain, String authType)
      throws CertificateException {
    check(chain);
  }

  @Override
  public void checkServerTrusted(X509Certificate @Nullable [] chain, String authType)
      throws CertificateException {
    check(chain);
  }

  /**
   * The pinned certificate: a server names it as the acceptable issuer, so a Go client, which sends
   * only a certificate whose issuer the server accepts, sends its self-signed one.
   */
  @Override
  public X509Certificate[] getAcceptedIssuers() {
    return new X509Certificate[] {pinned};
  }
}
