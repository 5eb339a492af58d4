package dev.switchboard.plugin;

import dev.switchboard.plugin.internal.AutoMtls;
import dev.switchboard.plugin.internal.Broker;
import dev.switchboard.plugin.internal.Connections;
import dev.switchboard.plugin.internal.ExitAwareInterceptor;
import dev.switchboard.plugin.internal.HandshakeLine;
import dev.switchboard.plugin.internal.PluginProcess;
import dev.switchboard.plugin.internal.RetryInterceptor;
import dev.switchboard.plugin.internal.proto.Empty;
import dev.switchboard.plugin.internal.proto.GRPCControllerGrpc;
import dev.switchboard.plugin.internal.proto.GRPCStdioGrpc;
import dev.switchboard.plugin.internal.proto.StdioData;
import dev.switchboard.runtime.DynamicClient;
import io.grpc.Channel;
import io.grpc.ClientInterceptor;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The host side: launches a go-plugin plugin (written in Go, Python, Java or anything that speaks
 * the protocol), negotiates, and hands out a channel and stubs.
 *
 * <pre>{@code
 * try (PluginClient kv = PluginClient.builder(HandshakeConfig.of("BASIC_PLUGIN", "hello", 1))
 *     .command("./kv-plugin")
 *     .build()
 *     .start()) {
 *   KVGrpc.KVBlockingStub stub = kv.stub(KVGrpc::newBlockingStub);
 *   stub.put(...);
 * }
 * }</pre>
 *
 * <p>The plugin gets this process's environment plus the magic cookie, {@code
 * PLUGIN_PROTOCOL_VERSIONS}, {@code PLUGIN_MIN_PORT}/{@code PLUGIN_MAX_PORT}, {@code
 * PLUGIN_CLIENT_CERT} under AutoMTLS (on by default) and {@code PLUGIN_UNIX_SOCKET_DIR} when set.
 * Its hclog lines on stderr are re-logged through SLF4J under {@code plugin.NAME}.
 *
 * <p>{@link #kill()} (also {@link #close()}) may be called any number of times: it asks the plugin
 * to stop through {@code plugin.GRPCController/Shutdown}, waits the grace period, then sends
 * SIGTERM and finally SIGKILL to the plugin and every process it started. A start that fails does
 * the same, and so does this JVM's exit (a shutdown hook per launched plugin, removed by {@code
 * kill()}). A call in flight when the plugin dies fails with UNAVAILABLE naming the exit status.
 * This class is thread-safe.
 */
public final class PluginClient implements AutoCloseable {
  private enum State {
    NEW,
    RUNNING,
    KILLED
  }

  /** How long the exit hook waits for a start in progress to give up on the plugin it ended. */
  private static final Duration EXIT_START_WAIT = Duration.ofSeconds(5);

  private final HandshakeConfig handshake;
  private final List<String> command;
  private final List<Integer> versions;
  private final boolean autoMtls;
  private final Duration startTimeout;
  private final Map<String, String> environment;
  private final @Nullable Path socketDir;
  private final int minPort;
  private final int maxPort;
  private final PluginSettings settings;
  private final String name;
  private final Logger log;
  private final @Nullable OutputStream syncStdout;
  private final @Nullable OutputStream syncStderr;
  private final @Nullable ReattachConfig reattach;

  // Guarded by this; read without it where noted.
  private State state = State.NEW;
  // Also read by the exit hook, which must not wait for start() to let go of the lock.
  private volatile @Nullable PluginProcess process;
  private volatile boolean starting;
  private volatile boolean exiting;
  private @Nullable Thread exitHook;
  private @Nullable ManagedChannel channel;
  private @Nullable Broker broker;
  private @Nullable HandshakeLine line;
  private @Nullable ScheduledExecutorService scheduler;
  private volatile boolean killing;

  private PluginClient(Builder builder) {
    this.handshake = builder.handshake;
    this.command = List.copyOf(builder.command);
    this.versions =
        builder.versions.isEmpty()
            ? List.of(handshake.protocolVersion())
            : List.copyOf(builder.versions);
    this.settings =
        builder.settings == null
            ? PluginSettings.fromEnvironment(System.getenv())
            : builder.settings;
    this.autoMtls = builder.autoMtls == null ? settings.autoMtls() : builder.autoMtls;
    this.startTimeout =
        builder.startTimeout == null ? settings.handshakeTimeout() : builder.startTimeout;
    this.environment = builder.environment;
    this.socketDir = builder.socketDir;
    this.minPort = builder.minPort;
    this.maxPort = builder.maxPort;
    this.reattach = builder.reattach;
    String base = command.isEmpty() ? "plugin" : Path.of(command.get(0)).getFileName().toString();
    this.name = builder.name == null ? base : builder.name;
    this.log = LoggerFactory.getLogger("plugin." + name);
    this.syncStdout = builder.syncStdout;
    this.syncStderr = builder.syncStderr;
  }

  public static Builder builder(HandshakeConfig handshake) {
    return new Builder(handshake);
  }

  /**
   * Launches the plugin and completes the handshake. Calling it again on a started client does
   * nothing. On failure the plugin is killed and the exception explains why, with its stderr.
   */
  public synchronized PluginClient start() throws PluginException {
    if (state == State.RUNNING) {
      return this;
    }
    if (state == State.KILLED) {
      throw new IllegalStateException("plugin " + name + " was killed; build a new client");
    }
    boolean started = false;
    starting = true;
    try {
      ReattachConfig config = reattach;
      if (config != null) {
        attach(config);
      } else {
        // Before the launch: a JVM that exits while the plugin starts ends the plugin too.
        addExitHook();
        launch();
      }
      state = State.RUNNING;
      started = true;
      return this;
    } finally {
      starting = false;
      if (!started) {
        cleanUp();
        state = State.KILLED;
        removeExitHook();
      }
    }
  }

  /**
   * Ends the plugin when this JVM exits (System.exit, SIGTERM, SIGINT) without {@link #kill()}: a
   * plugin that does not watch its host would outlive it. go-plugin's hosts need {@code
   * CleanupClients} for this; here every launched plugin gets it.
   */
  private void addExitHook() {
    Thread hook = new Thread(this::endOnExit, "plugin-" + name + "-exit");
    try {
      Runtime.getRuntime().addShutdownHook(hook);
      exitHook = hook;
    } catch (IllegalStateException shuttingDown) {
      throw new IllegalStateException("the JVM is shutting down; not starting plugin " + name);
    }
  }

  private void removeExitHook() {
    Thread hook;
    synchronized (this) {
      hook = exitHook;
      exitHook = null;
    }
    if (hook != null && hook != Thread.currentThread()) {
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // The hook runs, or has run: it ends the plugin either way.
      }
    }
  }

  private void endOnExit() {
    exiting = true;
    // start() holds the lock while it waits for the handshake: end the tree without it, until the
    // start gives up (a launch racing this hook sees `exiting` and ends its own plugin).
    long deadline = System.nanoTime() + EXIT_START_WAIT.toNanos();
    while (starting && System.nanoTime() < deadline) {
      PluginProcess running = process;
      if (running != null && running.isAlive()) {
        PluginProcess.terminate(running.tree(), Duration.ofMillis(500), log);
      }
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
    if (!starting) {
      kill();
    }
  }

  private void attach(ReattachConfig config) throws PluginException {
    if (!config.protocol().equals("grpc")) {
      throw new PluginException(
          "cannot reattach: protocol '" + config.protocol() + "' is not grpc");
    }
    if (!ProcessHandle.of(config.pid()).map(ProcessHandle::isAlive).orElse(false)) {
      throw new PluginException(
          "cannot reattach: plugin process " + config.pid() + " is not running");
    }
    line =
        new HandshakeLine(
            1, config.protocolVersion(), config.network(), config.address(), "grpc", null);
    connect(
        Connections.plaintext(socketDir, settings.maxMessageSize()),
        ProcessHandle.of(config.pid())
            .map(ProcessHandle::onExit)
            .orElse(CompletableFuture.completedFuture(null)));
  }

  private void launch() throws PluginException {
    if (command.isEmpty()) {
      throw new IllegalStateException("no plugin command given");
    }
    Map<String, String> env = new LinkedHashMap<>();
    env.putAll(System.getenv());
    env.putAll(environment);
    env.put(handshake.magicCookieKey(), handshake.magicCookieValue());
    env.put("PLUGIN_MIN_PORT", Integer.toString(minPort));
    env.put("PLUGIN_MAX_PORT", Integer.toString(maxPort));
    env.put(
        "PLUGIN_PROTOCOL_VERSIONS",
        versions.stream().map(String::valueOf).collect(Collectors.joining(",")));
    if (socketDir != null) {
      env.put("PLUGIN_UNIX_SOCKET_DIR", socketDir.toString());
    }
    AutoMtls.Identity identity = null;
    if (autoMtls) {
      identity = AutoMtls.generate();
      env.put("PLUGIN_CLIENT_CERT", identity.certificatePem());
    } else {
      // An inherited certificate would make the plugin demand TLS the host will not speak.
      env.remove("PLUGIN_CLIENT_CERT");
    }

    log.debug("starting plugin {} {}", command, versions);
    PluginProcess started;
    try {
      started = PluginProcess.start(command, env, name, log, out -> log.debug("stdout: {}", out));
    } catch (IOException e) {
      throw new PluginException("cannot start plugin " + command + ": " + e.getMessage(), e);
    }
    process = started;
    if (exiting) {
      throw new PluginException("not starting plugin " + name + ": the JVM is exiting");
    }
    if (identity != null) {
      // The TLS context trusts the plugin's certificate, which only the handshake line brings;
      // meanwhile this thread, which would only wait, readies what the context needs otherwise.
      AutoMtls.preloadTls(identity.certificate());
    }

    PluginProcess.Start outcome;
    try {
      outcome = started.awaitHandshake(startTimeout);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new PluginException("interrupted while waiting for plugin " + name + " to start", e);
    }
    if (outcome instanceof PluginProcess.Exited exited) {
      throw new PluginException(
          "plugin "
              + name
              + " exited before we could connect (exit status "
              + exited.status()
              + ")"
              + diagnosis(started));
    }
    if (outcome instanceof PluginProcess.TimedOut) {
      throw new PluginException(
          "timeout after "
              + startTimeout.toMillis()
              + " ms while waiting for plugin "
              + name
              + " to print its handshake line"
              + diagnosis(started));
    }
    String text = ((PluginProcess.Line) outcome).line();
    HandshakeLine parsed;
    try {
      parsed = HandshakeLine.parse(text);
    } catch (IllegalArgumentException e) {
      started.awaitStderr();
      throw new PluginException(
          "unrecognized handshake line from plugin "
              + name
              + ": "
              + e.getMessage()
              + "\n  line: "
              + text
              + "\nThis usually means the plugin is not a go-plugin plugin, or needs rebuilding for the"
              + " current protocol."
              + diagnosis(started));
    }
    check(parsed, started);
    line = parsed;

    Connections connections = Connections.plaintext(socketDir, settings.maxMessageSize());
    if (identity != null) {
      if (parsed.certificate() == null) {
        throw new PluginException(
            "plugin "
                + name
                + " did not answer AutoMTLS (no certificate in its handshake line);"
                + " it may predate AutoMTLS: load it with AutoMTLS off"
                + diagnosis(started));
      }
      X509Certificate peer;
      try {
        peer = AutoMtls.parseHandshakeField(parsed.certificate());
      } catch (IllegalArgumentException e) {
        throw new PluginException(
            "error parsing the plugin's certificate: " + e.getMessage() + diagnosis(started));
      }
      connections = Connections.autoMtls(identity, peer, socketDir, settings.maxMessageSize());
    } else if (parsed.certificate() != null) {
      throw new PluginException(
          "plugin "
              + name
              + " sent a certificate although AutoMTLS was not requested"
              + diagnosis(started));
    }
    connect(connections, started.onExit());
  }

  private void check(HandshakeLine parsed, PluginProcess started) throws PluginException {
    if (parsed.coreVersion() != HandshakeLine.CORE_VERSION) {
      throw new PluginException(
          "incompatible core API version with plugin "
              + name
              + ": plugin version "
              + parsed.coreVersion()
              + ", core version "
              + HandshakeLine.CORE_VERSION
              + ". To fix this, the plugin usually only needs to be recompiled."
              + diagnosis(started));
    }
    if (!versions.contains(parsed.appVersion())) {
      throw new PluginException(
          "incompatible API version with plugin "
              + name
              + ": plugin offers version(s) ["
              + parsed.appVersion()
              + "], this host supports "
              + versions
              + diagnosis(started));
    }
    if (!parsed.protocol().equals("grpc")) {
      throw new PluginException(
          "plugin "
              + name
              + " speaks '"
              + parsed.protocol()
              + "'; only grpc is supported"
              + diagnosis(started));
    }
    if (!settings.clientTransports().contains(parsed.network())) {
      throw new PluginException(
          "plugin "
              + name
              + " listens on "
              + parsed.network()
              + " but PLUGIN_CLIENT_TRANSPORTS allows only "
              + settings.clientTransports()
              + diagnosis(started));
    }
  }

  private String diagnosis(PluginProcess started) {
    StringBuilder text = new StringBuilder();
    List<String> noise = started.noise();
    if (!noise.isEmpty()) {
      text.append("\nplugin stdout before the handshake:\n  ").append(String.join("\n  ", noise));
    }
    String stderr = started.stderrTail();
    if (!stderr.isEmpty()) {
      text.append("\nplugin stderr:\n  ").append(stderr.replace("\n", "\n  "));
    }
    return text.toString();
  }

  private void connect(Connections connections, CompletableFuture<?> exited)
      throws PluginException {
    HandshakeLine handshakeLine = requireLine();
    // The exit check runs first: it sees the outcome of the call as a whole, retries included.
    List<ClientInterceptor> interceptors = new ArrayList<>();
    interceptors.add(new ExitAwareInterceptor(exited, this::exitDescription));
    if (settings.retryEnabled()) {
      ScheduledExecutorService retries =
          Executors.newSingleThreadScheduledExecutor(
              runnable -> {
                Thread thread = new Thread(runnable, "plugin-" + name + "-retry");
                thread.setDaemon(true);
                return thread;
              });
      scheduler = retries;
      interceptors.add(
          new RetryInterceptor(
              settings.maxRetries(),
              settings.initialBackoff(),
              settings.maxBackoff(),
              settings.retryJitter(),
              settings.retryTotalTimeout(),
              retries,
              () -> !killing && exitCode().isEmpty()));
    }
    ManagedChannel built;
    try {
      built = connections.dial(handshakeLine.network(), handshakeLine.address(), interceptors);
    } catch (IllegalArgumentException e) {
      throw new PluginException(
          "cannot connect to plugin "
              + name
              + " at "
              + handshakeLine.address()
              + ": "
              + e.getMessage(),
          e);
    }
    channel = built;
    Broker opened = new Broker(connections, log);
    broker = opened;
    opened.open(built);
    streamStdio(built);
  }

  private HandshakeLine requireLine() {
    HandshakeLine known = line;
    if (known == null) {
      throw new IllegalStateException("plugin " + name + " has no handshake line yet");
    }
    return known;
  }

  private void streamStdio(Channel channel) {
    GRPCStdioGrpc.newStub(channel)
        .streamStdio(
            com.google.protobuf.Empty.getDefaultInstance(),
            new StreamObserver<StdioData>() {
              @Override
              public void onNext(StdioData data) {
                OutputStream sink =
                    data.getChannel() == StdioData.Channel.STDERR ? syncStderr : syncStdout;
                if (sink != null) {
                  try {
                    data.getData().writeTo(sink);
                    sink.flush();
                  } catch (IOException e) {
                    log.debug("writing plugin {}: {}", data.getChannel(), e.toString());
                  }
                } else {
                  log.debug(
                      "{}: {}", data.getChannel(), data.getData().toStringUtf8().stripTrailing());
                }
              }

              @Override
              public void onError(Throwable t) {
                Status status = Status.fromThrowable(t);
                if (status.getCode() == Status.Code.UNIMPLEMENTED) {
                  log.debug(
                      "plugin does not offer GRPCStdio (older go-plugin); its stdio is not mirrored");
                }
              }

              @Override
              public void onCompleted() {}
            });
  }

  private Optional<String> exitDescription() {
    PluginProcess running = process;
    if (running == null || killing) {
      return killing ? Optional.of("plugin " + name + " is being killed") : Optional.empty();
    }
    return running
        .exitCode()
        .map(code -> "plugin " + name + " (pid " + running.pid() + ") exited with status " + code);
  }

  /** The connection to the plugin's gRPC server. */
  public synchronized ManagedChannel channel() {
    return whileRunning(channel);
  }

  /** A stub on the plugin's channel, e.g. {@code client.stub(KVGrpc::newBlockingStub)}. */
  public <S> S stub(Function<Channel, S> factory) {
    return factory.apply(channel());
  }

  /**
   * A dynamic stub on the plugin's channel: calls of any shape with methods and messages of a
   * contract loaded at run time (for example through the plugin's server reflection).
   */
  public DynamicClient dynamicStub() {
    return DynamicClient.on(channel());
  }

  /** Extra connections to and from the plugin. */
  public synchronized PluginBroker broker() {
    return whileRunning(broker);
  }

  /** The negotiated application protocol version. */
  public synchronized int protocolVersion() {
    return whileRunning(line).appVersion();
  }

  /** The plugin's process id. */
  public synchronized long pid() {
    PluginProcess launched = process;
    return launched != null ? launched.pid() : whileRunning(reattach).pid();
  }

  /** How another host can attach to this plugin (meaningful for plaintext plugins only). */
  public synchronized ReattachConfig reattachConfig() {
    HandshakeLine running = whileRunning(line);
    return new ReattachConfig(
        "grpc", running.appVersion(), running.network(), running.address(), pid(), false);
  }

  /** The exit status once the launched plugin process has ended. */
  public Optional<Integer> exitCode() {
    PluginProcess running = process;
    return running == null ? Optional.empty() : running.exitCode();
  }

  /** {@code value} while the plugin runs; it is set by then. */
  private <T> T whileRunning(@Nullable T value) {
    if (state != State.RUNNING || value == null) {
      throw new IllegalStateException(
          "plugin " + name + " is " + state.name().toLowerCase(Locale.ROOT));
    }
    return value;
  }

  /**
   * Stops the plugin: Shutdown RPC, grace period, SIGTERM, SIGKILL, applied to the whole process
   * tree. Safe to call any number of times, from any thread.
   */
  public void kill() {
    PluginProcess running;
    ManagedChannel open;
    synchronized (this) {
      if (state == State.KILLED) {
        return;
      }
      state = State.KILLED;
      running = process;
      open = channel;
    }
    removeExitHook();
    List<ProcessHandle> tree = running != null ? running.tree() : reattachedTree();
    boolean graceful = false;
    if (open != null && (running == null || running.isAlive())) {
      try {
        GRPCControllerGrpc.newBlockingStub(open)
            .withDeadlineAfter(1, TimeUnit.SECONDS)
            .shutdown(Empty.getDefaultInstance());
        graceful = true;
      } catch (StatusRuntimeException e) {
        log.debug("plugin {} did not take the Shutdown call: {}", name, e.getStatus());
      }
    }
    killing = true;
    if (graceful && !awaitTree(tree, settings.gracePeriod())) {
      log.warn("plugin {} failed to exit gracefully", name);
    }
    PluginProcess.terminate(tree, settings.gracePeriod(), log);
    if (running != null) {
      running.awaitStderr();
    }
    cleanUp();
  }

  private List<ProcessHandle> reattachedTree() {
    ReattachConfig attached = reattach;
    if (attached == null) {
      return List.of();
    }
    List<ProcessHandle> tree = new ArrayList<>();
    ProcessHandle.of(attached.pid())
        .ifPresent(
            handle -> {
              tree.add(handle);
              handle.descendants().forEach(tree::add);
            });
    return tree;
  }

  private static boolean awaitTree(List<ProcessHandle> tree, Duration wait) {
    long deadline = System.nanoTime() + wait.toNanos();
    while (tree.stream().anyMatch(ProcessHandle::isAlive)) {
      if (System.nanoTime() > deadline) {
        return false;
      }
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
    return true;
  }

  private synchronized void cleanUp() {
    if (broker != null) {
      broker.close();
    }
    if (channel != null) {
      channel.shutdownNow();
    }
    PluginProcess launched = process;
    if (launched != null && launched.isAlive()) {
      PluginProcess.terminate(launched.tree(), Duration.ofMillis(500), log);
    }
    if (scheduler != null) {
      scheduler.shutdownNow();
    }
  }

  /** Same as {@link #kill()}. */
  @Override
  public void close() {
    kill();
  }

  /** Configures a {@link PluginClient}. */
  public static final class Builder {
    private final HandshakeConfig handshake;
    private List<String> command = List.of();
    private final List<Integer> versions = new ArrayList<>();
    private @Nullable Boolean autoMtls;
    private @Nullable Duration startTimeout;
    private final Map<String, String> environment = new LinkedHashMap<>();
    private @Nullable Path socketDir;
    private int minPort = 10000;
    private int maxPort = 25000;
    private @Nullable PluginSettings settings;
    private @Nullable String name;
    private @Nullable OutputStream syncStdout;
    private @Nullable OutputStream syncStderr;
    private @Nullable ReattachConfig reattach;

    private Builder(HandshakeConfig handshake) {
      this.handshake = handshake;
    }

    /** The plugin's executable and arguments. */
    public Builder command(List<String> command) {
      this.command = List.copyOf(command);
      return this;
    }

    public Builder command(String... command) {
      return command(Arrays.asList(command));
    }

    /** The application protocol versions this host supports (default: the handshake's). */
    public Builder protocolVersions(int... versions) {
      this.versions.clear();
      for (int version : versions) {
        this.versions.add(version);
      }
      return this;
    }

    /** Throwaway mutual TLS between host and plugin (default: PLUGIN_AUTO_MTLS, else on). */
    public Builder autoMtls(boolean autoMtls) {
      this.autoMtls = autoMtls;
      return this;
    }

    /** How long to wait for the handshake line (default: PLUGIN_HANDSHAKE_TIMEOUT, else 1 min). */
    public Builder startTimeout(Duration startTimeout) {
      this.startTimeout = startTimeout;
      return this;
    }

    /** An extra environment variable for the plugin. */
    public Builder environment(String name, String value) {
      this.environment.put(name, value);
      return this;
    }

    /** Where the plugin creates its unix sockets ({@code PLUGIN_UNIX_SOCKET_DIR}). */
    public Builder unixSocketDir(Path dir) {
      this.socketDir = dir;
      return this;
    }

    /** The TCP port range offered to the plugin (go-plugin's default: 10000..25000). */
    public Builder portRange(int min, int max) {
      if (min < 0 || max > 65535 || min > max) {
        throw new IllegalArgumentException("bad port range " + min + ".." + max);
      }
      this.minPort = min;
      this.maxPort = max;
      return this;
    }

    /** Settings instead of those read from this process's PLUGIN_* variables. */
    public Builder settings(PluginSettings settings) {
      this.settings = settings;
      return this;
    }

    /** The name in log lines and errors (default: the command's file name). */
    public Builder name(String name) {
      this.name = name;
      return this;
    }

    /** Receives what the plugin writes to stdout after the handshake (through GRPCStdio). */
    public Builder syncStdout(OutputStream out) {
      this.syncStdout = out;
      return this;
    }

    /** Receives what the plugin writes to stderr after the handshake (through GRPCStdio). */
    public Builder syncStderr(OutputStream err) {
      this.syncStderr = err;
      return this;
    }

    /** Attach to a running plugin instead of launching one. */
    public Builder reattach(ReattachConfig config) {
      this.reattach = config;
      return this;
    }

    public PluginClient build() {
      if (reattach == null && command.isEmpty()) {
        throw new IllegalStateException("a plugin client needs a command or a reattach config");
      }
      return new PluginClient(this);
    }
  }
}
