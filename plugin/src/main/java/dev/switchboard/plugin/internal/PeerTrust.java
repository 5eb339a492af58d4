package dev.switchboard.plugin.internal;

import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Trust in exactly one peer certificate, which may arrive after the TLS context is built: the host
 * builds its context while the plugin starts, and learns the plugin's certificate from the handshake
 * line. Verification is the JDK's PKIX (with hostname checks) over a trust store holding only that
 * certificate, as go-plugin puts only the peer's certificate in RootCAs/ClientCAs.
 */
public final class PeerTrust extends X509ExtendedTrustManager {
  private final CompletableFuture<X509ExtendedTrustManager> delegate = new CompletableFuture<>();
  private final CompletableFuture<X509Certificate> peer = new CompletableFuture<>();

  public static PeerTrust of(X509Certificate certificate) {
    PeerTrust trust = new PeerTrust();
    trust.complete(certificate);
    return trust;
  }

  /** Sets the one certificate to trust. */
  public void complete(X509Certificate certificate) {
    try {
      KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
      store.load(null, null);
      store.setCertificateEntry("peer", certificate);
      TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      factory.init(store);
      for (TrustManager manager : factory.getTrustManagers()) {
        if (manager instanceof X509ExtendedTrustManager extended) {
          peer.complete(certificate);
          delegate.complete(extended);
          return;
        }
      }
      throw new IllegalStateException("the JDK offers no X509ExtendedTrustManager");
    } catch (GeneralSecurityException | java.io.IOException e) {
      throw new IllegalStateException("cannot trust the peer certificate: " + e.getMessage(), e);
    }
  }

  private X509ExtendedTrustManager delegate() throws CertificateException {
    try {
      return delegate.get(10, TimeUnit.SECONDS);
    } catch (ExecutionException | TimeoutException e) {
      throw new CertificateException("the peer's certificate is not known yet", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CertificateException("interrupted while waiting for the peer's certificate", e);
    }
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
    delegate().checkClientTrusted(chain, authType, socket);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
    delegate().checkServerTrusted(chain, authType, socket);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
    delegate().checkClientTrusted(chain, authType, engine);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
    delegate().checkServerTrusted(chain, authType, engine);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
    delegate().checkClientTrusted(chain, authType);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
    delegate().checkServerTrusted(chain, authType);
  }

  @Override
  public X509Certificate[] getAcceptedIssuers() {
    X509Certificate known = peer.getNow(null);
    return known == null ? new X509Certificate[0] : new X509Certificate[] {known};
  }
}
