package dev.switchboard.bridge.internal;

import dev.switchboard.runtime.TlsConfig;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/** runtime's {@link TlsConfig} as a JDK {@link SSLContext}, for the HTTP client. */
final class TlsContexts {
  private TlsContexts() {}

  static SSLContext sslContext(TlsConfig tls) {
    try {
      char[] none = new char[0];
      KeyManagerFactory kmf = null;
      if (tls.privateKey().isPresent()) {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry(
            "identity",
            tls.privateKey().get(),
            none,
            tls.certificateChain().toArray(new X509Certificate[0]));
        kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, none);
      }
      TrustManagerFactory tmf = null;
      if (tls.trustedCertificates().isPresent()) {
        KeyStore ts = KeyStore.getInstance("PKCS12");
        ts.load(null, null);
        List<X509Certificate> cas = tls.trustedCertificates().get();
        for (int i = 0; i < cas.size(); i++) {
          ts.setCertificateEntry("ca" + i, cas.get(i));
        }
        tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ts);
      }
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(
          kmf == null ? null : kmf.getKeyManagers(),
          tmf == null ? null : tmf.getTrustManagers(),
          null);
      return ctx;
    } catch (GeneralSecurityException | java.io.IOException e) {
      throw new IllegalArgumentException("cannot build a TLS context from " + tls, e);
    }
  }
}
