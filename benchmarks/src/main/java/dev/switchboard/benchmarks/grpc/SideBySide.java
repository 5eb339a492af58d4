package dev.switchboard.benchmarks.grpc;

import dev.switchboard.testing.FreePorts;
import dev.switchboard.testing.TestProcess;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The side-by-side gRPC benchmark: grpc-java's own {@code AsyncServer} against our runtime serving
 * the same service from generated stubs and as a dynamic service, each driven by grpc-java's {@code
 * AsyncClient} with the same flags.
 *
 * <p>Every server and every client gets a fresh JVM with the same JVM flags, and the anchor's
 * programs run on the anchor's own classpath. Runs are interleaved (each round visits every server
 * for unary and streaming ping-pong, starting with a different server each round) and the table
 * reports medians over the rounds, because a 2-core machine shared with other work is noisy. Usage:
 * {@code benchmarks/run-grpc.sh --help}.
 */
public final class SideBySide {

  /** The three servers, in the order the table lists them. */
  enum Server {
    ANCHOR("grpc-java AsyncServer (anchor)"),
    STUBS("Switchboard, generated stubs"),
    DYNAMIC("Switchboard, dynamic service");

    final String label;

    Server(String label) {
      this.label = label;
    }

    String flagName() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** The two call shapes AsyncClient measures. */
  enum Rpc {
    UNARY,
    STREAMING;

    String flagName() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  private static final Set<String> FLAGS =
      Set.of(
          "help",
          "anchor-lib",
          "jar",
          "protos",
          "descriptor-set",
          "servers",
          "rpcs",
          "rounds",
          "duration",
          "warmup_duration",
          "channels",
          "outstanding_rpcs",
          "client_payload",
          "server_payload",
          "jvm-flags",
          "executor",
          "jfr",
          "jfr-settings",
          "out",
          "work",
          "java");

  private static final String USAGE =
      """
      Usage: run-grpc.sh [--flag=value ...]
        --rounds=3                 interleaved rounds; the table shows medians over them
        --duration=20              AsyncClient --duration (seconds measured per run)
        --warmup_duration=10       AsyncClient --warmup_duration
        --channels=4               AsyncClient --channels
        --outstanding_rpcs=10      AsyncClient --outstanding_rpcs
        --client_payload=0         AsyncClient --client_payload (bytes)
        --server_payload=0         AsyncClient --server_payload (bytes)
        --servers=anchor,stubs,dynamic
        --rpcs=unary,streaming
        --jvm-flags='-Xms1g -Xmx1g'  the same for every server JVM and every client JVM
        --executor=forkjoin|runtime  our servers' executor (forkjoin = what AsyncServer uses)
        --jfr=DIR                  record a JFR profile of every server JVM into DIR
        --jfr-settings=profile     JFR settings name or .jfc file for --jfr
        --out=FILE                 also write the result table (markdown) to FILE
        --work=DIR                 where server logs go (default: a new temp dir)
        --anchor-lib=DIR           grpc-benchmarks and its dependencies (target/anchor/lib)
        --jar=FILE                 our shaded benchmarks.jar (default: the jar of this class)
        --protos=DIR               import path of grpc/testing/*.proto for the dynamic server
        --descriptor-set=FILE      or: a descriptor set for the dynamic server
      """;

  private final Flags flags;
  private final PrintStream out;
  private final Path java;
  private final List<String> jvmFlags;
  private final Path work;
  private final List<TestProcess> running = new ArrayList<>();

  private SideBySide(Flags flags, PrintStream out) throws IOException {
    this.flags = flags;
    this.out = out;
    this.java =
        Path.of(
            flags.get("java", Path.of(System.getProperty("java.home"), "bin", "java").toString()));
    this.jvmFlags =
        Arrays.stream(flags.get("jvm-flags", "-Xms1g -Xmx1g").trim().split("\\s+"))
            .filter(s -> !s.isEmpty())
            .toList();
    this.work =
        flags.has("work")
            ? Files.createDirectories(Path.of(flags.get("work", "")))
            : Files.createTempDirectory("switchboard-bench-");
  }

  public static void main(String[] args) {
    int code = 0;
    try {
      run(args, System.out);
    } catch (IllegalArgumentException | IllegalStateException e) {
      System.err.println("run-grpc: " + e.getMessage());
      code = 2;
    } catch (IOException | UncheckedIOException e) {
      System.err.println("run-grpc: " + e);
      code = 1;
    } catch (AssertionError e) {
      // A server or client that did not start, listen or finish: the message quotes its output.
      System.err.println("run-grpc: " + e.getMessage());
      code = 1;
    }
    System.exit(code);
  }

  /**
   * Runs the whole comparison and prints progress and the final table to {@code out}.
   *
   * @return every run's report, by RPC shape and server (empty for --help)
   */
  static Map<Rpc, Map<Server, List<RunFigures>>> run(String[] args, PrintStream out)
      throws IOException {
    Flags flags = Flags.parse(args, FLAGS);
    if (flags.has("help")) {
      out.print(USAGE);
      return Map.of();
    }
    SideBySide harness = new SideBySide(flags, out);
    Thread cleanup = new Thread(harness::stopAll);
    Runtime.getRuntime().addShutdownHook(cleanup);
    try {
      Map<Rpc, Map<Server, List<RunFigures>>> results = harness.measure();
      String table = ResultTable.markdown(results, harness.describeSetup());
      out.println();
      out.print(table);
      if (flags.has("out")) {
        Files.writeString(Path.of(flags.get("out", "")), table, StandardCharsets.UTF_8);
      }
      return results;
    } finally {
      harness.stopAll();
      Runtime.getRuntime().removeShutdownHook(cleanup);
    }
  }

  /** Runs every round and returns each run's report, by RPC shape and server. */
  Map<Rpc, Map<Server, List<RunFigures>>> measure() throws IOException {
    List<Server> servers = parseList(flags.get("servers", "anchor,stubs,dynamic"), Server.class);
    List<Rpc> rpcs = parseList(flags.get("rpcs", "unary,streaming"), Rpc.class);
    int rounds = flags.getInt("rounds", 3);
    if (rounds < 1) {
      throw new IllegalArgumentException("--rounds must be at least 1");
    }
    Path anchorLib = existing("anchor-lib", true);
    checkAnchor(anchorLib);
    Map<Rpc, Map<Server, List<RunFigures>>> results = new EnumMap<>(Rpc.class);
    for (int round = 0; round < rounds; round++) {
      for (Rpc rpc : rpcs) {
        for (int i = 0; i < servers.size(); i++) {
          // Rotate the order each round, so no server always runs first (or last) on a warm
          // machine.
          Server server = servers.get((i + round) % servers.size());
          out.printf("round %d/%d  %-9s  %-30s ", round + 1, rounds, rpc.flagName(), server.label);
          out.flush();
          RunFigures run = runOnce(server, rpc, anchorLib, round);
          AsyncClientReport report = run.client();
          out.printf(
              "QPS %7d  p50 %6d us  p99 %6d us  server CPU %6.1f us/call%n",
              report.qps(), report.p50Micros(), report.p99Micros(), run.serverCpuMicrosPerCall());
          results
              .computeIfAbsent(rpc, r -> new EnumMap<>(Server.class))
              .computeIfAbsent(server, s -> new ArrayList<>())
              .add(run);
        }
      }
    }
    return results;
  }

  private RunFigures runOnce(Server server, Rpc rpc, Path anchorLib, int round) throws IOException {
    int port = FreePorts.pick();
    String runName = server.flagName() + "-" + rpc.flagName() + "-r" + (round + 1);
    TestProcess serverProcess =
        start(runName + "-server", serverCommand(server, port, anchorLib, runName));
    try {
      serverProcess.awaitListening(port, Duration.ofSeconds(60));
      List<String> client = new ArrayList<>();
      client.add(java.toString());
      client.addAll(jvmFlags);
      client.addAll(
          List.of(
              "-cp",
              anchorLib.resolve("*").toString(),
              "io.grpc.benchmarks.qps.AsyncClient",
              "--address=127.0.0.1:" + port));
      client.addAll(clientFlags(rpc));
      TestProcess clientProcess = start(runName + "-client", client);
      int warmup = flags.getInt("warmup_duration", 10);
      int duration = flags.getInt("duration", 20);
      int exitCode;
      Duration cpuAtStart;
      Duration cpuAtEnd;
      try {
        // The client spends well under a second connecting before its warm-up starts.
        awaitExitOrElapse(clientProcess, Duration.ofMillis(warmup * 1000L + 500));
        cpuAtStart = cpuTime(serverProcess);
        exitCode = clientProcess.awaitExit(Duration.ofSeconds(duration + warmup + 120L));
        cpuAtEnd = cpuTime(serverProcess);
      } finally {
        stop(clientProcess);
      }
      if (exitCode != 0) {
        throw new IllegalStateException(
            "AsyncClient against "
                + server.label
                + " exited with "
                + exitCode
                + ":\n"
                + clientProcess.tail()
                + "\nserver log:\n"
                + serverProcess.tail());
      }
      AsyncClientReport report = AsyncClientReport.parse(clientProcess.output());
      double calls = Math.max(1.0, (double) report.qps() * duration);
      return new RunFigures(report, cpuAtEnd.minus(cpuAtStart).toNanos() / 1000.0 / calls);
    } finally {
      stop(serverProcess);
    }
  }

  /** The AsyncClient flags of this run: the same for every server. */
  List<String> clientFlags(Rpc rpc) {
    List<String> args = new ArrayList<>();
    for (String name :
        List.of("channels", "outstanding_rpcs", "client_payload", "server_payload")) {
      if (flags.has(name)) {
        args.add("--" + name + "=" + flags.getInt(name, 0));
      }
    }
    args.add("--duration=" + flags.getInt("duration", 20));
    args.add("--warmup_duration=" + flags.getInt("warmup_duration", 10));
    if (rpc == Rpc.STREAMING) {
      args.add("--streaming_rpcs");
    }
    return args;
  }

  private List<String> serverCommand(Server server, int port, Path anchorLib, String runName)
      throws IOException {
    List<String> command = new ArrayList<>();
    command.add(java.toString());
    command.addAll(jvmFlags);
    if (flags.has("jfr")) {
      Path dir = Files.createDirectories(Path.of(flags.get("jfr", "")));
      command.add(
          "-XX:StartFlightRecording=settings="
              + flags.get("jfr-settings", "profile")
              + ",filename="
              + dir.resolve(runName + ".jfr"));
    }
    if (server == Server.ANCHOR) {
      command.addAll(
          List.of(
              "-cp",
              anchorLib.resolve("*").toString(),
              "io.grpc.benchmarks.qps.AsyncServer",
              "--address=127.0.0.1:" + port));
      return command;
    }
    command.addAll(
        List.of(
            "-cp",
            ourJar().toString(),
            BenchmarkServerMain.class.getName(),
            "--mode=" + (server == Server.STUBS ? "stubs" : "dynamic"),
            "--port=" + port,
            "--executor=" + flags.get("executor", "forkjoin")));
    if (server == Server.DYNAMIC) {
      if (flags.has("descriptor-set")) {
        command.add("--descriptor-set=" + existing("descriptor-set", false));
      } else {
        command.add("--protos=" + existing("protos", true));
      }
    }
    return command;
  }

  private Path ourJar() {
    if (flags.has("jar")) {
      return existing("jar", false);
    }
    try {
      Path self =
          Path.of(SideBySide.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      if (Files.isRegularFile(self)) {
        return self;
      }
    } catch (URISyntaxException | SecurityException e) {
      // Fall through to the message below.
    }
    throw new IllegalArgumentException(
        "--jar=benchmarks/target/benchmarks.jar is needed when the "
            + "harness does not run from that jar");
  }

  /** Starts a server or client whose output goes to NAME.log in the work directory. */
  private TestProcess start(String name, List<String> command) {
    TestProcess process =
        TestProcess.builder(command).name(name).outputFile(work.resolve(name + ".log")).start();
    synchronized (running) {
      running.add(process);
    }
    return process;
  }

  /** Waits until the process exits or {@code wait} has passed, whichever comes first. */
  private static void awaitExitOrElapse(TestProcess process, Duration wait) {
    try {
      process.handle().onExit().get(wait.toNanos(), TimeUnit.NANOSECONDS);
    } catch (TimeoutException stillRunning) {
      // The usual case: the warm-up is over and the client measures.
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while AsyncClient ran", e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("cannot watch " + process, e);
    }
  }

  private static Duration cpuTime(TestProcess process) {
    return process
        .handle()
        .info()
        .totalCpuDuration()
        .orElseThrow(
            () ->
                new IllegalStateException(
                    "the OS does not report the CPU time of process " + process.pid()));
  }

  /** Stops one process: SIGTERM (the servers shut down in a hook), then SIGKILL after 10 s. */
  private void stop(TestProcess process) {
    process.stop(Duration.ofSeconds(10));
    synchronized (running) {
      running.remove(process);
    }
  }

  private void stopAll() {
    List<TestProcess> left;
    synchronized (running) {
      left = new ArrayList<>(running);
    }
    left.forEach(this::stop);
  }

  private String describeSetup() {
    Map<String, String> setup = new LinkedHashMap<>();
    setup.put(
        "AsyncClient flags",
        String.join(" ", clientFlags(Rpc.UNARY)) + " (+ --streaming_rpcs for streaming)");
    setup.put("JVM flags (every server and client)", String.join(" ", jvmFlags));
    setup.put("rounds", flags.getInt("rounds", 3) + ", interleaved; medians shown");
    setup.put("our executor", flags.get("executor", "forkjoin"));
    setup.put(
        "dynamic contract",
        flags.has("descriptor-set")
            ? "descriptor set (ContractLoader.descriptorSet)"
            : ".proto files parsed at run time (ContractLoader.protos)");
    setup.put(
        "machine",
        Runtime.getRuntime().availableProcessors()
            + " cores, Java "
            + System.getProperty("java.version")
            + " ("
            + System.getProperty("java.vm.name")
            + ")");
    StringBuilder text = new StringBuilder();
    setup.forEach((k, v) -> text.append("- ").append(k).append(": ").append(v).append('\n'));
    return text.toString();
  }

  /** The anchor must be the published release on its own classpath, never ours. */
  private static void checkAnchor(Path anchorLib) throws IOException {
    try (var files = Files.list(anchorLib)) {
      List<String> names = files.map(p -> p.getFileName().toString()).toList();
      if (names.stream().noneMatch(n -> n.startsWith("grpc-benchmarks-"))) {
        throw new IllegalArgumentException(
            anchorLib
                + " holds no grpc-benchmarks jar; build it "
                + "with: mvn -pl benchmarks package");
      }
      if (names.stream().anyMatch(n -> n.startsWith("switchboard-"))) {
        throw new IllegalArgumentException(
            anchorLib + " holds Switchboard jars; the anchor " + "must run on its own classpath");
      }
    }
  }

  private Path existing(String flag, boolean directory) {
    if (!flags.has(flag)) {
      throw new IllegalArgumentException("--" + flag + " is required");
    }
    Path path = Path.of(flags.get(flag, ""));
    if (directory ? !Files.isDirectory(path) : !Files.isRegularFile(path)) {
      throw new IllegalArgumentException(
          "--"
              + flag
              + "="
              + path
              + ": no such "
              + (directory ? "directory" : "file")
              + " (build it with: mvn -pl benchmarks package)");
    }
    return path.toAbsolutePath();
  }

  private static <E extends Enum<E>> List<E> parseList(String value, Class<E> type) {
    List<E> items = new ArrayList<>();
    for (String name : value.split(",", -1)) {
      try {
        items.add(Enum.valueOf(type, name.trim().toUpperCase(Locale.ROOT)));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "unknown "
                + type.getSimpleName().toLowerCase(Locale.ROOT)
                + " '"
                + name
                + "'; known: "
                + Arrays.toString(type.getEnumConstants()).toLowerCase(Locale.ROOT));
      }
    }
    if (items.isEmpty()) {
      throw new IllegalArgumentException(
          "empty " + type.getSimpleName().toLowerCase(Locale.ROOT) + " list");
    }
    return items;
  }
}
