package dev.switchboard.runtime;

import dev.switchboard.runtime.internal.EventLoops;
import dev.switchboard.runtime.internal.ResourceOwningChannel;
import io.grpc.ClientInterceptor;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NegotiationType;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.channel.ChannelOption;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.unix.DomainSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
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
 * default. Unix channels send the authority {@code localhost} and ask for no TCP options such as
 * {@code SO_KEEPALIVE}, which unix sockets do not have.
 */
public final class SwitchboardChannel {

  /** The default limit on a received message: 16 MiB. */
  public static final int DEFAULT_MAX_INBOUND_MESSAGE_SIZE = 16 * 1024 * 1024;

  /** The default limit on the headers (or trailers) of a received response: grpc-java's 8 KiB. */
  public static final int DEFAULT_MAX_INBOUND_METADATA_SIZE = 8192;

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
    private @Nullable TlsContext tls;
    private boolean prepareTls;
    private int maxInboundMessageSize = DEFAULT_MAX_INBOUND_MESSAGE_SIZE;
    private int maxInboundMetadataSize = DEFAULT_MAX_INBOUND_METADATA_SIZE;
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

    /**
     * Uses TLS; {@link TlsConfig#systemTrust()} verifies the server with the JDK's trust store. The
     * context is built by {@link #build()}, which reports a config that cannot be used.
     */
    public Builder tls(TlsConfig tls) {
      this.tls = TlsContext.forClient(tls);
      this.prepareTls = true;
      this.plaintext = false;
      return this;
    }

    /**
     * Uses TLS with a context that may still be unbuilt; the first connection builds it unless
     * {@link TlsContext#prepare()} has. Share one context between channels with the same identity
     * and trust.
     *
     * @throws IllegalArgumentException if it is a server context
     */
    public Builder tls(TlsContext tls) {
      if (tls.isServer()) {
        throw new IllegalArgumentException(
            "the channel to " + target + " needs a client context (TlsContext.forClient)");
      }
      this.tls = tls;
      this.prepareTls = false;
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

    /** The largest response headers (or trailers) the channel accepts, in bytes; default 8 KiB. */
    public Builder maxInboundMetadataSize(int bytes) {
      this.maxInboundMetadataSize = Positive.metadataSize(bytes);
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
     * @throws IllegalArgumentException if TLS is asked for an in-process target, or a TLS config
     *     given to {@link #tls(TlsConfig)} cannot be used
     */
    public ManagedChannel build() {
      return switch (target.kind()) {
        case IN_PROCESS -> inProcess();
        case UNIX -> {
          EventLoops loops = EventLoops.forUnixSockets();
          NettyChannelBuilder builder =
              NettyChannelBuilder.forAddress(new DomainSocketAddress(target.path().toString()))
                  .channelType(loops.unixClientChannel())
                  // grpc-java asks every connection for SO_KEEPALIVE, which unix sockets do not
                  // have (netty would warn on each); null removes the option.
                  .withOption(ChannelOption.SO_KEEPALIVE, null)
                  .overrideAuthority(UNIX_AUTHORITY);
          yield netty(builder, loops);
        }
        case TCP -> {
          if (tls == null && !plaintext) {
            throw new IllegalStateException(
                "channel to " + target + ": choose plaintext() or tls(...) for TCP targets");
          }
          EventLoops loops = EventLoops.forTcp();
          NettyChannelBuilder builder =
              NettyChannelBuilder.forTarget(target.toString())
                  .channelType(loops.tcpClientChannel());
          yield netty(builder, loops);
        }
      };
    }

    private ManagedChannel inProcess() {
      if (tls != null) {
        throw new IllegalArgumentException("TLS does not apply to in-process target " + target);
      }
      InProcessChannelBuilder builder = InProcessChannelBuilder.forName(target.name());
      common(builder);
      return builder.build();
    }

    private ManagedChannel netty(NettyChannelBuilder builder, EventLoops loops) {
      if (tls != null) {
        if (prepareTls) {
          try {
            tls.prepare();
          } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                "cannot set up TLS for " + target + ": " + e.getMessage(), e);
          }
        }
        builder.sslContext(tls.forTransport()).negotiationType(NegotiationType.TLS);
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
      builder.maxInboundMetadataSize(maxInboundMetadataSize);
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
      Collections.reverse(ordered);
      builder.intercept(ordered);
    }
  }
}
