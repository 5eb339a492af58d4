package dev.switchboard.runtime.internal;

import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.netty.handler.ssl.ClientAuth;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContext;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContextBuilder;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SSLException;

/**
 * Netty SSL contexts, configured by grpc-java for HTTP/2 (ALPN, ciphers), from certificates and
 * keys.
 */
public final class TlsContexts {

  private TlsContexts() {}

  /**
   * A server context. With trust, clients are asked for a certificate; {@code requireClientAuth}
   * makes it mandatory (mTLS).
   */
  public static SslContext forServer(
      List<X509Certificate> chain,
      Optional<PrivateKey> key,
      Optional<List<X509Certificate>> trust,
      boolean requireClientAuth)
      throws SSLException {
    if (key.isEmpty() || chain.isEmpty()) {
      throw new IllegalArgumentException("a TLS server needs a certificate chain and private key");
    }
    if (requireClientAuth && trust.isEmpty()) {
      throw new IllegalArgumentException(
          "requireClientAuth() needs trusting(caPem) to know which client certificates to accept");
    }
    SslContextBuilder builder =
        SslContextBuilder.forServer(key.get(), chain.toArray(X509Certificate[]::new));
    if (trust.isPresent()) {
      builder.trustManager(trust.get().toArray(X509Certificate[]::new));
      builder.clientAuth(requireClientAuth ? ClientAuth.REQUIRE : ClientAuth.OPTIONAL);
    } else {
      builder.clientAuth(ClientAuth.NONE);
    }
    return GrpcSslContexts.configure(builder).build();
  }

  /** A client context; without trust the JDK's default trust store verifies the server. */
  public static SslContext forClient(
      List<X509Certificate> chain, Optional<PrivateKey> key, Optional<List<X509Certificate>> trust)
      throws SSLException {
    SslContextBuilder builder = GrpcSslContexts.forClient();
    if (key.isPresent() && !chain.isEmpty()) {
      builder.keyManager(key.get(), chain.toArray(X509Certificate[]::new));
    }
    trust.ifPresent(
        certificates -> builder.trustManager(certificates.toArray(X509Certificate[]::new)));
    return builder.build();
  }
}
