package dev.switchboard.plugin.internal;

import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;
import org.jspecify.annotations.Nullable;

/**
 * Offers one AutoMTLS identity to the JDK's TLS, for both client and server roles.
 *
 * <p>Built directly instead of through a KeyStore and KeyManagerFactory (which is what netty's
 * SslContextBuilder does with a key and certificate): that path makes a PKCS12 store with PBKDF2
 * key protection, tens of milliseconds in a cold JVM for a key that never leaves memory.
 */
final class IdentityKeyManager extends X509ExtendedKeyManager {
  private static final String ALIAS = "automtls";

  private final AutoMtls.Identity identity;
  private final String keyType;

  IdentityKeyManager(AutoMtls.Identity identity) {
    this.identity = identity;
    this.keyType = identity.privateKey().getAlgorithm();
  }

  private String @Nullable [] aliasFor(String type) {
    return keyType.equals(type) ? new String[] {ALIAS} : null;
  }

  private @Nullable String chooseFor(String @Nullable [] types) {
    if (types != null) {
      for (String type : types) {
        if (keyType.equals(type)) {
          return ALIAS;
        }
      }
    }
    return null;
  }

  @Override
  public String @Nullable [] getClientAliases(String type, Principal[] issuers) {
    return aliasFor(type);
  }

  @Override
  public @Nullable String chooseClientAlias(String[] types, Principal[] issuers, Socket socket) {
    return chooseFor(types);
  }

  @Override
  public @Nullable String chooseEngineClientAlias(
      String[] types, Principal[] issuers, SSLEngine engine) {
    return chooseFor(types);
  }

  @Override
  public String @Nullable [] getServerAliases(String type, Principal[] issuers) {
    return aliasFor(type);
  }

  @Override
  public @Nullable String chooseServerAlias(String type, Principal[] issuers, Socket socket) {
    return keyType.equals(type) ? ALIAS : null;
  }

  @Override
  public @Nullable String chooseEngineServerAlias(
      String type, Principal[] issuers, SSLEngine engine) {
    return keyType.equals(type) ? ALIAS : null;
  }

  @Override
  public X509Certificate @Nullable [] getCertificateChain(String alias) {
    return ALIAS.equals(alias) ? new X509Certificate[] {identity.certificate()} : null;
  }

  @Override
  public @Nullable PrivateKey getPrivateKey(String alias) {
    return ALIAS.equals(alias) ? identity.privateKey() : null;
  }
}
