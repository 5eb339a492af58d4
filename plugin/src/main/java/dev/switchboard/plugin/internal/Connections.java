package dev.switchboard.plugin.internal;

import dev.switchboard.runtime.SwitchboardChannel;
import dev.switchboard.runtime.SwitchboardServer;
import dev.switchboard.runtime.Target;
import dev.switchboard.runtime.TlsConfig;
import dev.switchboard.runtime.TlsContext;
import io.grpc.ClientInterceptor;
import io.grpc.ManagedChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * How one side of a plugin connection listens and dials, on runtime's servers and channels: unix
 * sockets in the plugin socket directory, TCP on 127.0.0.1, message limits of {@code math.MaxInt32}
 * as go-plugin sets them, and under AutoMTLS our throwaway identity with trust in exactly the other
 * side's certificate. The TLS contexts are built once and shared by the main server or channel and
 * every broker connection.
 */
public final class Connections {
  /** go-plugin hosts verify the plugin's certificate with {@code ServerName: "localhost"}. */
  static final String AUTHORITY = "localhost";

  /** Headers a host may send: far above grpc-java's 8 KiB, as grpc-go allows more. */
  static final int MAX_METADATA_SIZE = 1 << 20;

  private static final SecureRandom RANDOM = new SecureRandom();

  private final @Nullable TlsContext serverTls;
  private final @Nullable TlsContext clientTls;
  private final @Nullable Path socketDir;
  private final int maxMessageSize;

  private Connections(
      @Nullable TlsContext serverTls,
      @Nullable TlsContext clientTls,
      @Nullable Path socketDir,
      int maxMessageSize) {
    this.serverTls = serverTls;
    this.clientTls = clientTls;
    this.socketDir = socketDir;
    this.maxMessageSize = maxMessageSize;
  }

  /** Connections without TLS. */
  public static Connections plaintext(@Nullable Path socketDir, int maxMessageSize) {
    return new Connections(null, null, socketDir, maxMessageSize);
  }

  /**
   * AutoMTLS: our identity, trust in exactly {@code peer}, client certificates required by our
   * servers. The JDK's TLS runs it because go-plugin's certificates are P-521, whose signatures
   * BoringSSL refuses. Nothing is built yet: see {@link #serverTls()}.
   */
  public static Connections autoMtls(
      AutoMtls.Identity identity,
      X509Certificate peer,
      @Nullable Path socketDir,
      int maxMessageSize) {
    TlsConfig tls =
        TlsConfig.fromCertificates(identity.privateKey(), identity.certificate())
            .pinning(peer)
            .provider(TlsConfig.Provider.JDK);
    return new Connections(
        TlsContext.forServer(tls.requireClientAuth()),
        TlsContext.forClient(tls),
        socketDir,
        maxMessageSize);
  }

  /** The servers' TLS context, to build ahead of the first connection; null in plaintext. */
  public @Nullable TlsContext serverTls() {
    return serverTls;
  }

  /** A server on a fresh unix socket in the socket directory. */
  public SwitchboardServer.Builder unixServer() {
    return server(Target.unix(socketPath(socketDir)));
  }

  /**
   * A server on TCP 127.0.0.1 at the first free port in {@code min..max}, as go-plugin's {@code
   * serverListener_tcp} picks it: port 0, the first it tries when {@code min} is 0, is any free
   * port.
   */
  public SwitchboardServer.Builder tcpServer(int min, int max) {
    SwitchboardServer.Builder builder = server(Target.tcp("127.0.0.1", 0));
    return min == 0 ? builder : builder.portRange(min, max);
  }

  private SwitchboardServer.Builder server(Target target) {
    SwitchboardServer.Builder builder =
        SwitchboardServer.builder(target)
            .maxInboundMessageSize(maxMessageSize)
            .maxInboundMetadataSize(MAX_METADATA_SIZE)
            // One peer process connects: one event loop serves it.
            .workerThreads(1);
    if (serverTls != null) {
      builder.tls(serverTls);
    }
    return builder;
  }

  /**
   * A channel to a plugin or broker address as go-plugin announces it: {@code unix} and a socket
   * path, or {@code tcp} and {@code host:port}.
   *
   * @throws IllegalArgumentException naming the network or address that cannot be dialed
   */
  public ManagedChannel dial(String network, String address, List<ClientInterceptor> interceptors) {
    Target target =
        switch (network) {
          case "unix" -> Target.unix(Path.of(address));
          case "tcp" -> tcp(address);
          default -> throw new IllegalArgumentException("unknown network '" + network + "'");
        };
    SwitchboardChannel.Builder builder =
        SwitchboardChannel.builder(target)
            // AutoMTLS certificates name localhost; plaintext peers do not care.
            .overrideAuthority(AUTHORITY)
            .maxInboundMessageSize(maxMessageSize);
    if (clientTls != null) {
      builder.tls(clientTls);
    } else {
      builder.plaintext();
    }
    interceptors.forEach(builder::interceptor);
    return builder.build();
  }

  private static Target tcp(String address) {
    Target target = Target.parse(address);
    if (target.kind() != Target.Kind.TCP) {
      throw new IllegalArgumentException("tcp address '" + address + "' is not host:port");
    }
    return target;
  }

  /**
   * A fresh socket path in {@code dir} (or the temp directory), falling back to {@code /tmp} when
   * the path would not fit the OS limit on socket paths.
   */
  static Path socketPath(@Nullable Path dir) {
    Path base = dir != null ? dir : Path.of(System.getProperty("java.io.tmpdir"));
    String name = "plugin" + Long.toUnsignedString(RANDOM.nextLong(), 36);
    Path path = base.resolve(name).toAbsolutePath();
    if (path.toString().getBytes(StandardCharsets.UTF_8).length > Target.MAX_UNIX_PATH_BYTES) {
      path = Path.of("/tmp").resolve(name);
    }
    return path;
  }
}
