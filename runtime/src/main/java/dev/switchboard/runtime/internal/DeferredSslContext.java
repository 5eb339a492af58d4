package dev.switchboard.runtime.internal;

import io.grpc.netty.shaded.io.netty.buffer.ByteBufAllocator;
import io.grpc.netty.shaded.io.netty.handler.ssl.ApplicationProtocolNegotiator;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContext;
import java.util.List;
import java.util.function.Supplier;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSessionContext;

/**
 * An SslContext that asks for the real one only when a connection needs an engine. grpc-netty wants
 * an SslContext when a server or channel is built but makes engines only for connections, so a
 * server can bind, and a process announce where it listens, while the context is still being made;
 * the first connection's engine waits for it.
 */
public final class DeferredSslContext extends SslContext {
  /** What grpc-netty checks when it is given a context: ALPN offering h2. */
  @SuppressWarnings("deprecation") // grpc-netty still reads the negotiator to check for h2.
  private static final ApplicationProtocolNegotiator H2 = () -> List.of("h2");

  private final boolean client;
  private final Supplier<SslContext> context;

  /** {@code context} builds the real context once and returns it on every later call. */
  public DeferredSslContext(boolean client, Supplier<SslContext> context) {
    this.client = client;
    this.context = context;
  }

  @Override
  public boolean isClient() {
    return client;
  }

  @Override
  public List<String> cipherSuites() {
    return context.get().cipherSuites();
  }

  @Override
  @SuppressWarnings("deprecation") // Overrides the deprecated accessor grpc-netty calls.
  public ApplicationProtocolNegotiator applicationProtocolNegotiator() {
    return H2;
  }

  @Override
  public SSLEngine newEngine(ByteBufAllocator alloc) {
    return context.get().newEngine(alloc);
  }

  @Override
  public SSLEngine newEngine(ByteBufAllocator alloc, String peerHost, int peerPort) {
    return context.get().newEngine(alloc, peerHost, peerPort);
  }

  @Override
  public SSLSessionContext sessionContext() {
    return context.get().sessionContext();
  }
}
