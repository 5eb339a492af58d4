package dev.switchboard.benchmarks.durable;

import dev.switchboard.durable.Durable;
import dev.switchboard.durable.DurableCall;
import dev.switchboard.durable.Idempotency;
import dev.switchboard.durable.OplogStore;
import dev.switchboard.durable.Outcome;
import dev.switchboard.durable.Worker;
import dev.switchboard.runtime.SwitchboardChannel;
import dev.switchboard.runtime.SwitchboardServer;
import dev.switchboard.runtime.Target;
import dev.switchboard.testing.PostgresServer;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.benchmarks.proto.BenchmarkServiceGrpc;
import io.grpc.benchmarks.proto.Messages.SimpleRequest;
import io.grpc.benchmarks.proto.Messages.SimpleResponse;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.jspecify.annotations.Nullable;

/**
 * Durable calls side by side with plain ones, in one run: {@code W} concurrent workers make gRPC
 * unary calls to a trivial service on {@link SwitchboardServer} over loopback, first plainly, then
 * each call recorded in the worker's oplog (SQLite with {@code synchronous=FULL}, then PostgreSQL),
 * for non-idempotent calls (intent + outcome: two commits) and idempotent ones (one commit). Rounds
 * interleave the phases, after one unmeasured pass over all of them. Two more phases make the same
 * commits with no call between them: the oplog's own ceiling on this disk. Then one worker records
 * a history of {@code H} calls and replays it five times, against the same calls made live. CPU
 * time counts the JVM and, for PostgreSQL, the server's processes.
 *
 * <p>Flags: {@code --rounds=3 --duration=8 --warmup=2 --workers=64 --history=10000 --postgres=true
 * --dir=PATH} (durations in seconds). Prints a Markdown report.
 */
public final class DurableBench {
  private static final SimpleRequest REQUEST =
      SimpleRequest.newBuilder().setResponseSize(0).build();
  private static final Metadata.Key<String> KEY =
      Metadata.Key.of("idempotency-key", Metadata.ASCII_STRING_MARSHALLER);

  private final BenchmarkServiceGrpc.BenchmarkServiceBlockingStub stub;
  private final AtomicLong workerIds = new AtomicLong();

  private DurableBench(ManagedChannel channel) {
    this.stub = BenchmarkServiceGrpc.newBlockingStub(channel);
  }

  /** The trivial service: an empty response for every unary call. */
  static final class Trivial extends BenchmarkServiceGrpc.BenchmarkServiceImplBase {
    @Override
    public void unaryCall(SimpleRequest request, StreamObserver<SimpleResponse> response) {
      response.onNext(SimpleResponse.getDefaultInstance());
      response.onCompleted();
    }
  }

  public static void main(String[] args) throws Exception {
    Map<String, String> flags = new LinkedHashMap<>();
    flags.put("rounds", "3");
    flags.put("duration", "8");
    flags.put("warmup", "2");
    flags.put("workers", "64");
    flags.put("history", "10000");
    flags.put("postgres", "true");
    flags.put("dir", "");
    for (String arg : args) {
      if (arg.equals("--help")) {
        System.out.println(
            "usage: DurableBench [--rounds=3] [--duration=8] [--warmup=2] [--workers=64]"
                + " [--history=10000] [--postgres=true] [--dir=PATH]");
        return;
      }
      String[] kv = arg.replaceFirst("^--", "").split("=", 2);
      if (!flags.containsKey(kv[0]) || kv.length != 2) {
        System.err.println("unknown flag " + arg + " (see --help)");
        System.exit(2);
      }
      flags.put(kv[0], kv[1]);
    }
    int rounds = Integer.parseInt(flags.get("rounds"));
    long durationMs = Long.parseLong(flags.get("duration")) * 1000;
    long warmupMs = Long.parseLong(flags.get("warmup")) * 1000;
    int workers = Integer.parseInt(flags.get("workers"));
    int history = Integer.parseInt(flags.get("history"));
    boolean postgres = Boolean.parseBoolean(flags.get("postgres"));
    boolean temporary = flags.get("dir").isEmpty();
    Path dir =
        temporary
            ? Files.createTempDirectory("sb-durable-bench")
            : Files.createDirectories(Path.of(flags.get("dir")));
    try {
      run(dir, rounds, durationMs, warmupMs, workers, history, postgres);
    } finally {
      if (temporary) {
        deleteTree(dir);
      }
    }
  }

  private static void run(
      Path dir,
      int rounds,
      long durationMs,
      long warmupMs,
      int workers,
      int history,
      boolean postgres)
      throws Exception {
    PrintStream out = System.out;

    out.printf(Locale.ROOT, "# Durable calls: %d workers, gRPC unary over loopback%n%n", workers);
    out.println("load average at start: " + loadAverage());
    out.printf(
        Locale.ROOT,
        "fsync floor (4 KiB write + fdatasync, median of 300, in %s): %.0f µs%n%n",
        dir,
        fsyncFloorMicros(dir));

    try (SwitchboardServer server =
            SwitchboardServer.builder(Target.tcp("127.0.0.1", 0))
                .service(new Trivial())
                .build()
                .start();
        OplogStore sqlite = OplogStore.sqlite(dir.resolve("oplog"));
        PostgresServer pg = postgres ? PostgresServer.start() : null;
        OplogStore shared = pg != null ? OplogStore.open(pg.url()) : null) {
      ManagedChannel channel = SwitchboardChannel.builder(server.target()).plaintext().build();
      DurableBench bench = new DurableBench(channel);
      Map<String, Phase> phases = new LinkedHashMap<>();
      ServerCpu pgCpu = pg != null ? new ServerCpu(pg.port()) : null;
      if (pgCpu != null) {
        out.println(
            pgCpu.postmaster < 0
                ? "PostgreSQL server CPU: not found in /proc; the figures count the JVM only"
                : "PostgreSQL server CPU: counted (postmaster pid "
                    + pgCpu.postmaster
                    + " and its backends)");
        out.println();
      }
      phases.put("plain", bench.new Phase(null, null, null));
      phases.put(
          "sqlite, not idempotent", bench.new Phase(sqlite, Idempotency.NOT_IDEMPOTENT, null));
      phases.put("sqlite, idempotent", bench.new Phase(sqlite, Idempotency.IDEMPOTENT, null));
      // The oplog's own ceiling on this disk: the same commits with no call between them.
      phases.put(
          "sqlite, not idempotent, commits only (no call)",
          bench.new Phase(sqlite, Idempotency.NOT_IDEMPOTENT, null).withoutCalls());
      if (shared != null) {
        phases.put(
            "postgresql, not idempotent",
            bench.new Phase(shared, Idempotency.NOT_IDEMPOTENT, pgCpu));
        phases.put(
            "postgresql, idempotent", bench.new Phase(shared, Idempotency.IDEMPOTENT, pgCpu));
        phases.put(
            "postgresql, not idempotent, commits only (no call)",
            bench.new Phase(shared, Idempotency.NOT_IDEMPOTENT, pgCpu).withoutCalls());
      }
      List<Phase> order = new ArrayList<>(phases.values());
      // One unmeasured pass over every phase first, so that no measured round pays for the JIT,
      // the first connections or the first pages of a database file.
      for (Phase phase : phases.values()) {
        phase.run(workers, warmupMs, warmupMs);
        phase.forget();
      }
      for (int round = 0; round < rounds; round++) {
        for (int i = 0; i < order.size(); i++) {
          order.get((i + round) % order.size()).run(workers, warmupMs, durationMs);
        }
      }
      Phase plain = Objects.requireNonNull(phases.get("plain"));
      out.println(
          "| phase | calls/s (median) | ratio to plain (paired median) | CPU µs/call (JVM"
              + " + PostgreSQL server) | ratio to plain by CPU/call | calls/s per round |");
      out.println("|---|---:|---:|---:|---:|---|");
      double plainCpu = median(plain.cpuMicrosPerCall);
      for (Map.Entry<String, Phase> e : phases.entrySet()) {
        Phase p = e.getValue();
        double[] ratios = new double[rounds];
        for (int r = 0; r < rounds; r++) {
          ratios[r] = p.rates.get(r) / plain.rates.get(r);
        }
        double cpu = median(p.cpuMicrosPerCall);
        double serverCpu = median(p.serverCpuMicrosPerCall);
        out.printf(
            Locale.ROOT,
            "| %s | %.0f | %.2f× | %s | %.2f× | %s |%n",
            e.getKey(),
            median(p.rates),
            median(Arrays.stream(ratios).boxed().toList()),
            p.server == null
                ? String.format(Locale.ROOT, "%.0f", cpu)
                : String.format(Locale.ROOT, "%.0f (%.0f + %.0f)", cpu + serverCpu, cpu, serverCpu),
            plainCpu / (cpu + serverCpu),
            p.rates.stream().map(x -> String.format(Locale.ROOT, "%.0f", x)).toList());
      }
      out.println();
      out.printf(Locale.ROOT, "## Replay of a %d-call history (one worker)%n%n", history);
      out.println(
          "| store | live, plain: wall s (CPU s) | recording, idempotent calls: wall s"
              + " | replay, median of 5: wall s (CPU s, JVM + PostgreSQL server)"
              + " | live ÷ replay, wall | live ÷ replay, CPU |");
      out.println("|---|---:|---:|---:|---:|---:|");
      // The live calls ran in a warm JVM; warm each store's replay path the same way first.
      bench.replay(null, "warm-up", sqlite, null, Math.min(history, 1000), 10);
      bench.replay(out, "sqlite", sqlite, null, history, 5);
      if (shared != null) {
        bench.replay(null, "warm-up", shared, pgCpu, Math.min(history, 1000), 10);
        bench.replay(out, "postgresql", shared, pgCpu, history, 5);
      }
      out.println();
      out.printf(Locale.ROOT, "fsync floor at end: %.0f µs%n", fsyncFloorMicros(dir));
      out.println("load average at end: " + loadAverage());
      channel.shutdownNow();
    }
  }

  /** One kind of call, measured once per round. */
  final class Phase {
    // Both null for the plain phase, which makes the calls without an oplog.
    final @Nullable OplogStore store;
    final @Nullable Idempotency idempotency;
    final @Nullable ServerCpu server;
    final List<Double> rates = new ArrayList<>();
    final List<Double> cpuMicrosPerCall = new ArrayList<>();
    final List<Double> serverCpuMicrosPerCall = new ArrayList<>();

    Phase(
        @Nullable OplogStore store, @Nullable Idempotency idempotency, @Nullable ServerCpu server) {
      this.store = store;
      this.idempotency = idempotency;
      this.server = server;
    }

    boolean makeCalls = true;

    Phase withoutCalls() {
      makeCalls = false;
      return this;
    }

    void forget() {
      rates.clear();
      cpuMicrosPerCall.clear();
      serverCpuMicrosPerCall.clear();
    }

    void run(int threads, long warmupMs, long durationMs) throws Exception {
      AtomicBoolean stop = new AtomicBoolean();
      AtomicBoolean measuring = new AtomicBoolean();
      LongAdder calls = new LongAdder();
      CountDownLatch done = new CountDownLatch(threads);
      Durable durable = store == null ? null : Durable.open(store);
      List<Throwable> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
      for (int t = 0; t < threads; t++) {
        Thread thread =
            new Thread(
                () -> {
                  try (Worker worker =
                      durable == null
                          ? null
                          : durable.worker("bench-" + workerIds.incrementAndGet())) {
                    while (!stop.get()) {
                      if (makeCalls) {
                        call(worker, idempotency);
                      } else {
                        commitOnly(
                            Objects.requireNonNull(worker), Objects.requireNonNull(idempotency));
                      }
                      if (measuring.get()) {
                        calls.increment();
                      }
                    }
                  } catch (Throwable e) {
                    failures.add(e);
                  } finally {
                    done.countDown();
                  }
                });
        thread.start();
      }
      Thread.sleep(warmupMs);
      long cpu0 = processCpuNanos();
      long server0 = server == null ? 0 : server.nanos();
      long t0 = System.nanoTime();
      measuring.set(true);
      Thread.sleep(durationMs);
      measuring.set(false);
      long elapsed = System.nanoTime() - t0;
      long cpu = processCpuNanos() - cpu0;
      long serverCpu = server == null ? 0 : server.nanos() - server0;
      stop.set(true);
      done.await();
      if (durable != null) {
        durable.close();
      }
      if (!failures.isEmpty()) {
        throw new IllegalStateException("a worker failed", failures.get(0));
      }
      long n = calls.sum();
      rates.add(n / (elapsed / 1e9));
      cpuMicrosPerCall.add(cpu / 1e3 / Math.max(1, n));
      serverCpuMicrosPerCall.add(serverCpu / 1e3 / Math.max(1, n));
    }
  }

  private void call(@Nullable Worker worker, @Nullable Idempotency idempotency) {
    if (worker == null || idempotency == null) {
      stub.unaryCall(REQUEST);
      return;
    }
    DurableCall call =
        DurableCall.builder("grpc.testing.BenchmarkService/UnaryCall")
            .idempotency(idempotency)
            .body(REQUEST.toByteArray())
            .build();
    worker.call(call, key -> send(key));
  }

  private static final Outcome EMPTY =
      Outcome.ok(SimpleResponse.getDefaultInstance().toByteArray());

  /** Records a call as {@link #call} does, with the answer made up instead of sent for. */
  private static void commitOnly(Worker worker, Idempotency idempotency) {
    DurableCall call =
        DurableCall.builder("grpc.testing.BenchmarkService/UnaryCall")
            .idempotency(idempotency)
            .body(REQUEST.toByteArray())
            .build();
    worker.call(call, key -> EMPTY);
  }

  private Outcome send(Optional<String> key) {
    BenchmarkServiceGrpc.BenchmarkServiceBlockingStub s = stub;
    if (key.isPresent()) {
      Metadata headers = new Metadata();
      headers.put(KEY, key.get());
      s = stub.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
    }
    return Outcome.ok(s.unaryCall(REQUEST).toByteArray());
  }

  /**
   * Makes {@code history} calls live, records them as one worker's history, then replays it {@code
   * replays} times and reports the median replay against the live calls.
   */
  private void replay(
      @Nullable PrintStream out,
      String name,
      OplogStore store,
      @Nullable ServerCpu server,
      int history,
      int replays) {
    long c0 = processCpuNanos();
    long t0 = System.nanoTime();
    for (int i = 0; i < history; i++) {
      stub.unaryCall(REQUEST);
    }
    double live = (System.nanoTime() - t0) / 1e9;
    double liveCpu = (processCpuNanos() - c0) / 1e9;
    String id = "replay-" + name + "-" + workerIds.incrementAndGet();
    t0 = System.nanoTime();
    try (Durable durable = Durable.open(store);
        Worker worker = durable.worker(id)) {
      // Idempotent calls, one commit each, to keep the recording short; replay does the same
      // work for every kind of call.
      for (int i = 0; i < history; i++) {
        call(worker, Idempotency.IDEMPOTENT);
      }
    }
    double recording = (System.nanoTime() - t0) / 1e9;
    List<Double> walls = new ArrayList<>();
    c0 = processCpuNanos();
    long s0 = server == null ? 0 : server.nanos();
    for (int r = 0; r < replays; r++) {
      t0 = System.nanoTime();
      replayOnce(store, id, history);
      walls.add((System.nanoTime() - t0) / 1e9);
    }
    double replay = median(walls);
    // CPU per replay, averaged: the kernel counts a process's CPU time in 10 ms ticks.
    long serverNanos = server == null ? 0 : server.nanos() - s0;
    double replayCpu = (processCpuNanos() - c0 + serverNanos) / 1e9 / replays;
    if (out == null) {
      return;
    }
    out.printf(
        Locale.ROOT,
        "| %s | %.2f (%.2f) | %.2f | %.3f (%.3f) | %.0f× | %.0f× |%n",
        name,
        live,
        liveCpu,
        recording,
        replay,
        replayCpu,
        live / replay,
        liveCpu / replayCpu);
  }

  /** Replays the worker's whole history; the sender throws if anything would be sent. */
  private static void replayOnce(OplogStore store, String id, int history) {
    try (Durable durable = Durable.open(store);
        Worker worker = durable.worker(id)) {
      DurableCall call =
          DurableCall.builder("grpc.testing.BenchmarkService/UnaryCall")
              .idempotency(Idempotency.IDEMPOTENT)
              .body(REQUEST.toByteArray())
              .build();
      for (int i = 0; i < history; i++) {
        worker.call(
            call,
            key -> {
              throw new IllegalStateException("replay sent a call");
            });
      }
      if (worker.isReplaying()) {
        throw new IllegalStateException("the history was not replayed to its end");
      }
    }
  }

  /**
   * CPU time of the local PostgreSQL server listening on a port: its postmaster with the children
   * it reaped, and its live backends, from {@code /proc} (Linux; zero elsewhere). A durable call on
   * PostgreSQL costs CPU there too, which the JVM's figure does not include.
   */
  static final class ServerCpu {
    private static final long NANOS_PER_TICK = 10_000_000; // USER_HZ is 100 on Linux
    private final long postmaster;

    ServerCpu(int port) throws IOException {
      this.postmaster = findPostmaster(port);
    }

    private static long findPostmaster(int port) throws IOException {
      try (var procs = Files.list(Path.of("/proc"))) {
        for (Path proc : procs.toList()) {
          String name = proc.getFileName().toString();
          if (!name.chars().allMatch(Character::isDigit)) {
            continue;
          }
          try {
            List<String> argv =
                Arrays.asList(Files.readString(proc.resolve("cmdline")).split("\0"));
            int p = argv.indexOf("-p");
            if (!argv.isEmpty()
                && argv.get(0).endsWith("postgres")
                && p >= 0
                && p + 1 < argv.size()
                && argv.get(p + 1).equals(Integer.toString(port))) {
              return Long.parseLong(name);
            }
          } catch (IOException gone) {
            // the process ended while we looked
          }
        }
      } catch (IOException noProc) {
        return -1;
      }
      return -1;
    }

    long nanos() {
      if (postmaster < 0) {
        return 0;
      }
      long ticks = 0;
      try (var procs = Files.list(Path.of("/proc"))) {
        for (Path proc : procs.toList()) {
          String name = proc.getFileName().toString();
          if (!name.chars().allMatch(Character::isDigit)) {
            continue;
          }
          try {
            // Fields after the command name: state ppid ... utime(14) stime(15) cutime cstime.
            String stat = Files.readString(proc.resolve("stat"));
            String[] f = stat.substring(stat.lastIndexOf(")") + 2).split(" ", -1);
            long pid = Long.parseLong(name);
            long ppid = Long.parseLong(f[1]);
            if (pid == postmaster) {
              ticks += Long.parseLong(f[11]) + Long.parseLong(f[12]);
              ticks += Long.parseLong(f[13]) + Long.parseLong(f[14]);
            } else if (ppid == postmaster) {
              ticks += Long.parseLong(f[11]) + Long.parseLong(f[12]);
            }
          } catch (IOException | RuntimeException gone) {
            // the process ended while we looked
          }
        }
      } catch (IOException noProc) {
        return 0;
      }
      return ticks * NANOS_PER_TICK;
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    try (var paths = Files.walk(dir)) {
      for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  private static double fsyncFloorMicros(Path dir) throws IOException {
    Path probe = dir.resolve("fsync-probe");
    double[] micros = new double[300];
    try (FileChannel ch =
        FileChannel.open(
            probe, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.READ)) {
      ByteBuffer page = ByteBuffer.allocate(4096);
      for (int i = 0; i < micros.length; i++) {
        page.clear();
        page.put(0, (byte) i);
        long t0 = System.nanoTime();
        ch.write(page, (long) (i % 16) * 4096);
        ch.force(false);
        micros[i] = (System.nanoTime() - t0) / 1e3;
      }
    } finally {
      Files.deleteIfExists(probe);
    }
    Arrays.sort(micros);
    return micros[micros.length / 2];
  }

  private static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  private static String loadAverage() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).trim();
    } catch (IOException e) {
      return String.format(
          Locale.ROOT, "%.2f", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    }
  }

  private static double median(List<Double> values) {
    double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }
}
