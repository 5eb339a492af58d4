package dev.switchboard.runtime.internal;

import dev.switchboard.runtime.TlsConfig;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.netty.handler.codec.http2.Http2SecurityUtil;
import io.grpc.netty.shaded.io.netty.handler.ssl.ApplicationProtocolConfig;
import io.grpc.netty.shaded.io.netty.handler.ssl.ClientAuth;
import io.grpc.netty.shaded.io.netty.handler.ssl.JdkSslContext;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContext;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContextBuilder;
import io.grpc.netty.shaded.io.netty.handler.ssl.SupportedCipherSuiteFilter;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import org.jspecify.annotations.Nullable;

/**
 * Netty SSL contexts for gRPC (ALPN h2, HTTP/2 ciphers) from a {@link TlsConfig}.
 *
 * <p>With {@link TlsConfig.Provider#JDK} the JDK's {@link SSLContext} is initialised with our key
 * and trust managers directly. netty's {@link SslContextBuilder} would first put the key into a
 * PKCS12 key store protected with PBKDF2 and run the JDK's key and trust manager factories, which
 * costs a cold JVM more than all the rest of a TLS set-up.
 */
public final class TlsContexts {

  /** gRPC's ALPN: h2 only, as {@link GrpcSslContexts} configures it for the JDK provider. */
  private static final ApplicationProtocolConfig ALPN =
      new ApplicationProtocolConfig(
          ApplicationProtocolConfig.Protocol.ALPN,
          ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
          ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
          "h2");

  /** TLS 1.3 and 1.2, as grpc-java and go-plugin (MinVersion TLS 1.2) allow. */
  private static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};

  private TlsContexts() {}

  /**
   * A server context. With trust, clients are asked for a certificate; {@code requireClientAuth}
   * makes it mandatory (mTLS).
   */
  public static SslContext forServer(TlsConfig config)
      throws SSLException, GeneralSecurityException {
    PrivateKey key = config.privateKey().orElseThrow(TlsContexts::noIdentity);
    List<X509Certificate> chain = config.certificateChain();
    ClientAuth clientAuth;
    if (config.clientAuthRequired()) {
      clientAuth = ClientAuth.REQUIRE;
    } else if (config.trustedCertificates().isPresent() || config.pinnedCertificate().isPresent()) {
      clientAuth = ClientAuth.OPTIONAL;
    } else {
      clientAuth = ClientAuth.NONE;
    }
    if (config.provider() == TlsConfig.Provider.JDK) {
      return jdk(config, false, clientAuth);
    }
    SslContextBuilder builder =
        SslContextBuilder.forServer(key, chain.toArray(X509Certificate[]::new))
            .clientAuth(clientAuth);
    return GrpcSslContexts.configure(trust(builder, config)).build();
  }

  /** A client context; without trust the JDK's default trust store verifies the server. */
  public static SslContext forClient(TlsConfig config)
      throws SSLException, GeneralSecurityException {
    if (config.provider() == TlsConfig.Provider.JDK) {
      return jdk(config, true, ClientAuth.NONE);
    }
    SslContextBuilder builder = GrpcSslContexts.forClient();
    Optional<PrivateKey> key = config.privateKey();
    if (key.isPresent() && !config.certificateChain().isEmpty()) {
      builder.keyManager(key.get(), config.certificateChain().toArray(X509Certificate[]::new));
    }
    return trust(builder, config).build();
  }

  /** netty's own trust set-up for CAs; a pinned certificate through its trust manager. */
  private static SslContextBuilder trust(SslContextBuilder builder, TlsConfig config) {
    Optional<X509Certificate> pinned = config.pinnedCertificate();
    if (pinned.isPresent()) {
      return builder.trustManager(new PinnedTrustManager(pinned.get()));
    }
    config
        .trustedCertificates()
        .ifPresent(cas -> builder.trustManager(cas.toArray(X509Certificate[]::new)));
    return builder;
  }

  private static SslContext jdk(TlsConfig config, boolean client, ClientAuth clientAuth)
      throws GeneralSecurityException {
    KeyManager[] keys = null;
    Optional<PrivateKey> key = config.privateKey();
    if (key.isPresent() && !config.certificateChain().isEmpty()) {
      keys = new KeyManager[] {new IdentityKeyManager(key.get(), config.certificateChain())};
    }
    TrustManager trust = trustManager(config);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(keys, trust == null ? null : new TrustManager[] {trust}, null);
    return new JdkSslContext(
        context,
        client,
        Http2SecurityUtil.CIPHERS,
        SupportedCipherSuiteFilter.INSTANCE,
        ALPN,
        clientAuth,
        PROTOCOLS,
        false);
  }

  /** The trust manager the config asks for, or null for the JDK's defaults. */
  private static @Nullable TrustManager trustManager(TlsConfig config)
      throws GeneralSecurityException {
    Optional<X509Certificate> pinned = config.pinnedCertificate();
    if (pinned.isPresent()) {
      return new PinnedTrustManager(pinned.get());
    }
    Optional<List<X509Certificate>> cas = config.trustedCertificates();
    if (cas.isEmpty()) {
      return null;
    }
    KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
    try {
      store.load(null, null);
    } catch (IOException e) {
      throw new GeneralSecurityException("cannot create an in-memory trust store", e);
    }
    int index = 0;
    for (X509Certificate ca : cas.get()) {
      store.setCertificateEntry("ca-" + index++, ca);
    }
    TrustManagerFactory factory =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    factory.init(store);
    return factory.getTrustManagers()[0];
  }

  private static IllegalArgumentException noIdentity() {
    return new IllegalArgumentException("a TLS server needs a certificate chain and private key");
  }
}
