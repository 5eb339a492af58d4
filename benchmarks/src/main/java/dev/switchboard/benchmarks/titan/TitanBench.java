package dev.switchboard.benchmarks.titan;

import dev.switchboard.runtime.SwitchboardChannel;
import dev.switchboard.runtime.SwitchboardServer;
import dev.switchboard.runtime.Target;
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
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.ServerServiceDefinition;
import io.grpc.protobuf.ProtoUtils;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Side-by-side measurements on one runtime, in one JVM, over loopback TCP:
 *
 * <ol>
 *   <li><b>route</b>: RequestInference on a coordinator that 1,000 simulated agents heartbeat at
 *       1 Hz, against a no-op unary call (the same request and response messages, a canned answer)
 *       on a Switchboard server, measured while the same heartbeat load runs.
 *   <li><b>stream</b>: StreamInference from an agent with the demo engine (no per-token delay;
 *       token verification included) against a raw server stream that sends the same messages.
 * </ol>
 *
 * Usage: {@code java -cp benchmarks.jar dev.switchboard.benchmarks.titan.TitanBench
 * [--seconds 10] [--warmup 5] [--clients 8] [--agents 1000]}.
 */
public final class TitanBench {
  private static final String MODEL = "bench-model";
  private static final String PROMPT = "Why is the sky blue?";

  private TitanBench() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> opts = new java.util.HashMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      opts.put(args[i].replaceFirst("^--", ""), args[i + 1]);
    }
    int seconds = Integer.parseInt(opts.getOrDefault("seconds", "10"));
    int warmup = Integer.parseInt(opts.getOrDefault("warmup", "5"));
    int clients = Integer.parseInt(opts.getOrDefault("clients", "8"));
    int agents = Integer.parseInt(opts.getOrDefault("agents", "1000"));
    String only = opts.getOrDefault("only", "all");
    System.out.printf(Locale.ROOT, "TitanBench: %d s measured after %d s warm-up, %d client threads, %d simulated agents, %d cores%n",
        seconds, warmup, clients, agents, Runtime.getRuntime().availableProcessors());
    if (!only.equals("stream")) {
      route(seconds, warmup, clients, agents);
    }
    if (!only.equals("route")) {
      stream(seconds, warmup, clients);
    }
    System.exit(0);
  }

  // ---------------------------------------------------------------- routing

  private static void route(int seconds, int warmup, int clients, int agents) throws Exception {
    try (Coordinator coordinator = Coordinator.builder(Target.tcp("127.0.0.1", 0))
        .heartbeatTimeout(Duration.ofSeconds(5)).build().start()) {
      SimulatedAgents simulated = new SimulatedAgents(coordinator.target(), agents);
      simulated.start();
      ManagedChannel channel = SwitchboardChannel.builder(coordinator.target()).plaintext().build();
      InferenceRequest request = InferenceRequest.newBuilder().setClientId("bench").setModel(MODEL)
          .setPrompt(PROMPT).setMaxTokens(100).build();
      InferenceResponse canned = CoordinatorServiceGrpc.newBlockingStub(channel).requestInference(request);

      MethodDescriptor<InferenceRequest, InferenceResponse> noop = MethodDescriptor
          .<InferenceRequest, InferenceResponse>newBuilder()
          .setType(MethodDescriptor.MethodType.UNARY)
          .setFullMethodName("bench.Noop/Call")
          .setRequestMarshaller(ProtoUtils.marshaller(InferenceRequest.getDefaultInstance()))
          .setResponseMarshaller(ProtoUtils.marshaller(InferenceResponse.getDefaultInstance()))
          .build();
      ServerServiceDefinition noopService = ServerServiceDefinition.builder("bench.Noop")
          .addMethod(noop, ServerCalls.asyncUnaryCall((InferenceRequest r, StreamObserver<InferenceResponse> o) -> {
            o.onNext(canned);
            o.onCompleted();
          }))
          .build();
      try (SwitchboardServer noopServer = SwitchboardServer.builder(Target.tcp("127.0.0.1", 0))
          .service(noopService).build().start()) {
        ManagedChannel noopChannel = SwitchboardChannel.builder(noopServer.target()).plaintext().build();
        System.out.printf(Locale.ROOT, "%d agents registered, heartbeating at 1 Hz (%d heartbeats acked so far)%n",
            coordinator.status().getTotalAgents(), simulated.acks.get());
        Result base = run("no-op unary", clients, warmup, seconds,
            () -> ClientCalls.blockingUnaryCall(noopChannel, noop, io.grpc.CallOptions.DEFAULT, request));
        Result routed = run("RequestInference", clients, warmup, seconds,
            () -> CoordinatorServiceGrpc.newBlockingStub(channel).requestInference(request));
        System.out.printf(Locale.ROOT, "heartbeats acked during the run: %d; healthy agents at the end: %d%n",
            simulated.acks.get(), coordinator.status().getHealthyAgents());
        System.out.printf(Locale.ROOT, "route ratio: throughput %.2fx of no-op unary (goal >= 0.70x); p99 %.3f ms vs %.3f ms%n",
            routed.perSecond / base.perSecond, routed.p99Ms, base.p99Ms);
        noopChannel.shutdownNow();
      }
      simulated.close();
      channel.shutdownNow();
    }
  }

  /** 1,000 agents as plain gRPC peers: registered, each heartbeating once a second on its own stream. */
  private static final class SimulatedAgents implements AutoCloseable {
    private final Target coordinator;
    private final int count;
    private final List<ManagedChannel> channels = new ArrayList<>();
    private final List<StreamObserver<HealthUpdate>> streams = new ArrayList<>();
    private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor();
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
        CoordinatorServiceGrpc.newBlockingStub(channel).registerAgent(AgentRegistration.newBuilder()
            .setAgentId(id).setEndpoint("127.0.0.1:" + (20000 + i)).addModels(MODEL).setCapacity(4)
            .setEngine("simulated").build());
        streams.add(CoordinatorServiceGrpc.newStub(channel).reportHealth(new StreamObserver<HealthAck>() {
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
      ticker.scheduleAtFixedRate(() -> {
        for (int k = 0; k < perTick; k++) {
          int i = next[0]++ % count;
          ThreadLocalRandom r = ThreadLocalRandom.current();
          StreamObserver<HealthUpdate> s = streams.get(i);
          synchronized (s) {
            s.onNext(HealthUpdate.newBuilder().setAgentId("sim-" + i).setSequence(next[0])
                .setRttMs(0.2 + r.nextDouble())
                .setMetrics(SystemMetrics.newBuilder().setCpuPercent(r.nextDouble(100))
                    .setActiveStreams(r.nextInt(4)).setQueueDepth(r.nextInt(2))
                    .setMemoryTotalBytes(32L << 30).setMemoryUsedBytes(r.nextLong(32L << 30)))
                .build());
          }
        }
      }, 10, 10, TimeUnit.MILLISECONDS);
      Thread.sleep(1500);
    }

    @Override
    public void close() {
      ticker.shutdownNow();
      for (int i = 0; i < streams.size(); i++) {
        StreamObserver<HealthUpdate> s = streams.get(i);
        synchronized (s) {
          // Say goodbye as real agents do, so the coordinator does not report lost agents.
          s.onNext(HealthUpdate.newBuilder().setAgentId("sim-" + i)
              .setState(dev.switchboard.titancompute.v1.AgentState.AGENT_STATE_DRAINING).build());
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

  private static void stream(int seconds, int warmup, int clients) throws Exception {
    List<String> pieces = demoPieces();
    try (Coordinator coordinator = Coordinator.builder(Target.tcp("127.0.0.1", 0)).tokenTtl(Duration.ofMinutes(10))
        .build().start();
        Agent agent = Agent.builder(coordinator.target(), "bench-agent").model(MODEL).capacity(clients * 2)
            .engine(InferenceEngine.demo(Duration.ZERO)).heartbeat(Duration.ofSeconds(1)).build().start()) {
      while (!agent.registered()) {
        Thread.sleep(10);
      }
      ManagedChannel coordinatorChannel = SwitchboardChannel.builder(coordinator.target()).plaintext().build();
      InferenceResponse route = CoordinatorServiceGrpc.newBlockingStub(coordinatorChannel).requestInference(
          InferenceRequest.newBuilder().setClientId("bench").setModel(MODEL).setPrompt(PROMPT).build());
      StreamRequest request = StreamRequest.newBuilder().setToken(route.getToken()).setModel(MODEL)
          .setPrompt(PROMPT).setMaxTokens(100).setRequestId(route.getRequestId()).build();

      // The raw stream sends exactly the messages the agent sends, built per call as the agent does.
      MethodDescriptor<StreamRequest, StreamResponse> raw = AgentServiceGrpc.getStreamInferenceMethod().toBuilder()
          .setFullMethodName("bench.RawStream/Stream").build();
      ServerServiceDefinition rawService = ServerServiceDefinition.builder("bench.RawStream")
          .addMethod(raw, ServerCalls.asyncServerStreamingCall((StreamRequest r, StreamObserver<StreamResponse> o) -> {
            for (int i = 0; i < pieces.size(); i++) {
              StreamResponse.Builder m = StreamResponse.newBuilder().setText(pieces.get(i));
              if (i == 0) {
                m.setAgentId("bench-agent");
              }
              o.onNext(m.build());
            }
            o.onNext(StreamResponse.newBuilder().setDone(true).setAgentId("bench-agent")
                .setFinishReason(FinishReason.FINISH_REASON_STOP)
                .setUsage(Usage.newBuilder().setPromptTokens(5).setCompletionTokens(pieces.size())
                    .setTotalTokens(5 + pieces.size())).build());
            o.onCompleted();
          }))
          .build();
      try (SwitchboardServer rawServer = SwitchboardServer.builder(Target.tcp("127.0.0.1", 0))
          .service(rawService).build().start()) {
        ManagedChannel rawChannel = SwitchboardChannel.builder(rawServer.target()).plaintext().build();
        ManagedChannel agentChannel = SwitchboardChannel.builder(Target.parse(agent.endpoint())).plaintext().build();
        int messages = pieces.size() + 1;
        System.out.printf(Locale.ROOT, "stream: %d messages per stream (%d text pieces + final), demo engine without delay%n",
            messages, pieces.size());
        Result base = run("raw server stream", clients, warmup, seconds, () -> drain(
            ClientCalls.blockingServerStreamingCall(rawChannel, raw, io.grpc.CallOptions.DEFAULT, request), messages));
        Result agentRun = run("StreamInference", clients, warmup, seconds, () -> drain(
            AgentServiceGrpc.newBlockingStub(agentChannel).streamInference(request), messages));
        System.out.printf(Locale.ROOT, "stream ratio: %.2fx of the raw server stream (goal >= 0.90x); %.0f vs %.0f messages/s%n",
            agentRun.perSecond / base.perSecond, agentRun.perSecond * messages, base.perSecond * messages);
        rawChannel.shutdownNow();
        agentChannel.shutdownNow();
      }
      coordinatorChannel.shutdownNow();
    }
  }

  private static List<String> demoPieces() throws Exception {
    List<String> pieces = new ArrayList<>();
    InferenceEngine.demo(Duration.ZERO).generate(new GenerationRequest(MODEL, PROMPT, 100, 0.7f, Map.of()),
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

  private record Result(double perSecond, double p50Ms, double p99Ms) {}

  @FunctionalInterface
  private interface Call {
    Object call() throws Exception;
  }

  /** Closed loop: {@code clients} threads call back to back; warm-up first, then measure. */
  private static Result run(String name, int clients, int warmup, int seconds, Call call) throws Exception {
    loop(clients, warmup, call, null);
    long[][] latencies = new long[clients][];
    long started = System.nanoTime();
    long count = loop(clients, seconds, call, latencies);
    double elapsed = (System.nanoTime() - started) / 1e9;
    long[] all = Arrays.stream(latencies).flatMapToLong(Arrays::stream).sorted().toArray();
    Result r = new Result(count / elapsed, all[(int) (all.length * 0.50)] / 1e6,
        all[Math.min(all.length - 1, (int) (all.length * 0.99))] / 1e6);
    System.out.printf(Locale.ROOT, "  %-20s %10.0f calls/s   p50 %7.3f ms   p99 %7.3f ms   (%d calls)%n",
        name, r.perSecond, r.p50Ms, r.p99Ms, count);
    return r;
  }

  private static long loop(int clients, int seconds, Call call, long[][] latencies) throws Exception {
    long end = System.nanoTime() + seconds * 1_000_000_000L;
    AtomicLong total = new AtomicLong();
    CountDownLatch done = new CountDownLatch(clients);
    List<Throwable> errors = new java.util.concurrent.CopyOnWriteArrayList<>();
    for (int t = 0; t < clients; t++) {
      int index = t;
      Thread thread = new Thread(() -> {
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
      }, "bench-client-" + t);
      thread.start();
    }
    done.await();
    if (!errors.isEmpty()) {
      throw new IllegalStateException("benchmark call failed", errors.get(0));
    }
    return total.get();
  }
}
