package dev.switchboard.runtime;

import dev.switchboard.runtime.internal.DeferredSslContext;
import dev.switchboard.runtime.internal.TlsContexts;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContext;
import java.security.GeneralSecurityException;
import java.util.Objects;
import javax.net.ssl.SSLException;
import org.jspecify.annotations.Nullable;

/**
 * The TLS context of one side, server or client, built once from a {@link TlsConfig} and shared by
 * any number of servers and channels.
 *
 * <p>Building a context is the slow part of TLS in a cold JVM (the TLS implementation initialises,
 * trust stores are read): tens of milliseconds. A server or channel given a {@code TlsContext} does
 * not wait for it: it builds its transport and binds its port at once, and the first handshake
 * builds the context if nobody has yet. {@link #prepare()} builds it ahead, for example on another
 * thread while the server starts, and reports a context that cannot be made.
 *
 * <pre>{@code
 * TlsContext tls = TlsContext.forServer(config);
 * CompletableFuture<TlsContext> ready = CompletableFuture.supplyAsync(tls::prepare);
 * SwitchboardServer server = SwitchboardServer.builder(target).tls(tls).build().start();
 * announce(server.target());   // clients may connect now; their handshake waits for the context
 * ready.join();                // fails the start if the context cannot be made
 * }</pre>
 *
 * <p>Thread-safe.
 */
public final class TlsContext {

  private final TlsConfig config;
  private final boolean server;
  private final Object lock = new Object();
  // @GuardedBy("lock")
  private @Nullable SslContext built;

  private TlsContext(TlsConfig config, boolean server) {
    this.config = config;
    this.server = server;
  }

  /**
   * The server side of a config: our identity, and with trust, client certificates asked for (or
   * required, see {@link TlsConfig#requireClientAuth()}).
   *
   * @throws IllegalArgumentException if the config has no identity, or requires client certificates
   *     without trusting anything to verify them
   */
  public static TlsContext forServer(TlsConfig config) {
    Objects.requireNonNull(config, "config");
    if (config.privateKey().isEmpty() || config.certificateChain().isEmpty()) {
      throw new IllegalArgumentException("a TLS server needs a certificate chain and private key");
    }
    if (config.clientAuthRequired() && !config.hasOwnTrust()) {
      throw new IllegalArgumentException(
          "requireClientAuth() needs trusting(...) or pinning(...) to know which client"
              + " certificates to accept");
    }
    return new TlsContext(config, true);
  }

  /** The client side of a config: our identity if it has one, and the trust that checks servers. */
  public static TlsContext forClient(TlsConfig config) {
    return new TlsContext(Objects.requireNonNull(config, "config"), false);
  }

  /**
   * Builds the context now unless it is built already; safe to call from any thread, any number of
   * times.
   *
   * @return this context
   * @throws IllegalArgumentException saying why the context cannot be made (a key that does not fit
   *     its certificate, an unsupported algorithm)
   */
  public TlsContext prepare() {
    sslContext();
    return this;
  }

  /** The config this context is built from. */
  public TlsConfig config() {
    return config;
  }

  /** Whether this is the server side of its config. */
  public boolean isServer() {
    return server;
  }

  /** The built context; builds it on first use. */
  SslContext sslContext() {
    synchronized (lock) {
      if (built == null) {
        try {
          built = server ? TlsContexts.forServer(config) : TlsContexts.forClient(config);
        } catch (SSLException | GeneralSecurityException e) {
          String reason = e.getMessage();
          throw new IllegalArgumentException(
              reason == null ? e.getClass().getSimpleName() : reason, e);
        }
      }
      return built;
    }
  }

  /**
   * The context for a netty server or channel builder: the built one, or one that builds it when
   * the first connection needs an engine.
   */
  SslContext forTransport() {
    synchronized (lock) {
      if (built != null) {
        return built;
      }
    }
    return new DeferredSslContext(!server, this::sslContext);
  }

  @Override
  public String toString() {
    return "TlsContext{" + (server ? "server" : "client") + ", " + config + "}";
  }
}
