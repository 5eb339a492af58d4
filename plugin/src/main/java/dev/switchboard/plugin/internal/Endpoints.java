package dev.switchboard.plugin.internal;

import io.grpc.ChannelCredentials;
import io.grpc.ClientInterceptor;
import io.grpc.InsecureChannelCredentials;
import io.grpc.InsecureServerCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.ServerCredentials;
import io.grpc.ServerInterceptor;
import io.grpc.ServerServiceDefinition;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettySslContextChannelCredentials;
import io.grpc.netty.shaded.io.grpc.netty.NettySslContextServerCredentials;
import io.grpc.netty.shaded.io.netty.buffer.ByteBufAllocator;
import io.grpc.netty.shaded.io.netty.channel.ChannelOption;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.MultiThreadIoEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.epoll.Epoll;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollDomainSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollIoHandler;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollServerSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.unix.DomainSocketAddress;
import io.grpc.netty.shaded.io.netty.handler.codec.http2.Http2SecurityUtil;
import io.grpc.netty.shaded.io.netty.handler.ssl.ApplicationProtocolConfig;
import io.grpc.netty.shaded.io.netty.handler.ssl.ApplicationProtocolNegotiator;
import io.grpc.netty.shaded.io.netty.handler.ssl.ClientAuth;
import io.grpc.netty.shaded.io.netty.handler.ssl.JdkSslContext;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContext;
import io.grpc.netty.shaded.io.netty.handler.ssl.SupportedCipherSuiteFilter;
import io.grpc.netty.shaded.io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSessionContext;
import javax.net.ssl.TrustManager;
import org.jspecify.annotations.Nullable;

/**
 * Listeners and channels for one side of a plugin connection, over unix sockets or TCP, in
 * plaintext or AutoMTLS. It owns one epoll event loop group, closed with it.
 *
 * <p>This is a minimal stand-in for runtime's SwitchboardServer/SwitchboardChannel: go-plugin needs
 * trust in exactly one peer certificate with the authority fixed to {@code localhost}, a server on
 * a chosen unix socket path, TCP within a port range and message limits of {@code math.MaxInt32}.
 */
public final class Endpoints implements AutoCloseable {
  /** Linux's sun_path is 108 bytes including the terminating NUL. */
  static final int MAX_SOCKET_PATH_BYTES = 107;

  private static final SecureRandom RANDOM = new SecureRandom();

  /**
   * grpc-java always asks for SO_KEEPALIVE, which unix sockets do not have; netty then warns on
   * every connection. The logger is held here so the level survives garbage collection.
   */
  private static final java.util.logging.Logger BOOTSTRAP_LOG =
      java.util.logging.Logger.getLogger("io.grpc.netty.shaded.io.netty.bootstrap.Bootstrap");

  static {
    BOOTSTRAP_LOG.setLevel(java.util.logging.Level.SEVERE);
  }

  private final EventLoopGroup group;

  public Endpoints(String threadPrefix) {
    if (!Epoll.isAvailable()) {
      throw new IllegalStateException(
          "unix sockets need netty's epoll transport, which is unavailable here: "
              + Epoll.unavailabilityCause());
    }
    this.group =
        new MultiThreadIoEventLoopGroup(
            2, new DefaultThreadFactory(threadPrefix, true), EpollIoHandler.newFactory());
  }

  /**
   * The mTLS material of one side: our identity and trust in exactly the one peer certificate. The
   * TLS contexts are built once and shared by the main server or channel and the broker's.
   *
   * <p>The JDK's TLS provider is used, not netty's BoringSSL: BoringSSL refuses ECDSA P-521
   * signatures, and P-521 is what go-plugin's AutoMTLS certificates use. The JDK context is made
   * from our key and trust managers directly: netty's SslContextBuilder would first put the key
   * into a PKCS12 KeyStore and run the JDK's PKIX trust manager factory, which costs a cold JVM
   * more than all the rest of the TLS set-up.
   */
  public static final class Tls {
    /** gRPC's ALPN: h2 only, as GrpcSslContexts configures it for the JDK provider. */
    private static final ApplicationProtocolConfig ALPN =
        new ApplicationProtocolConfig(
            ApplicationProtocolConfig.Protocol.ALPN,
            ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
            ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
            "h2");

    private final AutoMtls.Identity identity;
    private final PeerTrust trust;
    private final DeferredSslContext serverContext =
        new DeferredSslContext(false, () -> context(false));
    // Guarded by this.
    private @Nullable ServerCredentials server;
    private @Nullable ChannelCredentials channel;

    public Tls(AutoMtls.Identity identity, PeerTrust trust) {
      this.identity = identity;
      this.trust = trust;
    }

    public Tls(AutoMtls.Identity identity, X509Certificate peer) {
      this(identity, PeerTrust.of(peer));
    }

    public AutoMtls.Identity identity() {
      return identity;
    }

    /**
     * Initializes the JDK's TLS and netty's JDK SslContext support (whose static set-up builds a
     * default JDK context, reading the JDK's CA certificates) ahead of the first context, for
     * example on another thread during start-up. Failures are left for {@link #server()} and {@link
     * #channel()} to report.
     */
    public static void preload() {
      try {
        Class.forName(JdkSslContext.class.getName(), true, Tls.class.getClassLoader());
        SSLContext.getInstance("TLS");
        // Go hosts send SNI "localhost"; the JDK's server parses it through java.net.IDN, whose
        // first use loads ICU data (~12 ms in a cold JVM) in the middle of the first handshake.
        new SNIHostName("localhost".getBytes(StandardCharsets.US_ASCII));
      } catch (ReflectiveOperationException
          | GeneralSecurityException
          | RuntimeException
          | LinkageError ignored) {
        // Reported where the context is built.
      }
    }

    /**
     * Server credentials: client certificates required, trust = the peer's only. The JDK context
     * behind them is built on first use ({@link #prepareServer()} or the first connection), so a
     * plugin can bind its listener and print its handshake line while the context is being made.
     */
    public synchronized ServerCredentials server() {
      if (server == null) {
        server = NettySslContextServerCredentials.create(serverContext);
      }
      return server;
    }

    /** Builds the server's JDK context now (it is slow in a cold JVM: start it early). */
    public void prepareServer() {
      serverContext.get();
    }

    /** Builds the client context now; trust may still be waiting for the peer's certificate. */
    public synchronized ChannelCredentials channel() {
      if (channel == null) {
        channel = NettySslContextChannelCredentials.create(context(true));
      }
      return channel;
    }

    private SslContext context(boolean client) {
      try {
        SSLContext jdk = SSLContext.getInstance("TLS");
        jdk.init(
            new KeyManager[] {new IdentityKeyManager(identity)}, new TrustManager[] {trust}, null);
        return new JdkSslContext(
            jdk,
            client,
            Http2SecurityUtil.CIPHERS,
            SupportedCipherSuiteFilter.INSTANCE,
            ALPN,
            client ? ClientAuth.NONE : ClientAuth.REQUIRE,
            PROTOCOLS,
            false);
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException(
            "cannot build the "
                + (client ? "host's" : "plugin's")
                + " TLS context: "
                + e.getMessage(),
            e);
      }
    }
  }

  /**
   * An SslContext whose real (JDK) context is built on first use. grpc-netty wants an SslContext
   * when the server is built, but only creates engines once a connection arrives; the first
   * connection's engine waits for the context if it is still being made.
   */
  static final class DeferredSslContext extends SslContext {
    /** What GrpcSslContexts checks for when credentials are created: ALPN with h2. */
    private static final ApplicationProtocolNegotiator H2 = () -> List.of("h2");

    private final boolean client;
    private final java.util.function.Supplier<SslContext> build;
    // Guarded by this.
    private @Nullable SslContext built;

    DeferredSslContext(boolean client, java.util.function.Supplier<SslContext> build) {
      this.client = client;
      this.build = build;
    }

    synchronized SslContext get() {
      if (built == null) {
        built = build.get();
      }
      return built;
    }

    @Override
    public boolean isClient() {
      return client;
    }

    @Override
    public List<String> cipherSuites() {
      return get().cipherSuites();
    }

    @Override
    @SuppressWarnings("deprecation")
    public ApplicationProtocolNegotiator applicationProtocolNegotiator() {
      return H2;
    }

    @Override
    public SSLEngine newEngine(ByteBufAllocator alloc) {
      return get().newEngine(alloc);
    }

    @Override
    public SSLEngine newEngine(ByteBufAllocator alloc, String peerHost, int peerPort) {
      return get().newEngine(alloc, peerHost, peerPort);
    }

    @Override
    public SSLSessionContext sessionContext() {
      return get().sessionContext();
    }
  }

  /** go-plugin's AutoMTLS sets MinVersion TLS 1.2. */
  static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};

  /** A started server with the address to announce. */
  public record Listening(Server server, String network, String address, @Nullable Path socket)
      implements AutoCloseable {
    @Override
    public void close() {
      server.shutdownNow();
      try {
        server.awaitTermination(2, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      deleteSocket();
    }

    public void deleteSocket() {
      if (socket != null) {
        try {
          Files.deleteIfExists(socket);
        } catch (IOException ignored) {
          // A stale socket file in a temp directory does no harm.
        }
      }
    }
  }

  /**
   * A fresh socket path in {@code dir} (or the temp directory), falling back to {@code /tmp} when
   * the path would exceed the 108-byte limit of sun_path.
   */
  public static Path socketPath(@Nullable String dir) {
    String base = dir != null && !dir.isEmpty() ? dir : System.getProperty("java.io.tmpdir");
    String name = "plugin" + Long.toUnsignedString(RANDOM.nextLong(), 36);
    Path path = Path.of(base).resolve(name).toAbsolutePath();
    if (path.toString().getBytes(StandardCharsets.UTF_8).length > MAX_SOCKET_PATH_BYTES) {
      path = Path.of("/tmp").resolve(name);
    }
    return path;
  }

  /** Serves on a new unix socket. */
  public Listening serveUnix(
      Path socket,
      List<ServerServiceDefinition> services,
      List<ServerInterceptor> interceptors,
      @Nullable Tls tls,
      int maxMessageSize)
      throws IOException {
    NettyServerBuilder builder =
        NettyServerBuilder.forAddress(new DomainSocketAddress(socket.toString()), credentials(tls))
            .channelType(EpollServerDomainSocketChannel.class)
            .withChildOption(ChannelOption.SO_KEEPALIVE, null)
            .bossEventLoopGroup(group)
            .workerEventLoopGroup(group);
    Server server = configure(builder, services, interceptors, maxMessageSize).build().start();
    return new Listening(server, "unix", socket.toString(), socket);
  }

  /**
   * Serves on TCP 127.0.0.1 at the first free port in [minPort, maxPort], as go-plugin's {@code
   * serverListener_tcp} does; 0..0 means any free port.
   */
  public Listening serveTcp(
      int minPort,
      int maxPort,
      List<ServerServiceDefinition> services,
      List<ServerInterceptor> interceptors,
      @Nullable Tls tls,
      int maxMessageSize)
      throws IOException {
    if (minPort > maxPort) {
      throw new IOException(
          "PLUGIN_MIN_PORT value of "
              + minPort
              + " is greater than PLUGIN_MAX_PORT value of "
              + maxPort);
    }
    IOException last = null;
    for (int port = minPort; port <= maxPort; port++) {
      NettyServerBuilder builder =
          NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", port), credentials(tls))
              .channelType(EpollServerSocketChannel.class)
              .bossEventLoopGroup(group)
              .workerEventLoopGroup(group);
      try {
        Server server = configure(builder, services, interceptors, maxMessageSize).build().start();
        int bound = ((InetSocketAddress) server.getListenSockets().get(0)).getPort();
        return new Listening(server, "tcp", "127.0.0.1:" + bound, null);
      } catch (IOException e) {
        if (!(e instanceof BindException) && !(e.getCause() instanceof BindException)) {
          throw e;
        }
        last = e;
      }
    }
    throw new IOException(
        "couldn't bind a plugin TCP listener in ports " + minPort + ".." + maxPort, last);
  }

  private static NettyServerBuilder configure(
      NettyServerBuilder builder,
      List<ServerServiceDefinition> services,
      List<ServerInterceptor> interceptors,
      int maxMessageSize) {
    builder.maxInboundMessageSize(maxMessageSize).maxInboundMetadataSize(1 << 20);
    for (ServerServiceDefinition service : services) {
      builder.addService(service);
    }
    for (ServerInterceptor interceptor : interceptors) {
      builder.intercept(interceptor);
    }
    return builder;
  }

  private static ServerCredentials credentials(@Nullable Tls tls) {
    return tls == null ? InsecureServerCredentials.create() : tls.server();
  }

  /** A channel to a plugin or broker address ("unix"/path or "tcp"/host:port). */
  public ManagedChannel channel(
      String network,
      String address,
      @Nullable Tls tls,
      int maxMessageSize,
      List<ClientInterceptor> interceptors) {
    ChannelCredentials credentials =
        tls == null ? InsecureChannelCredentials.create() : tls.channel();
    NettyChannelBuilder builder;
    switch (network) {
      case "unix" ->
          builder =
              NettyChannelBuilder.forAddress(new DomainSocketAddress(address), credentials)
                  .channelType(EpollDomainSocketChannel.class)
                  // Unix sockets have no SO_KEEPALIVE; a null value removes grpc-java's default.
                  .withOption(ChannelOption.SO_KEEPALIVE, null);
      case "tcp" -> {
        int colon = address.lastIndexOf(':');
        if (colon < 0) {
          throw new IllegalArgumentException("tcp address without a port: " + address);
        }
        String host = address.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
          host = host.substring(1, host.length() - 1);
        }
        builder =
            NettyChannelBuilder.forAddress(
                    new InetSocketAddress(host, Integer.parseInt(address.substring(colon + 1))),
                    credentials)
                .channelType(EpollSocketChannel.class);
      }
      default -> throw new IllegalArgumentException("unknown network '" + network + "'");
    }
    // AutoMTLS certificates name localhost, and go-plugin verifies with ServerName "localhost".
    return builder
        .eventLoopGroup(group)
        .overrideAuthority("localhost")
        .maxInboundMessageSize(maxMessageSize)
        .intercept(interceptors)
        .build();
  }

  @Override
  public void close() {
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
  }
}
