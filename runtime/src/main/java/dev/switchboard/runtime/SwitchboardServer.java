package dev.switchboard.runtime;

import dev.switchboard.runtime.internal.EventLoops;
import dev.switchboard.runtime.internal.ReflectionConflicts;
import dev.switchboard.runtime.internal.UnixSocketFiles;
import io.grpc.BindableService;
import io.grpc.HandlerRegistry;
import io.grpc.Server;
import io.grpc.ServerBuilder;
import io.grpc.ServerInterceptor;
import io.grpc.ServerServiceDefinition;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.channel.ChannelOption;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.unix.DomainSocketAddress;
import io.grpc.netty.shaded.io.netty.channel.unix.Errors;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.protobuf.services.ProtoReflectionService;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A gRPC server on one {@link Target}: TCP, a unix domain socket or in-process. Health ({@code
 * grpc.health.v1.Health}, with {@code Watch}) and reflection ({@code grpc.reflection.v1} and {@code
 * v1alpha}) are on by default; reflection also describes {@link DynamicService}s.
 *
 * <pre>{@code
 * try (SwitchboardServer server = SwitchboardServer.builder("localhost:0")
 *     .service(new GreeterImpl())
 *     .service(DynamicService.builder(descriptor).unary("SayHello", handler).build())
 *     .build()
 *     .start()) {
 *   System.out.println("listening on " + server.target());
 *   server.awaitTermination();
 * }
 * }</pre>
 *
 * <p><b>Shutdown.</b> {@link #shutdown(Duration)} flips every health status to {@code NOT_SERVING},
 * stops accepting connections and calls, lets calls in flight finish until the grace period ends,
 * then cancels the rest, releases the event loops and removes the unix socket file. It blocks until
 * all of that is done.
 *
 * <p><b>Unix sockets.</b> The path must fit the OS limit ({@link Target#MAX_UNIX_PATH_BYTES}). Unix
 * connections are not asked for TCP options such as {@code SO_KEEPALIVE} that they do not have, so
 * netty has nothing to warn about.
 *
 * <p>Thread-safe.
 */
public final class SwitchboardServer implements AutoCloseable {

  /** The default limit on a received message: 16 MiB. */
  public static final int DEFAULT_MAX_INBOUND_MESSAGE_SIZE = 16 * 1024 * 1024;

  /** The default limit on the headers (or trailers) of a received call: grpc-java's 8 KiB. */
  public static final int DEFAULT_MAX_INBOUND_METADATA_SIZE = 8192;

  /** The grace period {@link #close()} gives calls in flight. */
  public static final Duration CLOSE_GRACE = Duration.ofSeconds(2);

  private static final Logger log = LoggerFactory.getLogger(SwitchboardServer.class);
  private static final Duration EVENT_LOOP_SHUTDOWN = Duration.ofSeconds(5);
  private static final Duration AFTER_CANCEL_WAIT = Duration.ofSeconds(5);

  private enum State {
    NEW,
    STARTED,
    STOPPING,
    TERMINATED
  }

  private final Target requestedTarget;
  private final IntFunction<Server> serverOnPort;
  private final int firstPort;
  private final int lastPort;
  private final List<EventLoopGroup> groups;
  private final @Nullable HealthStatusManager healthManager;
  private final @Nullable HealthControl healthControl;
  private final List<String> serviceNames;
  private final Object lock = new Object();
  private final CountDownLatch terminated = new CountDownLatch(1);
  // @GuardedBy("lock")
  private State state = State.NEW;
  // Replaced only by start(), under the lock, while it looks for a free port in a range.
  private volatile Server server;
  private volatile @Nullable Target boundTarget;

  private SwitchboardServer(
      Target requestedTarget,
      IntFunction<Server> serverOnPort,
      int firstPort,
      int lastPort,
      List<EventLoopGroup> groups,
      @Nullable HealthStatusManager healthManager,
      List<String> serviceNames) {
    this.requestedTarget = requestedTarget;
    this.serverOnPort = serverOnPort;
    this.firstPort = firstPort;
    this.lastPort = lastPort;
    this.server = serverOnPort.apply(firstPort);
    this.groups = groups;
    this.healthManager = healthManager;
    this.healthControl = healthManager == null ? null : new ManagedHealth(healthManager);
    this.serviceNames = serviceNames;
  }

  /** A builder for a server on the target; a TCP port of 0 picks any free port. */
  public static Builder builder(Target target) {
    return new Builder(target);
  }

  /**
   * A builder for a server on {@code host:port}, {@code unix:/path} or {@code inproc:name}.
   *
   * @throws IllegalArgumentException if the target does not parse
   */
  public static Builder builder(String target) {
    return new Builder(Target.parse(target));
  }

  /**
   * Starts listening.
   *
   * @return this server
   * @throws IOException naming the target if it cannot be bound (port in use, missing directory,
   *     ...)
   * @throws IllegalStateException if already started or shut down
   */
  public SwitchboardServer start() throws IOException {
    synchronized (lock) {
      if (state != State.NEW) {
        throw new IllegalStateException("server on " + requestedTarget + " is already " + state);
      }
      if (healthManager != null) {
        // The overall status "" is SERVING from the start; each registered service says so by name
        // too,
        // before the first client can ask.
        for (String name : serviceNames) {
          healthManager.setStatus(name, ServingStatus.SERVING);
        }
      }
      try {
        if (requestedTarget.kind() == Target.Kind.UNIX) {
          UnixSocketFiles.removeIfStale(requestedTarget.path());
        }
        bind();
      } catch (IOException | RuntimeException e) {
        state = State.TERMINATED;
        server.shutdownNow();
        // Keep the socket file: it may belong to the server that holds the path.
        releaseGroups(false);
        terminated.countDown();
        throw new IOException("cannot listen on " + where() + ": " + rootMessage(e), e);
      }
      boundTarget = resolveBoundTarget();
      state = State.STARTED;
    }
    log.info("switchboard server listening on {} ({} services)", target(), serviceNames.size());
    return this;
  }

  /** Starts the server, trying each port of a range in order until one is free. */
  // @GuardedBy("lock")
  private void bind() throws IOException {
    for (int port = firstPort; ; port++) {
      try {
        server.start();
        return;
      } catch (IOException e) {
        if (port >= lastPort || !addressInUse(e)) {
          throw e;
        }
        server.shutdownNow();
        server = serverOnPort.apply(port + 1);
      }
    }
  }

  /**
   * Whether binding failed because the port is taken: a {@link BindException} from the JDK's
   * sockets, or EADDRINUSE from netty's epoll sockets (98 on Linux, the only OS epoll runs on).
   */
  private static boolean addressInUse(Throwable failure) {
    for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
      if (cause instanceof BindException
          || (cause instanceof Errors.NativeIoException nativeError
              && nativeError.expectedErr() == -98)) {
        return true;
      }
      if (cause.getCause() == cause) {
        break;
      }
    }
    return false;
  }

  /** The requested target, or its host and port range when it has one. */
  private String where() {
    boolean ranged =
        requestedTarget.kind() == Target.Kind.TCP && firstPort != requestedTarget.port();
    return ranged
        ? requestedTarget.host() + " in ports " + firstPort + ".." + lastPort
        : requestedTarget.toString();
  }

  private Target resolveBoundTarget() {
    if (requestedTarget.kind() != Target.Kind.TCP) {
      return requestedTarget;
    }
    for (SocketAddress address : server.getListenSockets()) {
      if (address instanceof InetSocketAddress inet) {
        return requestedTarget.withPort(inet.getPort());
      }
    }
    return requestedTarget;
  }

  /** The target this server listens on, with the real port once started (TCP port 0 resolved). */
  public Target target() {
    Target bound = boundTarget;
    return bound == null ? requestedTarget : bound;
  }

  /**
   * The bound TCP port once started, the requested port before; -1 for unix and in-process targets.
   */
  public int port() {
    Target current = target();
    return current.kind() == Target.Kind.TCP ? current.port() : -1;
  }

  /** The names of the services this server hosts, including health and reflection when enabled. */
  public List<String> services() {
    List<String> names = new ArrayList<>();
    server.getServices().forEach(service -> names.add(service.getServiceDescriptor().getName()));
    return names;
  }

  /**
   * Control over the health statuses this server reports.
   *
   * @throws IllegalStateException if health was turned off with {@code health(false)}
   */
  public HealthControl health() {
    if (healthControl == null) {
      throw new IllegalStateException("health is off for the server on " + requestedTarget);
    }
    return healthControl;
  }

  /**
   * Shuts down gracefully and blocks until done: health goes {@code NOT_SERVING}, no new
   * connections or calls are accepted, calls in flight run until {@code grace} has passed, then the
   * rest are cancelled. Calling it again, or after {@link #close()}, waits for the first shutdown
   * to finish. If the calling thread is interrupted, calls are cancelled at once and the interrupt
   * is kept.
   */
  public void shutdown(Duration grace) {
    Objects.requireNonNull(grace, "grace");
    boolean drain;
    synchronized (lock) {
      if (state == State.NEW) {
        state = State.TERMINATED;
        releaseGroups(false);
        terminated.countDown();
        return;
      }
      drain = state == State.STARTED;
      if (drain) {
        state = State.STOPPING;
      }
    }
    if (!drain) {
      // Another caller is shutting down (or did): wait for it.
      awaitTerminationUninterruptibly();
      return;
    }
    try {
      stopAndDrain(grace);
    } finally {
      synchronized (lock) {
        state = State.TERMINATED;
      }
      terminated.countDown();
    }
  }

  private void stopAndDrain(Duration grace) {
    Target where = target();
    log.info("switchboard server on {} shutting down, grace {}", where, grace);
    if (healthManager != null) {
      // Load balancers and watchers learn first, while calls in flight still run.
      healthManager.enterTerminalState();
    }
    server.shutdown();
    boolean interrupted = false;
    try {
      if (!server.awaitTermination(grace.toNanos(), TimeUnit.NANOSECONDS)) {
        log.info(
            "switchboard server on {}: grace period over, cancelling calls still in flight", where);
        server.shutdownNow();
        if (!server.awaitTermination(AFTER_CANCEL_WAIT.toNanos(), TimeUnit.NANOSECONDS)) {
          log.warn(
              "switchboard server on {} did not terminate {} after cancelling its calls",
              where,
              AFTER_CANCEL_WAIT);
        }
      }
    } catch (InterruptedException e) {
      interrupted = true;
      server.shutdownNow();
    }
    releaseGroups(true);
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
    log.info("switchboard server on {} terminated", where);
  }

  private void releaseGroups(boolean removeSocketFile) {
    if (!groups.isEmpty()
        && !EventLoops.shutdown(EVENT_LOOP_SHUTDOWN, groups.toArray(EventLoopGroup[]::new))) {
      log.warn(
          "event loops of the server on {} did not stop within {}",
          requestedTarget,
          EVENT_LOOP_SHUTDOWN);
    }
    if (removeSocketFile && requestedTarget.kind() == Target.Kind.UNIX) {
      Path socket = requestedTarget.path();
      try {
        Files.deleteIfExists(socket);
      } catch (IOException e) {
        log.warn("cannot remove unix socket file {}: {}", socket, e.toString());
      }
    }
  }

  /** Blocks until the server has terminated (after a shutdown started by any thread). */
  public void awaitTermination() throws InterruptedException {
    terminated.await();
  }

  /**
   * Blocks until the server has terminated or the timeout passes.
   *
   * @return whether the server terminated
   */
  public boolean awaitTermination(Duration timeout) throws InterruptedException {
    return terminated.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
  }

  /** Whether the server has terminated. */
  public boolean isTerminated() {
    return terminated.getCount() == 0;
  }

  private void awaitTerminationUninterruptibly() {
    boolean interrupted = false;
    while (true) {
      try {
        terminated.await();
        break;
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  /** Shuts down with a grace period of {@link #CLOSE_GRACE}; see {@link #shutdown(Duration)}. */
  @Override
  public void close() {
    shutdown(CLOSE_GRACE);
  }

  @Override
  public String toString() {
    return "SwitchboardServer{" + target() + "}";
  }

  private static String rootMessage(Throwable e) {
    Throwable cause = e;
    while (cause.getCause() != null && cause.getCause() != cause) {
      cause = cause.getCause();
    }
    String message = cause.getMessage();
    return message == null ? cause.getClass().getSimpleName() : message;
  }

  /**
   * Sets the health statuses the server reports through {@code grpc.health.v1.Health}. The service
   * name {@code ""} is the server as a whole. After shutdown starts, every status is {@code
   * NOT_SERVING} and changes are ignored.
   */
  public interface HealthControl {
    /**
     * Sets the status reported for a service name (fully qualified, or {@code ""} for the server).
     */
    void setStatus(String service, ServingStatus status);

    /**
     * Forgets a service name: checks then answer {@code NOT_FOUND}, watchers see {@code
     * SERVICE_UNKNOWN}.
     */
    void clearStatus(String service);
  }

  private static final class ManagedHealth implements HealthControl {
    private final HealthStatusManager manager;

    ManagedHealth(HealthStatusManager manager) {
      this.manager = manager;
    }

    @Override
    public void setStatus(String service, ServingStatus status) {
      manager.setStatus(service, status);
    }

    @Override
    public void clearStatus(String service) {
      manager.clearStatus(service);
    }
  }

  /**
   * Configures a {@link SwitchboardServer}. Not thread-safe; {@link #build()} may be called once.
   */
  public static final class Builder {
    private final Target target;
    private final List<ServerServiceDefinition> services = new ArrayList<>();
    private final List<ServerInterceptor> interceptors = new ArrayList<>();
    private @Nullable TlsContext tls;
    private boolean prepareTls;
    private int firstPort;
    private int lastPort;
    private int maxInboundMessageSize = DEFAULT_MAX_INBOUND_MESSAGE_SIZE;
    private int maxInboundMetadataSize = DEFAULT_MAX_INBOUND_METADATA_SIZE;
    private Duration keepAliveTime = Duration.ofMinutes(5);
    private Duration keepAliveTimeout = Duration.ofSeconds(20);
    private Duration permitKeepAliveTime = Duration.ofSeconds(10);
    private boolean permitKeepAliveWithoutCalls = true;
    private boolean health = true;
    private boolean reflection = true;
    private @Nullable Executor executor;
    private @Nullable HandlerRegistry fallbackRegistry;
    private int workerThreads;
    private ExceptionMapper exceptionMapper = ExceptionMapper.defaults();

    private Builder(Target target) {
      this.target = Objects.requireNonNull(target, "target");
      if (target.kind() == Target.Kind.TCP) {
        this.firstPort = target.port();
        this.lastPort = target.port();
      }
    }

    /** Adds a service implemented from generated stubs. */
    public Builder service(BindableService service) {
      return service(service.bindService());
    }

    /** Adds a service definition. */
    public Builder service(ServerServiceDefinition service) {
      services.add(Objects.requireNonNull(service, "service"));
      return this;
    }

    /** Adds a dynamic service, served from its handlers and visible to reflection. */
    public Builder service(DynamicService service) {
      return service(service.definition());
    }

    /**
     * Adds an interceptor around every service, health and reflection included. Interceptors see a
     * call in the order they were added: the first added runs first.
     */
    public Builder interceptor(ServerInterceptor interceptor) {
      interceptors.add(Objects.requireNonNull(interceptor, "interceptor"));
      return this;
    }

    /**
     * Serves TLS (or mTLS, see {@link TlsConfig#requireClientAuth()}); TCP and unix targets only.
     * The context is built by {@link #build()}, which reports a config that cannot be used.
     *
     * @throws IllegalArgumentException if the config cannot serve (no identity, or client
     *     certificates required without trust)
     */
    public Builder tls(TlsConfig tls) {
      this.tls = TlsContext.forServer(tls);
      this.prepareTls = true;
      return this;
    }

    /**
     * Serves TLS with a context that may still be unbuilt: the server binds without waiting for it,
     * and the first handshake builds it unless {@link TlsContext#prepare()} has. Share one context
     * between servers with the same identity and trust.
     *
     * @throws IllegalArgumentException if it is a client context
     */
    public Builder tls(TlsContext tls) {
      if (!tls.isServer()) {
        throw new IllegalArgumentException(
            "the server on " + target + " needs a server context (TlsContext.forServer)");
      }
      this.tls = tls;
      this.prepareTls = false;
      return this;
    }

    /**
     * Listens on the first free port in {@code first..last}, tried in order (as go-plugin's plugins
     * pick theirs), instead of the target's port; the target must be TCP with port 0. {@code 0..0}
     * means any free port, as port 0 does.
     *
     * @throws IllegalArgumentException if the target is not TCP port 0 or the range is empty or
     *     outside 1..65535
     */
    public Builder portRange(int first, int last) {
      if (target.kind() != Target.Kind.TCP || target.port() != 0) {
        throw new IllegalArgumentException(
            "portRange(" + first + ", " + last + ") needs a TCP target with port 0, not " + target);
      }
      boolean any = first == 0 && last == 0;
      if (!any && (first < 1 || last > 65535 || first > last)) {
        throw new IllegalArgumentException(
            "port range " + first + ".." + last + " must be 0..0 or lie within 1..65535");
      }
      this.firstPort = first;
      this.lastPort = last;
      return this;
    }

    /**
     * The largest message the server accepts, in bytes; larger ones fail with RESOURCE_EXHAUSTED.
     */
    public Builder maxInboundMessageSize(int bytes) {
      this.maxInboundMessageSize = Positive.messageSize(bytes);
      return this;
    }

    /**
     * The largest headers (or trailers) of a call the server accepts, in bytes; default 8 KiB.
     * Larger ones fail the call with RESOURCE_EXHAUSTED (INTERNAL on some clients).
     */
    public Builder maxInboundMetadataSize(int bytes) {
      this.maxInboundMetadataSize = Positive.metadataSize(bytes);
      return this;
    }

    /**
     * Pings idle connections after {@code time} and drops them when no answer comes within {@code
     * timeout}, so vanished clients free their calls. Defaults: 5 minutes and 20 seconds. grpc-java
     * raises times under 10 seconds to 10 seconds.
     */
    public Builder keepAlive(Duration time, Duration timeout) {
      this.keepAliveTime = Positive.duration(time, "keepAlive time");
      this.keepAliveTimeout = Positive.duration(timeout, "keepAlive timeout");
      return this;
    }

    /**
     * The most frequent client keepalive pings the server tolerates, and whether without calls in
     * flight; clients that ping more often are disconnected. Defaults: every 10 seconds, also
     * without calls.
     */
    public Builder permitKeepAlive(Duration minTime, boolean withoutCalls) {
      this.permitKeepAliveTime = Positive.duration(minTime, "permitKeepAlive time");
      this.permitKeepAliveWithoutCalls = withoutCalls;
      return this;
    }

    /** Whether to serve {@code grpc.health.v1.Health}; default true. */
    public Builder health(boolean enabled) {
      this.health = enabled;
      return this;
    }

    /** Whether to serve reflection v1 and v1alpha; default true. */
    public Builder reflection(boolean enabled) {
      this.reflection = enabled;
      return this;
    }

    /**
     * The executor that runs handlers; the caller owns it. Default: grpc-java's shared cached pool.
     * A direct executor ({@code Runnable::run}) is fastest for handlers that never block.
     */
    public Builder executor(Executor executor) {
      this.executor = Objects.requireNonNull(executor, "executor");
      return this;
    }

    /**
     * A registry asked for methods that no added service has, for services that come and go while
     * the server runs (e.g. grpc-java's {@code MutableHandlerRegistry}). Reflection lists its
     * services too; set their health with {@link SwitchboardServer#health()}.
     */
    public Builder fallbackRegistry(HandlerRegistry registry) {
      this.fallbackRegistry = Objects.requireNonNull(registry, "registry");
      return this;
    }

    /**
     * How exceptions thrown by handlers become the status clients see; default {@link
     * ExceptionMapper#defaults()}. It applies to every service, inside every interceptor.
     */
    public Builder exceptionMapper(ExceptionMapper mapper) {
      this.exceptionMapper = Objects.requireNonNull(mapper, "mapper");
      return this;
    }

    /**
     * Netty worker threads for TCP and unix targets; 0 (default) means netty's default, twice the
     * cores. A server with few connections (one client process) needs one, which then also accepts
     * the connections instead of a thread of its own.
     */
    public Builder workerThreads(int threads) {
      if (threads < 0) {
        throw new IllegalArgumentException("workerThreads must not be negative, was " + threads);
      }
      this.workerThreads = threads;
      return this;
    }

    /**
     * Builds the server; call {@link SwitchboardServer#start()} to listen.
     *
     * @throws IllegalArgumentException if two services have the same name, reflection could not
     *     describe the services' contracts together, TLS is asked for an in-process target, or a
     *     TLS config given to {@link #tls(TlsConfig)} cannot be used
     * @throws IllegalStateException if the transport cannot run on this machine
     */
    public SwitchboardServer build() {
      Set<String> names = new LinkedHashSet<>();
      for (ServerServiceDefinition service : services) {
        String name = service.getServiceDescriptor().getName();
        if (!names.add(name)) {
          throw new IllegalArgumentException(
              "service " + name + " is added twice to the server on " + target);
        }
      }
      if (health && names.contains(HealthStatusManager.SERVICE_NAME_ALL_SERVICES)) {
        throw new IllegalArgumentException("service name must not be empty");
      }
      if (reflection) {
        ReflectionConflicts.check(services);
      }
      TlsContext context = tls;
      if (context != null) {
        if (target.kind() == Target.Kind.IN_PROCESS) {
          throw new IllegalArgumentException("TLS does not apply to in-process target " + target);
        }
        if (prepareTls) {
          try {
            context.prepare();
          } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                "cannot set up TLS for " + target + ": " + e.getMessage(), e);
          }
        }
      }
      HealthStatusManager healthManager = health ? new HealthStatusManager() : null;
      List<EventLoopGroup> groups = new ArrayList<>();
      try {
        EventLoops loops = eventLoops(groups);
        IntFunction<Server> serverOnPort = port -> server(port, loops, groups, healthManager);
        return new SwitchboardServer(
            target,
            serverOnPort,
            firstPort,
            lastPort,
            List.copyOf(groups),
            healthManager,
            List.copyOf(names));
      } catch (RuntimeException e) {
        if (!groups.isEmpty()) {
          EventLoops.shutdown(EVENT_LOOP_SHUTDOWN, groups.toArray(EventLoopGroup[]::new));
        }
        throw e;
      }
    }

    /** The event loops of a netty target, made once and shared by every attempt to bind. */
    private @Nullable EventLoops eventLoops(List<EventLoopGroup> groups) {
      EventLoops loops;
      switch (target.kind()) {
        case UNIX -> loops = EventLoops.forUnixSockets();
        case TCP -> loops = EventLoops.forTcp();
        default -> {
          return null;
        }
      }
      String label = target.toString();
      groups.add(loops.newGroup(workerThreads, "switchboard-server " + label));
      if (workerThreads != 1) {
        groups.add(loops.newGroup(1, "switchboard-server-boss " + label));
      }
      return loops;
    }

    /** A grpc-java server for the target, on {@code port} for TCP targets. */
    private Server server(
        int port,
        @Nullable EventLoops loops,
        List<EventLoopGroup> groups,
        @Nullable HealthStatusManager healthManager) {
      ServerBuilder<?> builder = transport(port, loops, groups);
      if (healthManager != null) {
        builder.addService(healthManager.getHealthService());
      }
      if (reflection) {
        builder.addService(ProtoReflectionServiceV1.newInstance());
        builder.addService(v1alphaReflection());
      }
      services.forEach(builder::addService);
      // Added first, so it runs last: innermost, next to the handlers.
      builder.intercept(exceptionMapper.interceptor());
      // grpc-java runs the last added interceptor first; add in reverse so the first added runs
      // first.
      for (int i = interceptors.size() - 1; i >= 0; i--) {
        builder.intercept(interceptors.get(i));
      }
      if (executor != null) {
        builder.executor(executor);
      }
      if (fallbackRegistry != null) {
        builder.fallbackHandlerRegistry(fallbackRegistry);
      }
      return builder.build();
    }

    @SuppressWarnings(
        "deprecation") // v1alpha is deprecated upstream, but older clients (grpcurl < 1.8) need it.
    private static BindableService v1alphaReflection() {
      return ProtoReflectionService.newInstance();
    }

    private ServerBuilder<?> transport(
        int port, @Nullable EventLoops loops, List<EventLoopGroup> groups) {
      if (loops == null) {
        return InProcessServerBuilder.forName(target.name())
            .maxInboundMessageSize(maxInboundMessageSize)
            .maxInboundMetadataSize(maxInboundMetadataSize);
      }
      NettyServerBuilder netty;
      if (target.kind() == Target.Kind.UNIX) {
        netty =
            NettyServerBuilder.forAddress(new DomainSocketAddress(target.path().toString()))
                .channelType(loops.unixServerChannel())
                // grpc-java asks every accepted connection for SO_KEEPALIVE, which unix sockets do
                // not have (netty would warn on each); null removes the option.
                .withChildOption(ChannelOption.SO_KEEPALIVE, null);
      } else {
        netty =
            NettyServerBuilder.forAddress(new InetSocketAddress(target.host(), port))
                .channelType(loops.tcpServerChannel());
      }
      netty
          // The last group accepts: the boss, or the single worker itself.
          .bossEventLoopGroup(groups.get(groups.size() - 1))
          .workerEventLoopGroup(groups.get(0))
          .maxInboundMessageSize(maxInboundMessageSize)
          .maxInboundMetadataSize(maxInboundMetadataSize)
          .keepAliveTime(keepAliveTime.toNanos(), TimeUnit.NANOSECONDS)
          .keepAliveTimeout(keepAliveTimeout.toNanos(), TimeUnit.NANOSECONDS)
          .permitKeepAliveTime(permitKeepAliveTime.toNanos(), TimeUnit.NANOSECONDS)
          .permitKeepAliveWithoutCalls(permitKeepAliveWithoutCalls);
      if (tls != null) {
        netty.sslContext(tls.forTransport());
      }
      return netty;
    }
  }
}
