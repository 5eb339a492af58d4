package dev.switchboard.messaging.internal.hub;

import dev.switchboard.messaging.HubPermissions;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.net.SocketAddress;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Map;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import org.jspecify.annotations.Nullable;

/**
 * Works out who a client is, for permissions: the identity mapped to its bearer token, else the
 * common name of its verified client certificate, else {@link HubPermissions#ANONYMOUS}. An unknown
 * token is refused with {@code UNAUTHENTICATED}; tokens never reach a log.
 */
public final class Identities implements ServerInterceptor {
  static final Context.Key<String> IDENTITY = Context.key("switchboard-messaging-identity");
  static final Context.Key<String> REMOTE = Context.key("switchboard-messaging-remote");
  private static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

  private final Map<String, String> tokens;

  public Identities(Map<String, String> tokens) {
    this.tokens = Map.copyOf(tokens);
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(
      ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
    String identity = null;
    String authorization = headers.get(AUTHORIZATION);
    if (authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
      identity = tokens.get(authorization.substring(7).trim());
      if (identity == null) {
        call.close(Status.UNAUTHENTICATED.withDescription("unknown token"), new Metadata());
        return new ServerCall.Listener<>() {};
      }
    }
    if (identity == null) {
      identity = certificateName(call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION));
    }
    if (identity == null) {
      identity = HubPermissions.ANONYMOUS;
    }
    SocketAddress remote = call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR);
    Context context =
        Context.current()
            .withValue(IDENTITY, identity)
            .withValue(REMOTE, remote == null ? "?" : remote.toString());
    return Contexts.interceptCall(context, call, headers, next);
  }

  private static @Nullable String certificateName(@Nullable SSLSession session) {
    if (session == null) {
      return null;
    }
    Certificate[] chain;
    try {
      chain = session.getPeerCertificates();
    } catch (SSLPeerUnverifiedException e) {
      return null;
    }
    if (chain.length == 0 || !(chain[0] instanceof X509Certificate leaf)) {
      return null;
    }
    try {
      for (Rdn rdn : new LdapName(leaf.getSubjectX500Principal().getName()).getRdns()) {
        if (rdn.getType().equalsIgnoreCase("CN")) {
          return rdn.getValue().toString();
        }
      }
    } catch (InvalidNameException e) {
      return null;
    }
    return null;
  }
}
