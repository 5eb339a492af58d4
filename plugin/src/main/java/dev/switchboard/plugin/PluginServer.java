package dev.switchboard.plugin;

import dev.switchboard.plugin.internal.AutoMtls;
import dev.switchboard.plugin.internal.Broker;
import dev.switchboard.plugin.internal.Connections;
import dev.switchboard.plugin.internal.ControllerService;
import dev.switchboard.plugin.internal.HandshakeLine;
import dev.switchboard.plugin.internal.Hclog;
import dev.switchboard.plugin.internal.HclogLogger;
import dev.switchboard.plugin.internal.HostWatch;
import dev.switchboard.plugin.internal.RateLimitInterceptor;
import dev.switchboard.plugin.internal.StdioCapture;
import dev.switchboard.runtime.SwitchboardServer;
import dev.switchboard.runtime.Target;
import dev.switchboard.runtime.TlsContext;
import io.grpc.ServerServiceDefinition;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
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
 * calls {@code plugin.GRPCController/Shutdown} or dies. A host that dies, whenever it does (even
 * before this method runs), ends the plugin: its sockets are removed, the processes it started
 * ended, and the JVM halts. Besides the protocol's services it always serves grpc.health.v1
 * (service {@code plugin} SERVING), the broker, the controller, stdio and server reflection.
 */
public final class PluginServer {
  static final String HUMAN_COOKIE_MESSAGE =
      """
      This binary is a plugin. These are not meant to be executed directly.
      Please execute the program that consumes these plugins, which will
      load any plugins automatically
      """;

  /** How long processes the plugin started get to end after SIGTERM when the host is gone. */
  private static final Duration DESCENDANTS_GRACE = Duration.ofSeconds(1);

  private final HandshakeConfig handshake;
  private final Map<Integer, List<PluginProtocol>> versions;
  private final Map<String, String> environment;
  private final String name;
  private final PrintStream stdout;
  private final PrintStream stderr;
  private final boolean watchParent;
  private final CountDownLatch stop = new CountDownLatch(1);

  /**
   * What a plugin whose host dies must undo, as far as the start has come: the listener's socket
   * and the broker. The start registers each under this lock as it comes into being, so a host
   * dying at any moment finds either nothing or the whole of it.
   */
  private final Object cleanup = new Object();

  private @Nullable Target listening; // Guarded by cleanup.
  private @Nullable Broker openBroker; // Guarded by cleanup.

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
          .log(
              Hclog.Level.ERROR,
              name,
              "plugin init error",
              "error",
              String.valueOf(e.getMessage()));
      return 1;
    }
    Hclog hclog = new Hclog(stderr, Clock.systemUTC(), Hclog.Level.valueOf(settings.logLevel()));
    Logger log = new HclogLogger(name, hclog);
    // Before anything that takes time: a host can die at any moment of the start, and a Ctrl-C
    // meant for the host must not end the plugin between its handshake line and serving.
    ignoreInterrupts(log);
    if (watchParent) {
      HostWatch.start(() -> hostGone(log));
    }
    try {
      return run(settings, hclog, log);
    } catch (Exception | LinkageError e) {
      log.error("plugin init error: {}", e.toString(), e);
      return 1;
    }
  }

  private int run(PluginSettings settings, Hclog hclog, Logger log) throws Exception {
    int version = negotiate(environment.get("PLUGIN_PROTOCOL_VERSIONS"), log);
    List<PluginProtocol> protocols = versions.getOrDefault(version, List.of());
    String socketDirName = environment.get("PLUGIN_UNIX_SOCKET_DIR");
    Path socketDir =
        socketDirName == null || socketDirName.isEmpty() ? null : Path.of(socketDirName);

    String clientCert = environment.get("PLUGIN_CLIENT_CERT");
    Connections connections;
    AutoMtls.@Nullable Identity identity = null;
    if (clientCert != null && !clientCert.isBlank()) {
      log.debug("configuring server automatic mTLS");
      // Making the TLS context is the longest step of an mTLS start and needs only our identity
      // and the host's certificate: it runs on its own thread, starting with what needs neither,
      // while this one makes the identity, the services and the listener and prints the line. The
      // first connection's handshake waits for the context if it is not ready yet.
      CompletableFuture<X509Certificate> hostCertificate = new CompletableFuture<>();
      CompletableFuture<TlsContext> serverTls = new CompletableFuture<>();
      Thread prepare =
          new Thread(
              () -> {
                try {
                  X509Certificate host = AutoMtls.parsePem(clientCert);
                  hostCertificate.complete(host);
                  AutoMtls.preloadTls(host);
                  serverTls.join().prepare();
                } catch (RuntimeException e) {
                  // This thread reports a bad certificate; the main one a context that cannot be
                  // made, when it prepares it below.
                  hostCertificate.completeExceptionally(e);
                }
              },
              "plugin-tls-init");
      prepare.setDaemon(true);
      prepare.start();
      try {
        identity = AutoMtls.generate();
        connections =
            Connections.autoMtls(
                identity, join(hostCertificate), socketDir, settings.maxMessageSize());
        serverTls.complete(connections.serverTls());
      } catch (RuntimeException e) {
        serverTls.completeExceptionally(e);
        throw e;
      }
    } else {
      connections = Connections.plaintext(socketDir, settings.maxMessageSize());
    }

    Broker broker = new Broker(connections, log);
    synchronized (cleanup) {
      openBroker = broker;
    }
    PluginServices services =
        new PluginServices(broker, version, module -> new HclogLogger(module, hclog));
    for (PluginProtocol protocol : protocols) {
      protocol.register(services);
    }
    StdioCapture stdio = new StdioCapture();
    SwitchboardServer.Builder builder = listener(connections, settings);
    services.definitions().forEach(builder::service);
    List<ServerServiceDefinition> goPlugin =
        List.of(
            broker.service().bindService(),
            new ControllerService(this::stop).bindService(),
            stdio.bindService());
    goPlugin.forEach(builder::service);
    if (settings.rateLimitEnabled()) {
      builder.interceptor(
          new RateLimitInterceptor(
              settings.rateLimitRequestsPerSecond(),
              settings.rateLimitBurstCapacity(),
              System::nanoTime));
    }
    SwitchboardServer server = builder.build();
    // go-plugin hosts ping the service named "plugin"; "" and each service answer too.
    server.health().setStatus("plugin", ServingStatus.SERVING);
    Target where;
    synchronized (cleanup) {
      server.start();
      where = server.target();
      listening = where;
    }
    try {
      String network = where.kind() == Target.Kind.UNIX ? "unix" : "tcp";
      String address =
          where.kind() == Target.Kind.UNIX ? where.path().toString() : where.toString();
      HandshakeLine line =
          new HandshakeLine(
              HandshakeLine.CORE_VERSION,
              version,
              network,
              address,
              "grpc",
              // Only when asked: go-plugin hosts that did not send PLUGIN_CLIENT_CERT must not get
              // one.
              identity == null ? null : identity.handshakeField());
      log.debug("plugin address network={} address={}", network, address);
      stdout.println(line.format());
      stdout.flush();
      TlsContext tls = connections.serverTls();
      if (tls != null) {
        // Fail the start, not only the host's first connection, if the context cannot be made.
        tls.prepare();
      }

      stdio.install();
      stop.await();
      log.debug("plugin shutting down");
      // The broker and stdio streams live as long as the connection: end them first so the
      // graceful drain only waits for real calls.
      broker.close();
      stdio.finish();
    } finally {
      server.shutdown(settings.gracePeriod());
    }
    return 0;
  }

  /**
   * Nobody will stop this plugin or read what it writes any more: remove its sockets, end the
   * processes it started and exit, without waiting for calls or shutdown hooks.
   */
  private void hostGone(Logger log) {
    synchronized (cleanup) {
      log.info("host process is gone; exiting");
      if (listening != null) {
        deleteSocket(listening);
      }
      if (openBroker != null) {
        openBroker.close();
      }
      endDescendants();
      Runtime.getRuntime().halt(0);
    }
  }

  /** SIGTERM to every process this one started, SIGKILL to those still there after a second. */
  private static void endDescendants() {
    List<ProcessHandle> descendants = ProcessHandle.current().descendants().toList();
    descendants.forEach(ProcessHandle::destroy);
    long deadline = System.nanoTime() + DESCENDANTS_GRACE.toNanos();
    for (ProcessHandle process : descendants) {
      while (process.isAlive() && System.nanoTime() < deadline) {
        try {
          Thread.sleep(10);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          break;
        }
      }
      process.destroyForcibly();
    }
  }

  /** The value, or the exception that failed it as thrown. */
  private static <T> T join(CompletableFuture<T> future) {
    try {
      return future.join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof RuntimeException failure) {
        throw failure;
      }
      throw e;
    }
  }

  /** A unix socket in PLUGIN_UNIX_SOCKET_DIR, or TCP within PLUGIN_MIN_PORT..PLUGIN_MAX_PORT. */
  private SwitchboardServer.Builder listener(Connections connections, PluginSettings settings) {
    if (settings.serverTransports().get(0).equals("unix")) {
      return connections.unixServer();
    }
    int min = port("PLUGIN_MIN_PORT");
    int max = port("PLUGIN_MAX_PORT");
    if (min > max) {
      throw new IllegalArgumentException(
          "PLUGIN_MIN_PORT value of " + min + " is greater than PLUGIN_MAX_PORT value of " + max);
    }
    return connections.tcpServer(min, max);
  }

  private static void deleteSocket(Target where) {
    if (where.kind() == Target.Kind.UNIX) {
      try {
        Files.deleteIfExists(where.path());
      } catch (IOException e) {
        // The process is exiting; a stale socket file in a temp directory does no harm.
      }
    }
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
      for (String part : hostVersions.split(",", -1)) {
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

    /**
     * Whether to exit when the host goes away, at any moment of the start or while serving (default
     * true; off for plugins served inside another program's JVM, such as tests).
     */
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
