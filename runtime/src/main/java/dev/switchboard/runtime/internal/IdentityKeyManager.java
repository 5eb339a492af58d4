package dev.switchboard.runtime.internal;

import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;
import org.jspecify.annotations.Nullable;

/**
 * Offers one identity, a private key and its certificate chain, to the JDK's TLS in both roles.
 * Made directly rather than through a KeyStore and KeyManagerFactory, which would wrap a key that
 * never leaves memory in a PKCS12 store first.
 */
final class IdentityKeyManager extends X509ExtendedKeyManager {
  private static final String ALIAS = "identity";

  private final PrivateKey key;
  private final X509Certificate[] chain;
  private final String keyType;

  IdentityKeyManager(PrivateKey key, List<X509Certificate> chain) {
    this.key = key;
    this.chain = chain.toArray(X509Certificate[]::new);
    this.keyType = key.getAlgorithm();
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
  public String @Nullable [] getClientAliases(String type, Principal @Nullable [] issuers) {
    return aliasFor(type);
  }

  @Override
  public @Nullable String chooseClientAlias(
      String @Nullable [] types, Principal @Nullable [] issuers, @Nullable Socket socket) {
    return chooseFor(types);
  }

  @Override
  public @Nullable String chooseEngineClientAlias(
      String @Nullable [] types, Principal @Nullable [] issuers, @Nullable SSLEngine engine) {
    return chooseFor(types);
  }

  @Override
  public String @Nullable [] getServerAliases(String type, Principal @Nullable [] issuers) {
    return aliasFor(type);
  }

  @Override
  public @Nullable String chooseServerAlias(
      String type, Principal @Nullable [] issuers, @Nullable Socket socket) {
    return keyType.equals(type) ? ALIAS : null;
  }

  @Override
  public @Nullable String chooseEngineServerAlias(
      String type, Principal @Nullable [] issuers, @Nullable SSLEngine engine) {
    return keyType.equals(type) ? ALIAS : null;
  }

  @Override
  public X509Certificate @Nullable [] getCertificateChain(String alias) {
    return ALIAS.equals(alias) ? chain.clone() : null;
  }

  @Override
  public @Nullable PrivateKey getPrivateKey(String alias) {
    return ALIAS.equals(alias) ? key : null;
  }
}
