package dev.switchboard.runtime;

import dev.switchboard.runtime.internal.EventLoops;
import dev.switchboard.runtime.internal.ResourceOwningChannel;
import dev.switchboard.runtime.internal.TlsContexts;
import io.grpc.ClientInterceptor;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NegotiationType;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.unix.DomainSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;
import org.jspecify.annotations.Nullable;

/**
 * Builds {@link ManagedChannel}s to a {@link Target}. Each channel owns its event loop thread,
 * which stops once the channel has terminated, so always shut channels down.
 *
 * <pre>{@code
 * ManagedChannel channel = SwitchboardChannel.builder("localhost:50051").plaintext().build();
 * ManagedChannel secure = SwitchboardChannel.builder("api.example.com:443").tls(TlsConfig.systemTrust()).build();
 * ManagedChannel local = SwitchboardChannel.builder("unix:/tmp/app.sock").build();
 * }</pre>
 *
 * <p>TCP channels must choose {@link Builder#plaintext()} or {@link Builder#tls(TlsConfig)}, so
 * that nothing is sent in clear text by accident; unix and in-process channels are plaintext by
 * default.
 */
public final class SwitchboardChannel {

  /** The default limit on a received message: 16 MiB. */
  public static final int DEFAULT_MAX_INBOUND_MESSAGE_SIZE = 16 * 1024 * 1024;

  /**
   * The authority sent over unix sockets, which have no host name; it also matches dev
   * certificates.
   */
  static final String UNIX_AUTHORITY = "localhost";

  private SwitchboardChannel() {}

  /** A builder for a channel to the target. */
  public static Builder builder(Target target) {
    return new Builder(target);
  }

  /**
   * A builder for a channel to {@code host:port}, {@code unix:/path} or {@code inproc:name}.
   *
   * @throws IllegalArgumentException if the target does not parse
   */
  public static Builder builder(String target) {
    return new Builder(Target.parse(target));
  }

  /** Configures a channel. Not thread-safe. */
  public static final class Builder {
    private final Target target;
    private final List<ClientInterceptor> interceptors = new ArrayList<>();
    private boolean plaintext;
    private @Nullable TlsConfig tls;
    private int maxInboundMessageSize = DEFAULT_MAX_INBOUND_MESSAGE_SIZE;
    private @Nullable Duration keepAliveTime;
    private @Nullable Duration keepAliveTimeout;
    private @Nullable String userAgent;
    private @Nullable String authority;
    private @Nullable Executor executor;

    private Builder(Target target) {
      this.target = Objects.requireNonNull(target, "target");
    }

    /** Sends in clear text (no TLS). The default for unix and in-process targets. */
    public Builder plaintext() {
      this.plaintext = true;
      this.tls = null;
      return this;
    }

    /** Uses TLS; {@link TlsConfig#systemTrust()} verifies the server with the JDK's trust store. */
    public Builder tls(TlsConfig tls) {
      this.tls = Objects.requireNonNull(tls, "tls");
      this.plaintext = false;
      return this;
    }

    /**
     * The largest message the channel accepts, in bytes; larger ones fail with RESOURCE_EXHAUSTED.
     */
    public Builder maxInboundMessageSize(int bytes) {
      this.maxInboundMessageSize = Positive.messageSize(bytes);
      return this;
    }

    /**
     * Pings the server after {@code time} without reads and drops the connection when no answer
     * comes within {@code timeout}. Off by default; servers reject pings more frequent than they
     * permit (grpc-java's default: every 5 minutes; a Switchboard server's: every 10 seconds).
     */
    public Builder keepAlive(Duration time, Duration timeout) {
      this.keepAliveTime = Positive.duration(time, "keepAlive time");
      this.keepAliveTimeout = Positive.duration(timeout, "keepAlive timeout");
      return this;
    }

    /** Adds an interceptor; interceptors see a call in the order they were added. */
    public Builder interceptor(ClientInterceptor interceptor) {
      interceptors.add(Objects.requireNonNull(interceptor, "interceptor"));
      return this;
    }

    /** Prefixes the {@code user-agent} header with this text. */
    public Builder userAgent(String userAgent) {
      this.userAgent = Objects.requireNonNull(userAgent, "userAgent");
      return this;
    }

    /** Overrides the authority (the {@code :authority} header and the TLS host name checked). */
    public Builder overrideAuthority(String authority) {
      this.authority = Objects.requireNonNull(authority, "authority");
      return this;
    }

    /**
     * The executor that runs call callbacks; the caller owns it. Default: grpc-java's shared pool.
     */
    public Builder executor(Executor executor) {
      this.executor = Objects.requireNonNull(executor, "executor");
      return this;
    }

    /**
     * Builds the channel. It connects lazily, on the first call.
     *
     * @throws IllegalStateException if a TCP target chose neither plaintext nor TLS, or the
     *     transport cannot run on this machine
     * @throws IllegalArgumentException if TLS is asked for an in-process target, the unix path is
     *     too long, or the TLS config cannot be used
     */
    public ManagedChannel build() {
      switch (target.kind()) {
        case IN_PROCESS:
          {
            if (tls != null) {
              throw new IllegalArgumentException(
                  "TLS does not apply to in-process target " + target);
            }
            InProcessChannelBuilder builder = InProcessChannelBuilder.forName(target.name());
            common(builder);
            return builder.build();
          }
        case UNIX:
          {
            EventLoops.checkUnixPath(target.path());
            EventLoops loops = EventLoops.forUnixSockets();
            NettyChannelBuilder builder =
                NettyChannelBuilder.forAddress(new DomainSocketAddress(target.path().toString()))
                    .channelType(loops.unixClientChannel())
                    .overrideAuthority(UNIX_AUTHORITY);
            return netty(builder, loops);
          }
        case TCP:
          {
            if (tls == null && !plaintext) {
              throw new IllegalStateException(
                  "channel to " + target + ": choose plaintext() or tls(...) for TCP targets");
            }
            EventLoops loops = EventLoops.forTcp();
            NettyChannelBuilder builder =
                NettyChannelBuilder.forTarget(target.toString())
                    .channelType(loops.tcpClientChannel());
            return netty(builder, loops);
          }
        default:
          throw new IllegalStateException("unknown target kind " + target.kind());
      }
    }

    private ManagedChannel netty(NettyChannelBuilder builder, EventLoops loops) {
      if (tls != null) {
        try {
          builder
              .sslContext(
                  TlsContexts.forClient(
                      tls.certificateChain(), tls.privateKey(), tls.trustedCertificates()))
              .negotiationType(NegotiationType.TLS);
        } catch (SSLException e) {
          throw new IllegalArgumentException(
              "cannot set up TLS for " + target + ": " + e.getMessage(), e);
        }
      } else {
        builder.negotiationType(NegotiationType.PLAINTEXT);
      }
      if (keepAliveTime != null && keepAliveTimeout != null) {
        builder
            .keepAliveTime(keepAliveTime.toNanos(), TimeUnit.NANOSECONDS)
            .keepAliveTimeout(keepAliveTimeout.toNanos(), TimeUnit.NANOSECONDS);
      }
      common(builder);
      EventLoopGroup group = loops.newGroup(1, "switchboard-channel " + target);
      builder.eventLoopGroup(group);
      try {
        return new ResourceOwningChannel(builder.build(), group);
      } catch (RuntimeException e) {
        EventLoops.shutdown(Duration.ofSeconds(5), group);
        throw e;
      }
    }

    private void common(ManagedChannelBuilder<?> builder) {
      builder.maxInboundMessageSize(maxInboundMessageSize);
      if (userAgent != null) {
        builder.userAgent(userAgent);
      }
      if (authority != null) {
        builder.overrideAuthority(authority);
      }
      if (executor != null) {
        builder.executor(executor);
      }
      // grpc-java runs the first interceptor in the list last; reverse so the first added runs
      // first.
      List<ClientInterceptor> ordered = new ArrayList<>(interceptors);
      java.util.Collections.reverse(ordered);
      builder.intercept(ordered);
    }
  }
}
