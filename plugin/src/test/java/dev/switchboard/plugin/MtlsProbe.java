package dev.switchboard.plugin;

import dev.switchboard.plugin.internal.AutoMtls;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollDomainSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.unix.DomainSocketAddress;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContextBuilder;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslProvider;
import io.grpc.netty.shaded.io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;
import org.jspecify.annotations.Nullable;

/**
 * A client a plugin under AutoMTLS must turn away: plaintext, or TLS with no client certificate or
 * with one the host never sent. It trusts any server certificate on purpose, since only the
 * plugin's verification of its client is under test. Closing it ends its channel and event loop.
 */
record MtlsProbe(ManagedChannel channel, EventLoopGroup group) implements AutoCloseable {
  static MtlsProbe plaintext(String socket) {
    EventLoopGroup group = new EpollEventLoopGroup(1);
    return new MtlsProbe(builder(socket, group).usePlaintext().build(), group);
  }

  static MtlsProbe tls(String socket, AutoMtls.@Nullable Identity client) throws SSLException {
    SslContextBuilder context =
        GrpcSslContexts.configure(SslContextBuilder.forClient(), SslProvider.JDK)
            .trustManager(InsecureTrustManagerFactory.INSTANCE);
    if (client != null) {
      context.keyManager(client.privateKey(), client.certificate());
    }
    EventLoopGroup group = new EpollEventLoopGroup(1);
    return new MtlsProbe(
        builder(socket, group).sslContext(context.build()).overrideAuthority("localhost").build(),
        group);
  }

  private static NettyChannelBuilder builder(String socket, EventLoopGroup group) {
    return NettyChannelBuilder.forAddress(new DomainSocketAddress(socket))
        .channelType(EpollDomainSocketChannel.class)
        .eventLoopGroup(group);
  }

  @Override
  public void close() {
    try {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while closing the probe", e);
    }
  }
}
