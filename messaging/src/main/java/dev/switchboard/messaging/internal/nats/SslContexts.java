package dev.switchboard.messaging.internal.nats;

import dev.switchboard.runtime.TlsConfig;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/** A JDK {@link SSLContext} from a {@link TlsConfig}, for clients that take one (jnats). */
final class SslContexts {
  private SslContexts() {}

  static SSLContext of(TlsConfig tls) {
    try {
      char[] password = new char[0];
      KeyManagerFactory keys = null;
      if (tls.privateKey().isPresent()) {
        KeyStore identity = KeyStore.getInstance("PKCS12");
        identity.load(null, null);
        identity.setKeyEntry(
            "identity",
            tls.privateKey().get(),
            password,
            tls.certificateChain().toArray(X509Certificate[]::new));
        keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(identity, password);
      }
      TrustManagerFactory trust =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      if (tls.trustedCertificates().isPresent()) {
        KeyStore cas = KeyStore.getInstance("PKCS12");
        cas.load(null, null);
        List<X509Certificate> list = tls.trustedCertificates().get();
        for (int i = 0; i < list.size(); i++) {
          cas.setCertificateEntry("ca-" + i, list.get(i));
        }
        trust.init(cas);
      } else {
        trust.init((KeyStore) null);
      }
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(
          keys == null ? null : keys.getKeyManagers(),
          trust.getTrustManagers(),
          new SecureRandom());
      return context;
    } catch (GeneralSecurityException | java.io.IOException e) {
      throw new IllegalArgumentException(
          "cannot use the TLS config for NATS: " + e.getMessage(), e);
    }
  }
}
