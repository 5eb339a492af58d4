package dev.switchboard.benchmarks.titan;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import dev.switchboard.runtime.SwitchboardChannel;
import dev.switchboard.runtime.SwitchboardServer;
import dev.switchboard.runtime.Target;
import dev.switchboard.titancompute.Es256;
import dev.switchboard.titancompute.agent.Agent;
import dev.switchboard.titancompute.agent.GenerationRequest;
import dev.switchboard.titancompute.agent.InferenceEngine;
import dev.switchboard.titancompute.coordinator.Coordinator;
import dev.switchboard.titancompute.v1.AgentRegistration;
import dev.switchboard.titancompute.v1.AgentServiceGrpc;
import dev.switchboard.titancompute.v1.CoordinatorServiceGrpc;
import dev.switchboard.titancompute.v1.FinishReason;
import dev.switchboard.titancompute.v1.HealthAck;
import dev.switchboard.titancompute.v1.HealthUpdate;
import dev.switchboard.titancompute.v1.InferenceRequest;
import dev.switchboard.titancompute.v1.InferenceResponse;
import dev.switchboard.titancompute.v1.StreamRequest;
import dev.switchboard.titancompute.v1.StreamResponse;
import dev.switchboard.titancompute.v1.SystemMetrics;
import dev.switchboard.titancompute.v1.Usage;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.ServerServiceDefinition;
import io.grpc.protobuf.ProtoUtils;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntConsumer;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Side-by-side measurements on one runtime, in one JVM, over loopback TCP:
 *
 * <ol>
 *   <li><b>route</b>: RequestInference on a coordinator that 1,000 simulated agents heartbeat at 1
 *       Hz, against a no-op unary call (the same request and response messages, a canned answer) on
 *       a Switchboard server, while the same heartbeat load runs. Each round also measures the
 *       ES256 signature a route makes (TitanCompute's signer on one thread, the route's own signing
 *       input) and, with {@code --go-sign PATH}, Go's {@code crypto/ecdsa} signing the same number
 *       of bytes in its own process ({@code benchmarks/src/main/go/es256sign}). The report gives
 *       the CPU per call of both calls, the signature's CPU in Java and Go, and the route's CPU
 *       without the signature as a multiple of the no-op call's.
 *   <li><b>stream</b>: StreamInference from an agent with the demo engine (no per-token delay;
 *       token verification and the single-use check included, a fresh token per stream) against a
 *       raw server stream that sends the same messages. The request leaves max_tokens unset, so the
 *       contract's default applies.
 * </ol>
 *
 * On a shared 2-core machine one long phase after another measures the machine's mood as much as
 * the code, so each comparison runs in interleaved rounds (A B, B A, ... or A B C, B C A, ...: each
 * side goes first equally often), and the report gives every round, the medians, and the ratio of
 * the medians. CPU time per call (this process's, all threads) moves far less with other processes'
 * load than calls per second do; the load average is printed at the start and the end.
 *
 * <p>Usage: {@code java -cp benchmarks.jar dev.switchboard.benchmarks.titan.TitanBench [--seconds
 * 10] [--warmup 5] [--clients 8] [--agents 1000] [--rounds 5] [--only route|stream] [--go-sign
 * PATH]}: {@code --seconds} per side, split over the rounds. {@code benchmarks/run-titan.sh} builds
 * what is missing and runs the route comparison with the Go anchor.
 */
public final class TitanBench {
  private static final String MODEL = "bench-model";
  private static final String PROMPT = "Why is the sky blue?";

  private TitanBench() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> opts = new HashMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      opts.put(args[i].replaceFirst("^--", ""), args[i + 1]);
    }
    int seconds = Integer.parseInt(opts.getOrDefault("seconds", "10"));
    int warmup = Integer.parseInt(opts.getOrDefault("warmup", "5"));
    int clients = Integer.parseInt(opts.getOrDefault("clients", "8"));
    int agents = Integer.parseInt(opts.getOrDefault("agents", "1000"));
    int rounds = Integer.parseInt(opts.getOrDefault("rounds", "5"));
    String only = opts.getOrDefault("only", "all");
    String goSign = opts.get("go-sign");
    System.out.printf(
        Locale.ROOT,
        "TitanBench: %d s per side in %d interleaved rounds after %d s warm-up each,"
            + " %d client threads, %d simulated agents, %d cores%n",
        seconds,
        rounds,
        warmup,
        clients,
        agents,
        Runtime.getRuntime().availableProcessors());
    System.out.println("load average at the start: " + loadAverage());
    if (!only.equals("stream")) {
      route(seconds, warmup, clients, agents, rounds, goSign);
    }
    if (!only.equals("route")) {
      stream(seconds, warmup, clients, rounds);
    }
    System.out.println("load average at the end: " + loadAverage());
    System.exit(0);
  }

  // ---------------------------------------------------------------- routing

  private static void route(
      int seconds, int warmup, int clients, int agents, int rounds, @Nullable String goSign)
      throws Exception {
    try (Coordinator coordinator =
        Coordinator.builder(Target.tcp("127.0.0.1", 0))
            .heartbeatTimeout(Duration.ofSeconds(5))
            .build()
            .start()) {
      SimulatedAgents simulated = new SimulatedAgents(coordinator.target(), agents);
      simulated.start();
      ManagedChannel channel = SwitchboardChannel.builder(coordinator.target()).plaintext().build();
      InferenceRequest request =
          InferenceRequest.newBuilder()
              .setClientId("bench")
              .setModel(MODEL)
              .setPrompt(PROMPT)
              .build();
      InferenceResponse canned =
          CoordinatorServiceGrpc.newBlockingStub(channel).requestInference(request);
      Signatures signatures = new Signatures(canned.getToken(), goSign);

      MethodDescriptor<InferenceRequest, InferenceResponse> noop = unary("bench.Noop/Call");
      MethodDescriptor<InferenceRequest, InferenceResponse> signing = unary("bench.Noop/Sign");
      ServerServiceDefinition noopService =
          ServerServiceDefinition.builder("bench.Noop")
              .addMethod(
                  noop,
                  ServerCalls.asyncUnaryCall(
                      (InferenceRequest r, StreamObserver<InferenceResponse> o) -> {
                        o.onNext(canned);
                        o.onCompleted();
                      }))
              .addMethod(
                  signing,
                  ServerCalls.asyncUnaryCall(
                      (InferenceRequest r, StreamObserver<InferenceResponse> o) -> {
                        signatures.signOnce();
                        o.onNext(canned);
                        o.onCompleted();
                      }))
              .build();
      try (SwitchboardServer noopServer =
          SwitchboardServer.builder(Target.tcp("127.0.0.1", 0))
              .service(noopService)
              .build()
              .start()) {
        ManagedChannel noopChannel =
            SwitchboardChannel.builder(noopServer.target()).plaintext().build();
        System.out.printf(
            Locale.ROOT,
            "%d agents registered, heartbeating at 1 Hz (%d heartbeats acked so far)%n",
            coordinator.status().getTotalAgents(),
            simulated.acks.get());
        CoordinatorServiceGrpc.CoordinatorServiceBlockingStub stub =
            CoordinatorServiceGrpc.newBlockingStub(channel);
        List<Side> sides =
            List.of(
                new Side(
                    "no-op unary",
                    () ->
                        ClientCalls.blockingUnaryCall(
                            noopChannel, noop, CallOptions.DEFAULT, request)),
                new Side("RequestInference", () -> stub.requestInference(request)),
                new Side(
                    "no-op + signature",
                    () ->
                        ClientCalls.blockingUnaryCall(
                            noopChannel, signing, CallOptions.DEFAULT, request)));
        List<Result> medians = rounds(sides, clients, warmup, seconds, rounds, signatures);
        System.out.printf(
            Locale.ROOT,
            "heartbeats acked during the run: %d; healthy agents at the end: %d%n",
            simulated.acks.get(),
            coordinator.status().getHealthyAgents());
        signatures.report(medians.get(0), medians.get(1), medians.get(2));
        noopChannel.shutdownNow();
      }
      simulated.close();
      channel.shutdownNow();
    }
  }

  private static MethodDescriptor<InferenceRequest, InferenceResponse> unary(String name) {
    return MethodDescriptor.<InferenceRequest, InferenceResponse>newBuilder()
        .setType(MethodDescriptor.MethodType.UNARY)
        .setFullMethodName(name)
        .setRequestMarshaller(ProtoUtils.marshaller(InferenceRequest.getDefaultInstance()))
        .setResponseMarshaller(ProtoUtils.marshaller(InferenceResponse.getDefaultInstance()))
        .build();
  }

  /** One side of a comparison: a name and the call a client thread makes. */
  private record Side(String name, Call call) {}

  /**
   * Interleaved rounds of every side, each round starting one side later than the one before (A B
   * C, B C A, C A B, ...), after a warm-up of each; then an idle pause, in which only the
   * background work runs (heartbeats, timers, the JIT, GC), and the hook's own measurement.
   * Returns, per side in the order given, the median round with its CPU per call net of the
   * background: the process's CPU per second while calling, minus the median idle CPU per second,
   * divided by the calls per second. Without that, a slower call would be charged more of the
   * background per call.
   */
  private static List<Result> rounds(
      List<Side> sides, int clients, int warmup, int seconds, int rounds, RoundHook hook)
      throws Exception {
    double roundSeconds = Math.max(1.0, seconds / (double) rounds);
    for (Side side : sides) {
      loop(clients, warmup, side.call(), null);
    }
    hook.warmUp(warmup);
    List<List<Result>> results = new ArrayList<>();
    sides.forEach(side -> results.add(new ArrayList<>()));
    double[] idle = new double[rounds];
    for (int r = 0; r < rounds; r++) {
      for (int k = 0; k < sides.size(); k++) {
        int index = (r + k) % sides.size();
        Side side = sides.get(index);
        results.get(index).add(run(side.name(), clients, roundSeconds, side.call()));
      }
      idle[r] = idleCpuUsPerSecond(roundSeconds / 2);
      System.out.printf(Locale.ROOT, "  %-20s %10.0f us CPU per second%n", "idle", idle[r]);
      hook.afterRound(r + 1, roundSeconds);
    }
    Arrays.sort(idle);
    double background = middle(idle);
    List<Result> medians = new ArrayList<>();
    for (int k = 0; k < sides.size(); k++) {
      Result m = median(results.get(k));
      double net =
          middle(
              results.get(k).stream()
                  .mapToDouble(r -> (r.cpuUsPerSecond() - background) / r.perSecond())
                  .sorted()
                  .toArray());
      medians.add(new Result(m.perSecond(), m.p50Ms(), m.p99Ms(), net, m.cpuUsPerSecond()));
      System.out.printf(
          Locale.ROOT,
          "  median %-20s %10.0f calls/s   p50 %7.3f ms   p99 %7.3f ms   CPU %6.1f us/call"
              + " (%.1f net of the background)%n",
          sides.get(k).name(),
          m.perSecond(),
          m.p50Ms(),
          m.p99Ms(),
          m.cpuUsPerCall(),
          net);
    }
    System.out.printf(
        Locale.ROOT, "  median background (idle) CPU: %.0f us per second%n", background);
    return medians;
  }

  private static double idleCpuUsPerSecond(double seconds) throws InterruptedException {
    long cpu = processCpuNanos();
    long started = System.nanoTime();
    Thread.sleep((long) (seconds * 1000));
    return (processCpuNanos() - cpu) / 1e3 / ((System.nanoTime() - started) / 1e9);
  }

  /**
   * The ES256 signature a route makes: TitanCompute's signer on one thread between the call rounds
   * (its CPU time per signature), and, when given, Go's {@code crypto/ecdsa} in its own process on
   * as many bytes. The no-op + signature side of the route comparison signs through {@link
   * #signOnce}, so that the signature's cost inside a server (cache, scheduling) shows too.
   */
  private static final class Signatures implements RoundHook {
    private final JWSSigner signer;
    private final JWSHeader header;
    private final byte[] signingInput;
    private final @Nullable String goSign;
    private final List<Double> javaUs = new ArrayList<>();
    private final List<Double> goUs = new ArrayList<>();
    private String goVersion = "";

    Signatures(String token, @Nullable String goSign) throws Exception {
      String[] parts = token.split("\\.", 3);
      this.header = JWSHeader.parse(Base64URL.from(parts[0]));
      this.signingInput = (parts[0] + '.' + parts[1]).getBytes(StandardCharsets.US_ASCII);
      this.signer =
          Es256.signer(new ECKeyGenerator(Curve.P_256).keyID(header.getKeyID()).generate());
      this.goSign = goSign;
    }

    void signOnce() {
      try {
        signer.sign(header, signingInput);
      } catch (JOSEException e) {
        throw new IllegalStateException(e);
      }
    }

    @Override
    public void warmUp(double seconds) throws Exception {
      java(seconds);
    }

    @Override
    public void afterRound(int round, double seconds) throws Exception {
      double java = java(seconds);
      javaUs.add(java);
      if (goSign == null) {
        System.out.printf(
            Locale.ROOT, "  %-20s %6.1f us/signature (CPU)%n", "ES256 sign, Java", java);
        return;
      }
      double go = go(seconds);
      goUs.add(go);
      System.out.printf(
          Locale.ROOT,
          "  %-20s %6.1f us/signature (CPU)   Go %6.1f us   %.2fx%n",
          "ES256 sign, Java",
          java,
          go,
          java / go);
    }

    /** CPU microseconds per signature on this thread, signing for {@code seconds}. */
    private double java(double seconds) throws Exception {
      ThreadMXBean mx = ManagementFactory.getThreadMXBean();
      long end = System.nanoTime() + (long) (seconds * 1e9);
      long count = 0;
      long cpu = mx.getCurrentThreadCpuTime();
      while (System.nanoTime() < end) {
        signer.sign(header, signingInput);
        count++;
      }
      return (mx.getCurrentThreadCpuTime() - cpu) / 1e3 / count;
    }

    /** Runs the Go anchor for {@code seconds}; its CPU microseconds per signature. */
    private double go(double seconds) throws Exception {
      String command = Objects.requireNonNull(goSign);
      Process go =
          new ProcessBuilder(
                  command,
                  "-seconds",
                  String.format(Locale.ROOT, "%.1f", seconds),
                  "-payload",
                  Integer.toString(signingInput.length))
              .redirectError(ProcessBuilder.Redirect.INHERIT)
              .start();
      String line;
      try (BufferedReader out =
          new BufferedReader(new InputStreamReader(go.getInputStream(), StandardCharsets.UTF_8))) {
        line = out.readLine();
      }
      int exit = go.waitFor();
      if (exit != 0 || line == null) {
        throw new IllegalStateException(command + " failed (exit " + exit + ")");
      }
      Map<String, String> fields = new HashMap<>();
      for (String field : line.split(" ", -1)) {
        int eq = field.indexOf('=');
        if (eq > 0) {
          fields.put(field.substring(0, eq), field.substring(eq + 1));
        }
      }
      goVersion = fields.getOrDefault("go", "");
      String cpu = fields.get("cpu_ns_per_op");
      if (cpu == null) {
        throw new IllegalStateException(command + " printed no cpu_ns_per_op: " + line);
      }
      return Long.parseLong(cpu) / 1e3;
    }

    void report(Result noop, Result route, Result noopSigning) {
      double java = middle(javaUs.stream().mapToDouble(Double::doubleValue).sorted().toArray());
      double inServer = noopSigning.cpuUsPerCall() - noop.cpuUsPerCall();
      double withoutIsolated = route.cpuUsPerCall() - java;
      double withoutInServer = route.cpuUsPerCall() - inServer;
      System.out.println();
      System.out.printf(
          Locale.ROOT,
          "CPU per call, client and server in this JVM, net of the background (medians of"
              + " rounds): no-op unary %.1f us,"
              + " RequestInference %.1f us (%.2fx), no-op + signature %.1f us%n",
          noop.cpuUsPerCall(),
          route.cpuUsPerCall(),
          route.cpuUsPerCall() / noop.cpuUsPerCall(),
          noopSigning.cpuUsPerCall());
      System.out.printf(
          Locale.ROOT,
          "ES256 signature of the route's %d-byte signing input: %.1f us CPU on one thread"
              + " (median of rounds); %.1f us inside a server (no-op + signature minus no-op)%n",
          signingInput.length,
          java,
          inServer);
      if (!goUs.isEmpty()) {
        double go = middle(goUs.stream().mapToDouble(Double::doubleValue).sorted().toArray());
        System.out.printf(
            Locale.ROOT,
            "  Go crypto/ecdsa (%s) on one thread: %.1f us; Java %.2fx of Go (goal <= 1.5x)%n",
            goVersion,
            go,
            java / go);
      }
      System.out.printf(
          Locale.ROOT,
          "route without the signature: %.1f us = %.2fx of the no-op call with the signature's"
              + " one-thread cost taken off, %.1f us = %.2fx with its in-server cost taken off"
              + " (goal <= 1.15x)%n",
          withoutIsolated,
          withoutIsolated / noop.cpuUsPerCall(),
          withoutInServer,
          withoutInServer / noop.cpuUsPerCall());
      System.out.printf(
          Locale.ROOT,
          "calls/s: RequestInference %.2fx of the no-op's (p99 %.3f vs %.3f ms)%n",
          route.perSecond() / noop.perSecond(),
          route.p99Ms(),
          noop.p99Ms());
    }
  }

  /**
   * 1,000 agents as plain gRPC peers: registered, each heartbeating once a second on its own
   * stream.
   */
  private static final class SimulatedAgents implements AutoCloseable {
    private final Target coordinator;
    private final int count;
    private final List<ManagedChannel> channels = new ArrayList<>();
    private final List<StreamObserver<HealthUpdate>> streams = new ArrayList<>();
    private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor();
    private @Nullable ScheduledFuture<?> heartbeats;
    final AtomicLong acks = new AtomicLong();

    SimulatedAgents(Target coordinator, int count) {
      this.coordinator = coordinator;
      this.count = count;
    }

    void start() throws InterruptedException {
      for (int c = 0; c < 10; c++) {
        channels.add(SwitchboardChannel.builder(coordinator).plaintext().build());
      }
      for (int i = 0; i < count; i++) {
        ManagedChannel channel = channels.get(i % channels.size());
        String id = "sim-" + i;
        CoordinatorServiceGrpc.newBlockingStub(channel)
            .registerAgent(
                AgentRegistration.newBuilder()
                    .setAgentId(id)
                    .setEndpoint("127.0.0.1:" + (20000 + i))
                    .addModels(MODEL)
                    .setCapacity(4)
                    .setEngine("simulated")
                    .build());
        streams.add(
            CoordinatorServiceGrpc.newStub(channel)
                .reportHealth(
                    new StreamObserver<HealthAck>() {
                      @Override
                      public void onNext(HealthAck ack) {
                        acks.incrementAndGet();
                      }

                      @Override
                      public void onError(Throwable t) {}

                      @Override
                      public void onCompleted() {}
                    }));
      }
      // Spread the 1,000 heartbeats over each second: one batch every 10 ms.
      int perTick = Math.max(1, count / 100);
      int[] next = {0};
      heartbeats =
          ticker.scheduleAtFixedRate(
              () -> {
                for (int k = 0; k < perTick; k++) {
                  int i = next[0]++ % count;
                  ThreadLocalRandom r = ThreadLocalRandom.current();
                  StreamObserver<HealthUpdate> s = streams.get(i);
                  synchronized (s) {
                    s.onNext(
                        HealthUpdate.newBuilder()
                            .setAgentId("sim-" + i)
                            .setSequence(next[0])
                            .setRttMs(0.2 + r.nextDouble())
                            .setMetrics(
                                SystemMetrics.newBuilder()
                                    .setCpuPercent(r.nextDouble(100))
                                    .setActiveStreams(r.nextInt(4))
                                    .setQueueDepth(r.nextInt(2))
                                    .setMemoryTotalBytes(32L << 30)
                                    .setMemoryUsedBytes(r.nextLong(32L << 30)))
                            .build());
                  }
                }
              },
              10,
              10,
              TimeUnit.MILLISECONDS);
      Thread.sleep(1500);
    }

    @Override
    public void close() {
      if (heartbeats != null) {
        heartbeats.cancel(false);
      }
      ticker.shutdownNow();
      for (int i = 0; i < streams.size(); i++) {
        StreamObserver<HealthUpdate> s = streams.get(i);
        synchronized (s) {
          // Say goodbye as real agents do, so the coordinator does not report lost agents.
          s.onNext(
              HealthUpdate.newBuilder()
                  .setAgentId("sim-" + i)
                  .setState(dev.switchboard.titancompute.v1.AgentState.AGENT_STATE_DRAINING)
                  .build());
          s.onCompleted();
        }
      }
      try {
        Thread.sleep(500); // let the goodbyes arrive before the connections close
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      channels.forEach(ManagedChannel::shutdownNow);
    }
  }

  // ---------------------------------------------------------------- streaming

  private static void stream(int seconds, int warmup, int clients, int rounds) throws Exception {
    // max_tokens unset: the agent applies the contract's default (100); the demo answer is shorter.
    List<String> pieces = demoPieces(100);
    // The default token TTL (60 s): it bounds how many spent token ids the agent remembers, as in
    // production. Tokens routed before a round are used within it, well inside their lifetime.
    try (Coordinator coordinator = Coordinator.builder(Target.tcp("127.0.0.1", 0)).build().start();
        Agent agent =
            Agent.builder(coordinator.target(), "bench-agent")
                .model(MODEL)
                .capacity(clients * 2)
                .engine(InferenceEngine.demo(Duration.ZERO))
                .heartbeat(Duration.ofSeconds(1))
                .build()
                .start()) {
      while (!agent.registered()) {
        Thread.sleep(10);
      }
      ManagedChannel coordinatorChannel =
          SwitchboardChannel.builder(coordinator.target()).plaintext().build();
      InferenceRequest routeRequest =
          InferenceRequest.newBuilder()
              .setClientId("bench")
              .setModel(MODEL)
              .setPrompt(PROMPT)
              .build();
      // Tokens are single-use, so every stream needs its own. They are routed before each round
      // (signing is the route benchmark's business, not the stream's); the agent still verifies
      // and spends each one inside the measurement. A pool that runs dry routes inline.
      ConcurrentLinkedQueue<StreamRequest> tokens = new ConcurrentLinkedQueue<>();
      Supplier<StreamRequest> nextRequest =
          () -> {
            StreamRequest r = tokens.poll();
            return r != null
                ? r
                : streamRequest(
                    CoordinatorServiceGrpc.newBlockingStub(coordinatorChannel)
                        .requestInference(routeRequest));
          };
      IntConsumer refill =
          n -> {
            CoordinatorServiceGrpc.CoordinatorServiceBlockingStub stub =
                CoordinatorServiceGrpc.newBlockingStub(coordinatorChannel);
            // ConcurrentLinkedQueue.size() walks the whole queue: count once, not per token.
            for (int missing = n - tokens.size(); missing > 0; missing--) {
              tokens.add(streamRequest(stub.requestInference(routeRequest)));
            }
          };
      StreamRequest template = nextRequest.get();

      // The raw stream sends exactly the messages the agent sends, built per call as the agent
      // does.
      MethodDescriptor<StreamRequest, StreamResponse> raw =
          AgentServiceGrpc.getStreamInferenceMethod().toBuilder()
              .setFullMethodName("bench.RawStream/Stream")
              .build();
      ServerServiceDefinition rawService =
          ServerServiceDefinition.builder("bench.RawStream")
              .addMethod(
                  raw,
                  ServerCalls.asyncServerStreamingCall(
                      (StreamRequest r, StreamObserver<StreamResponse> o) -> {
                        for (int i = 0; i < pieces.size(); i++) {
                          StreamResponse.Builder m =
                              StreamResponse.newBuilder().setText(pieces.get(i));
                          if (i == 0) {
                            m.setAgentId("bench-agent");
                          }
                          o.onNext(m.build());
                        }
                        o.onNext(
                            StreamResponse.newBuilder()
                                .setDone(true)
                                .setAgentId("bench-agent")
                                .setFinishReason(FinishReason.FINISH_REASON_STOP)
                                .setUsage(
                                    Usage.newBuilder()
                                        .setPromptTokens(5)
                                        .setCompletionTokens(pieces.size())
                                        .setTotalTokens(5 + pieces.size()))
                                .build());
                        o.onCompleted();
                      }))
              .build();
      try (SwitchboardServer rawServer =
          SwitchboardServer.builder(Target.tcp("127.0.0.1", 0))
              .service(rawService)
              .build()
              .start()) {
        ManagedChannel rawChannel =
            SwitchboardChannel.builder(rawServer.target()).plaintext().build();
        ManagedChannel agentChannel =
            SwitchboardChannel.builder(Target.parse(agent.endpoint())).plaintext().build();
        int messages = pieces.size() + 1;
        System.out.printf(
            Locale.ROOT,
            "stream: %d messages per stream (%d text pieces + final; max_tokens unset,"
                + " default 100), demo engine without delay, a fresh token per stream%n",
            messages,
            pieces.size());
        Compared c =
            compare(
                "raw server stream",
                "StreamInference",
                clients,
                warmup,
                seconds,
                rounds,
                () ->
                    drain(
                        ClientCalls.blockingServerStreamingCall(
                            rawChannel, raw, CallOptions.DEFAULT, template),
                        messages),
                () ->
                    drain(
                        AgentServiceGrpc.newBlockingStub(agentChannel)
                            .streamInference(nextRequest.get()),
                        messages),
                // Enough tokens for the coming round at the last measured rate, with a margin.
                (round, last) ->
                    refill.accept(
                        (int) Math.min(200_000, 1.5 * Math.max(2_000, last) * round) + 500));
        System.out.printf(
            Locale.ROOT,
            "stream ratio (median of rounds): %.2fx of the raw server stream (goal >= 0.90x);"
                + " p99 %.3f ms vs %.3f ms; %.0f vs %.0f messages/s%n",
            c.ratio(),
            c.b().p99Ms(),
            c.a().p99Ms(),
            c.b().perSecond() * messages,
            c.a().perSecond() * messages);
        rawChannel.shutdownNow();
        agentChannel.shutdownNow();
      }
      coordinatorChannel.shutdownNow();
    }
  }

  private static StreamRequest streamRequest(InferenceResponse route) {
    return StreamRequest.newBuilder()
        .setToken(route.getToken())
        .setModel(MODEL)
        .setPrompt(PROMPT)
        .setRequestId(route.getRequestId())
        .build();
  }

  private static List<String> demoPieces(int maxTokens) throws Exception {
    List<String> pieces = new ArrayList<>();
    InferenceEngine.demo(Duration.ZERO)
        .generate(
            new GenerationRequest(MODEL, PROMPT, maxTokens, 0.7f, Map.of()),
            new InferenceEngine.TokenSink() {
              @Override
              public void text(String piece) {
                pieces.add(piece);
              }

              @Override
              public boolean cancelled() {
                return false;
              }
            });
    return pieces;
  }

  private static Object drain(Iterator<StreamResponse> stream, int expected) {
    int n = 0;
    while (stream.hasNext()) {
      stream.next();
      n++;
    }
    if (n != expected) {
      throw new IllegalStateException("expected " + expected + " messages, got " + n);
    }
    return n;
  }

  // ---------------------------------------------------------------- measurement

  /** One measured round; {@code cpuUsPerCall} is this process's CPU time (all threads) per call. */
  private record Result(
      double perSecond, double p50Ms, double p99Ms, double cpuUsPerCall, double cpuUsPerSecond) {}

  @FunctionalInterface
  private interface Call {
    Object call() throws Exception;
  }

  private record Compared(Result a, Result b, double ratio) {}

  /** Prepares side B's next round: the round's length in seconds and B's last rate (0 at first). */
  @FunctionalInterface
  private interface BeforeB {
    void prepare(double roundSeconds, double lastPerSecond) throws Exception;
  }

  /** More work measured in every round, after the calls. */
  private interface RoundHook {
    void warmUp(double seconds) throws Exception;

    void afterRound(int round, double seconds) throws Exception;
  }

  /**
   * Interleaved rounds of A and B (A B, B A, A B, ...), after a warm-up of each. Returns the median
   * round of each side (throughput and p99 medians taken separately) and the ratio of the medians.
   */
  private static Compared compare(
      String nameA,
      String nameB,
      int clients,
      int warmup,
      int seconds,
      int rounds,
      Call a,
      Call b,
      @Nullable BeforeB beforeB)
      throws Exception {
    double roundSeconds = Math.max(1.0, seconds / (double) rounds);
    if (beforeB != null) {
      beforeB.prepare(warmup, 0);
    }
    loop(clients, warmup, a, null);
    loop(clients, warmup, b, null);
    List<Result> as = new ArrayList<>();
    List<Result> bs = new ArrayList<>();
    for (int r = 0; r < rounds; r++) {
      if (beforeB != null) {
        beforeB.prepare(roundSeconds, bs.isEmpty() ? 0 : bs.get(bs.size() - 1).perSecond());
      }
      if (r % 2 == 0) {
        as.add(run(nameA, clients, roundSeconds, a));
        bs.add(run(nameB, clients, roundSeconds, b));
      } else {
        bs.add(run(nameB, clients, roundSeconds, b));
        as.add(run(nameA, clients, roundSeconds, a));
      }
      System.out.printf(
          Locale.ROOT,
          "    round %d ratio %.2fx%n",
          r + 1,
          bs.get(r).perSecond() / as.get(r).perSecond());
    }
    Result ma = median(as);
    Result mb = median(bs);
    System.out.printf(
        Locale.ROOT,
        "  median %-20s %10.0f calls/s   p50 %7.3f ms   p99 %7.3f ms   CPU %6.0f us/call%n",
        nameA,
        ma.perSecond(),
        ma.p50Ms(),
        ma.p99Ms(),
        ma.cpuUsPerCall());
    System.out.printf(
        Locale.ROOT,
        "  median %-20s %10.0f calls/s   p50 %7.3f ms   p99 %7.3f ms   CPU %6.0f us/call%n",
        nameB,
        mb.perSecond(),
        mb.p50Ms(),
        mb.p99Ms(),
        mb.cpuUsPerCall());
    System.out.printf(
        Locale.ROOT,
        "  CPU per call (client and server, this JVM): %s %.2fx of %s%n",
        nameB,
        mb.cpuUsPerCall() / ma.cpuUsPerCall(),
        nameA);
    return new Compared(ma, mb, mb.perSecond() / ma.perSecond());
  }

  private static Result median(List<Result> results) {
    double[] rate = results.stream().mapToDouble(Result::perSecond).sorted().toArray();
    double[] p50 = results.stream().mapToDouble(Result::p50Ms).sorted().toArray();
    double[] p99 = results.stream().mapToDouble(Result::p99Ms).sorted().toArray();
    double[] cpu = results.stream().mapToDouble(Result::cpuUsPerCall).sorted().toArray();
    double[] load = results.stream().mapToDouble(Result::cpuUsPerSecond).sorted().toArray();
    return new Result(middle(rate), middle(p50), middle(p99), middle(cpu), middle(load));
  }

  private static double middle(double[] sorted) {
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }

  /**
   * Closed loop: {@code clients} threads call back to back for {@code seconds}; one measured round.
   */
  private static Result run(String name, int clients, double seconds, Call call) throws Exception {
    long[][] latencies = new long[clients][];
    long cpuStart = processCpuNanos();
    long started = System.nanoTime();
    long count = loop(clients, seconds, call, latencies);
    double elapsed = (System.nanoTime() - started) / 1e9;
    long cpu = processCpuNanos() - cpuStart;
    long[] all = Arrays.stream(latencies).flatMapToLong(Arrays::stream).sorted().toArray();
    Result r =
        new Result(
            count / elapsed,
            all[(int) (all.length * 0.50)] / 1e6,
            all[Math.min(all.length - 1, (int) (all.length * 0.99))] / 1e6,
            cpu / 1e3 / count,
            cpu / 1e3 / elapsed);
    System.out.printf(
        Locale.ROOT,
        "  %-20s %10.0f calls/s   p50 %7.3f ms   p99 %7.3f ms   CPU %6.0f us/call   (%d calls)%n",
        name,
        r.perSecond,
        r.p50Ms,
        r.p99Ms,
        r.cpuUsPerCall,
        count);
    return r;
  }

  /** The system's load averages (1, 5, 15 minutes) as the kernel reports them, or "unknown". */
  private static String loadAverage() {
    try {
      String[] fields =
          Files.readString(Path.of("/proc/loadavg"), StandardCharsets.US_ASCII).split(" ", 4);
      return fields[0] + " " + fields[1] + " " + fields[2];
    } catch (IOException | RuntimeException e) {
      return "unknown";
    }
  }

  /**
   * CPU time of this whole process (client, servers, heartbeat load): robust to other processes'
   * load.
   */
  private static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  private static long loop(int clients, double seconds, Call call, long @Nullable [][] latencies)
      throws Exception {
    long end = System.nanoTime() + (long) (seconds * 1e9);
    AtomicLong total = new AtomicLong();
    CountDownLatch done = new CountDownLatch(clients);
    List<Throwable> errors = new CopyOnWriteArrayList<>();
    for (int t = 0; t < clients; t++) {
      int index = t;
      Thread thread =
          new Thread(
              () -> {
                long[] mine = new long[1 << 16];
                int n = 0;
                try {
                  while (System.nanoTime() < end) {
                    long s = System.nanoTime();
                    call.call();
                    long d = System.nanoTime() - s;
                    if (n == mine.length) {
                      mine = Arrays.copyOf(mine, n * 2);
                    }
                    mine[n++] = d;
                  }
                } catch (Throwable e) {
                  errors.add(e);
                } finally {
                  total.addAndGet(n);
                  if (latencies != null) {
                    latencies[index] = Arrays.copyOf(mine, n);
                  }
                  done.countDown();
                }
              },
              "bench-client-" + t);
      thread.start();
    }
    done.await();
    if (!errors.isEmpty()) {
      throw new IllegalStateException("benchmark call failed", errors.get(0));
    }
    return total.get();
  }
}
