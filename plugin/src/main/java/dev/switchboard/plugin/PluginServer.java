package dev.switchboard.plugin;

import dev.switchboard.plugin.internal.AutoMtls;
import dev.switchboard.plugin.internal.Broker;
import dev.switchboard.plugin.internal.ControllerService;
import dev.switchboard.plugin.internal.Endpoints;
import dev.switchboard.plugin.internal.HandshakeLine;
import dev.switchboard.plugin.internal.Hclog;
import dev.switchboard.plugin.internal.HclogLogger;
import dev.switchboard.plugin.internal.ParentWatch;
import dev.switchboard.plugin.internal.RateLimitInterceptor;
import dev.switchboard.plugin.internal.StdioCapture;
import io.grpc.ServerInterceptor;
import io.grpc.ServerServiceDefinition;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;

/**
 * The plugin side: serves protocols the way go-plugin's {@code plugin.Serve} does, so Go, Python
 * and Java hosts can all load a Java plugin.
 *
 * <pre>{@code
 * public static void main(String[] args) {
 *   System.exit(PluginServer.builder(HandshakeConfig.of("BASIC_PLUGIN", "hello", 1))
 *       .protocol(services -> services.service(new MyKv()))
 *       .build()
 *       .serve());
 * }
 * }</pre>
 *
 * <p>{@link #serve()} checks the magic cookie (a human explanation on stderr and exit status 1 on a
 * mismatch), negotiates the version from {@code PLUGIN_PROTOCOL_VERSIONS}, answers AutoMTLS when
 * {@code PLUGIN_CLIENT_CERT} is set, listens on a unix socket (or TCP 127.0.0.1 in the {@code
 * PLUGIN_MIN_PORT..PLUGIN_MAX_PORT} range), prints the handshake line, then serves until the host
 * calls {@code plugin.GRPCController/Shutdown} or dies. Besides the protocol's services it always
 * serves grpc.health.v1 (service {@code plugin} SERVING), the broker, the controller, stdio and
 * server reflection.
 */
public final class PluginServer {
  static final String HUMAN_COOKIE_MESSAGE =
      "This binary is a plugin. These are not meant to be executed directly.\n"
          + "Please execute the program that consumes these plugins, which will\n"
          + "load any plugins automatically\n";

  /** The shaded netty's name for {@code io.netty.jfr.enabled}. */
  static final String NETTY_JFR_PROPERTY = "io.grpc.netty.shaded.io.netty.jfr.enabled";

  private final HandshakeConfig handshake;
  private final Map<Integer, List<PluginProtocol>> versions;
  private final Map<String, String> environment;
  private final String name;
  private final PrintStream stdout;
  private final PrintStream stderr;
  private final boolean watchParent;
  private final CountDownLatch stop = new CountDownLatch(1);

  private PluginServer(Builder builder) {
    this.handshake = builder.handshake;
    this.versions = new TreeMap<>(builder.versions);
    this.environment =
        builder.environment == null ? System.getenv() : Map.copyOf(builder.environment);
    this.name = builder.name;
    this.stdout =
        builder.stdout == null
            ? new PrintStream(
                new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8)
            : builder.stdout;
    this.stderr =
        builder.stderr == null
            ? new PrintStream(
                new FileOutputStream(FileDescriptor.err), true, StandardCharsets.UTF_8)
            : builder.stderr;
    this.watchParent = builder.watchParent;
  }

  public static Builder builder(HandshakeConfig handshake) {
    return new Builder(handshake);
  }

  /** Asks a running {@link #serve()} to stop, as the host's Shutdown call does. */
  public void stop() {
    stop.countDown();
  }

  /**
   * Runs the plugin until the host stops it. Returns the process exit status: 0 after a normal
   * shutdown, 1 when the plugin could not start (wrong cookie, bad settings, no listener).
   */
  public int serve() {
    if (!handshake.magicCookieValue().equals(environment.get(handshake.magicCookieKey()))) {
      stderr.print(HUMAN_COOKIE_MESSAGE);
      stderr.flush();
      return 1;
    }
    PluginSettings settings;
    try {
      settings = PluginSettings.fromEnvironment(environment);
    } catch (IllegalArgumentException e) {
      new Hclog(stderr, Clock.systemUTC(), Hclog.Level.INFO)
          .log(Hclog.Level.ERROR, name, "plugin init error", "error", e.getMessage());
      return 1;
    }
    // Netty (4.1.12x on) registers JFR event classes for its buffer allocator on first use unless
    // told not to: about 150 ms of CPU in a cold JVM, for events nobody records in a plugin. Must
    // be
    // set before netty's PlatformDependent initializes; an explicit setting wins.
    if (System.getProperty(NETTY_JFR_PROPERTY) == null) {
      System.setProperty(NETTY_JFR_PROPERTY, "false");
    }
    // Netty would pick up SLF4J when it is on the class path and find no binding in a plugin.
    io.grpc.netty.shaded.io.netty.util.internal.logging.InternalLoggerFactory.setDefaultFactory(
        io.grpc.netty.shaded.io.netty.util.internal.logging.JdkLoggerFactory.INSTANCE);
    Hclog hclog = new Hclog(stderr, Clock.systemUTC(), Hclog.Level.valueOf(settings.logLevel()));
    Logger log = new HclogLogger(name, hclog);
    try {
      return run(settings, hclog, log);
    } catch (Exception | LinkageError e) {
      log.error("plugin init error: {}", e.toString(), e);
      return 1;
    }
  }

  private int run(PluginSettings settings, Hclog hclog, Logger log) throws Exception {
    int version = negotiate(environment.get("PLUGIN_PROTOCOL_VERSIONS"), log);
    List<PluginProtocol> protocols = versions.get(version);

    String clientCert = environment.get("PLUGIN_CLIENT_CERT");
    Endpoints.@Nullable Tls tls = null;
    if (clientCert != null && !clientCert.isBlank()) {
      log.debug("configuring server automatic mTLS");
      // Initializing the JDK's TLS and netty's JDK SslContext, then building our context, is the
      // longest step of an mTLS start and needs only our certificate: run it on its own thread
      // while this one makes the certificate, the services and the listener and prints the line.
      // The first connection's TLS engine waits for it (Endpoints.DeferredSslContext).
      CompletableFuture<Endpoints.Tls> made = new CompletableFuture<>();
      Thread prepare =
          new Thread(
              () -> {
                Endpoints.Tls.preload();
                try {
                  made.join().prepareServer();
                } catch (RuntimeException e) {
                  // The main thread builds the context again and reports the failure.
                }
              },
              "plugin-tls-init");
      prepare.setDaemon(true);
      prepare.start();
      try {
        tls = new Endpoints.Tls(AutoMtls.generate(), AutoMtls.parsePem(clientCert));
        made.complete(tls);
      } catch (RuntimeException e) {
        made.completeExceptionally(e);
        throw e;
      }
    }

    String socketDir = environment.get("PLUGIN_UNIX_SOCKET_DIR");
    try (Endpoints endpoints = new Endpoints("plugin")) {
      Endpoints.@Nullable Tls brokerTls = tls;
      Broker broker =
          new Broker(endpoints, () -> brokerTls, socketDir, settings.maxMessageSize(), log);
      PluginServices services =
          new PluginServices(broker, version, module -> new HclogLogger(module, hclog));
      for (PluginProtocol protocol : protocols) {
        protocol.register(services);
      }
      StdioCapture stdio = new StdioCapture();
      HealthStatusManager health = new HealthStatusManager();
      // go-plugin hosts ping the service named "plugin"; the empty name answers generic checkers.
      health.setStatus("plugin", ServingStatus.SERVING);
      health.setStatus("", ServingStatus.SERVING);

      List<ServerServiceDefinition> all = new ArrayList<>(services.definitions());
      all.add(health.getHealthService().bindService());
      all.add(broker.service().bindService());
      all.add(new ControllerService(this::stop).bindService());
      all.add(stdio.bindService());
      all.add(ProtoReflectionServiceV1.newInstance().bindService());

      List<ServerInterceptor> interceptors = new ArrayList<>();
      if (settings.rateLimitEnabled()) {
        interceptors.add(
            new RateLimitInterceptor(
                settings.rateLimitRequestsPerSecond(),
                settings.rateLimitBurstCapacity(),
                System::nanoTime));
      }

      log.debug("registered {} services", all.size());
      Endpoints.Listening listening = listen(endpoints, settings, all, interceptors, tls);
      try {
        HandshakeLine line =
            new HandshakeLine(
                HandshakeLine.CORE_VERSION,
                version,
                listening.network(),
                listening.address(),
                "grpc",
                // Only when asked: go-plugin hosts that did not send PLUGIN_CLIENT_CERT must not
                // get one.
                tls == null ? null : tls.identity().handshakeField());
        log.debug("plugin address network={} address={}", listening.network(), listening.address());
        stdout.println(line.format());
        stdout.flush();
        if (tls != null) {
          // Fail the start, not only the host's first connection, if the TLS context cannot be
          // made.
          tls.prepareServer();
        }

        stdio.install();
        ignoreInterrupts(log);
        if (watchParent) {
          ParentWatch.start(
              () -> {
                log.info("host process is gone; exiting");
                listening.server().shutdownNow();
                listening.deleteSocket();
                Runtime.getRuntime().halt(0);
              });
        }
        stop.await();
        log.debug("plugin shutting down");
        // The broker and stdio streams live as long as the connection: end them first so the
        // graceful drain only waits for real calls.
        broker.close();
        stdio.finish();
        listening.server().shutdown();
        if (!listening
            .server()
            .awaitTermination(settings.gracePeriod().toMillis(), TimeUnit.MILLISECONDS)) {
          listening.server().shutdownNow();
        }
      } finally {
        listening.close();
        health.enterTerminalState();
      }
      return 0;
    }
  }

  private Endpoints.Listening listen(
      Endpoints endpoints,
      PluginSettings settings,
      List<ServerServiceDefinition> services,
      List<ServerInterceptor> interceptors,
      Endpoints.@Nullable Tls tls)
      throws java.io.IOException {
    if (settings.serverTransports().get(0).equals("unix")) {
      return endpoints.serveUnix(
          Endpoints.socketPath(environment.get("PLUGIN_UNIX_SOCKET_DIR")),
          services,
          interceptors,
          tls,
          settings.maxMessageSize());
    }
    int min = port("PLUGIN_MIN_PORT");
    int max = port("PLUGIN_MAX_PORT");
    return endpoints.serveTcp(min, max, services, interceptors, tls, settings.maxMessageSize());
  }

  private int port(String variable) {
    String value = environment.get(variable);
    if (value == null || value.isBlank()) {
      return 0;
    }
    try {
      return Integer.parseInt(value.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "Couldn't get value from " + variable + ": '" + value + "'");
    }
  }

  /**
   * go-plugin's {@code protocolVersion}: the newest version both sides know; when there is none,
   * the oldest version we serve, and the host reports the mismatch with both lists.
   */
  int negotiate(@Nullable String hostVersions, Logger log) {
    List<Integer> host = new ArrayList<>();
    if (hostVersions != null && !hostVersions.isBlank()) {
      for (String part : hostVersions.split(",")) {
        try {
          host.add(Integer.parseInt(part.trim()));
        } catch (NumberFormatException e) {
          log.warn("host sent invalid plugin version '{}'", part);
        }
      }
    }
    List<Integer> ours = new ArrayList<>(versions.keySet());
    ours.sort((a, b) -> Integer.compare(b, a));
    for (int version : ours) {
      if (host.contains(version)) {
        return version;
      }
    }
    return ours.get(ours.size() - 1);
  }

  /**
   * The plugin shares the host's process group, so a Ctrl-C at the terminal reaches it too; the
   * host decides when its plugins stop (go-plugin's server eats os.Interrupt the same way).
   */
  @SuppressWarnings("removal")
  private static void ignoreInterrupts(Logger log) {
    try {
      sun.misc.Signal.handle(
          new sun.misc.Signal("INT"),
          signal -> log.debug("plugin received interrupt signal, ignoring"));
    } catch (IllegalArgumentException | UnsupportedOperationException e) {
      log.debug("cannot ignore SIGINT here: {}", e.toString());
    }
  }

  /** Configures a {@link PluginServer}. */
  public static final class Builder {
    private final HandshakeConfig handshake;
    private final Map<Integer, List<PluginProtocol>> versions = new TreeMap<>();
    private @Nullable Map<String, String> environment;
    private String name = "plugin";
    private @Nullable PrintStream stdout;
    private @Nullable PrintStream stderr;
    private boolean watchParent = true;

    private Builder(HandshakeConfig handshake) {
      this.handshake = handshake;
    }

    /** Protocols served at the handshake's protocol version. */
    public Builder protocol(PluginProtocol... protocols) {
      return protocol(handshake.protocolVersion(), protocols);
    }

    /** A versioned plugin set: these protocols are served when {@code version} is negotiated. */
    public Builder protocol(int version, PluginProtocol... protocols) {
      if (protocols.length == 0) {
        throw new IllegalArgumentException("version " + version + " needs at least one protocol");
      }
      versions.computeIfAbsent(version, v -> new ArrayList<>()).addAll(Arrays.asList(protocols));
      return this;
    }

    /** The environment to read instead of the process's (for tests). */
    public Builder environment(Map<String, String> environment) {
      this.environment = Map.copyOf(environment);
      return this;
    }

    /** The hclog module name of the plugin's own log lines. */
    public Builder name(String name) {
      this.name = name;
      return this;
    }

    /** Where the handshake line goes instead of the process's stdout (for tests). */
    public Builder stdout(PrintStream stdout) {
      this.stdout = stdout;
      return this;
    }

    /** Where log lines go instead of the process's stderr (for tests). */
    public Builder stderr(PrintStream stderr) {
      this.stderr = stderr;
      return this;
    }

    /** Whether to exit when the parent process goes away (default true; off for in-JVM tests). */
    public Builder watchParent(boolean watchParent) {
      this.watchParent = watchParent;
      return this;
    }

    public PluginServer build() {
      if (versions.isEmpty()) {
        throw new IllegalStateException("a plugin server needs at least one protocol");
      }
      return new PluginServer(this);
    }
  }
}
