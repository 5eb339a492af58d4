package dev.switchboard.benchmarks.messaging;

import com.google.protobuf.ByteString;
import dev.switchboard.messaging.ConsumerOptions;
import dev.switchboard.messaging.Message;
import dev.switchboard.messaging.Messaging;
import dev.switchboard.messaging.RequestOptions;
import dev.switchboard.messaging.SubscribeOptions;
import dev.switchboard.messaging.Subscription;
import dev.switchboard.runtime.SwitchboardChannel;
import io.grpc.ManagedChannel;
import io.grpc.benchmarks.proto.BenchmarkServiceGrpc;
import io.grpc.benchmarks.proto.Messages.Payload;
import io.grpc.benchmarks.proto.Messages.SimpleRequest;
import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.JetStream;
import io.nats.client.JetStreamSubscription;
import io.nats.client.Nats;
import io.nats.client.PullSubscribeOptions;
import io.nats.client.api.AckPolicy;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.RetentionPolicy;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The embedded hub against nats-server (through jnats) in one run, on loopback, with 16 B and 1 KiB
 * payloads:
 *
 * <ol>
 *   <li>pub/sub, 1 publisher to 1 and to 4 subscribers: messages per second delivered to every
 *       subscriber (hub vs NATS core);
 *   <li>durable work queue, pushes confirmed durable and consumed with an ack (hub with its data
 *       directory vs JetStream file storage);
 *   <li>request/response latency, one request at a time (hub vs NATS request/reply vs a plain unary
 *       gRPC call on our runtime);
 *   <li>dead-peer detection: a consumer holding work is frozen with SIGSTOP, and the time until
 *       another consumer has the work is measured against the 3-interval bound.
 * </ol>
 *
 * Servers run in their own processes ({@link MessagingServers}, nats-server); clients run here.
 * Usage: {@code MessagingSideBySide [--messages=N] [--requests=N] [--detections=N]
 * [--heartbeat-ms=N]}; prints Markdown tables.
 */
public final class MessagingSideBySide {
  private final int messages;
  private final int requests;
  private final int detections;
  private final Duration heartbeat;
  private final Path work;
  private final List<String> scenarios;
  private final int[] sizes;
  private final List<String> serverJvmOptions;
  private final List<Process> processes = new ArrayList<>();
  private String hub = "";
  private String unary = "";
  private String nats = "";
  private long hubPid;
  private long natsPid;

  private MessagingSideBySide(
      int messages,
      int requests,
      int detections,
      Duration heartbeat,
      Path work,
      List<String> scenarios,
      int[] sizes,
      List<String> serverJvmOptions) {
    this.messages = messages;
    this.requests = requests;
    this.detections = detections;
    this.heartbeat = heartbeat;
    this.work = work;
    this.scenarios = scenarios;
    this.sizes = sizes;
    this.serverJvmOptions = serverJvmOptions;
  }

  public static void main(String[] args) throws Exception {
    int messages = 200_000;
    int requests = 5_000;
    int detections = 10;
    long heartbeat = 200;
    List<String> scenarios = List.of("pubsub", "queue", "latency", "detection");
    int[] sizes = {16, 1024};
    List<String> serverJvmOptions = new ArrayList<>();
    for (String arg : args) {
      String[] kv = arg.split("=", 2);
      switch (kv[0]) {
        case "--messages" -> messages = Integer.parseInt(kv[1]);
        case "--requests" -> requests = Integer.parseInt(kv[1]);
        case "--detections" -> detections = Integer.parseInt(kv[1]);
        case "--heartbeat-ms" -> heartbeat = Long.parseLong(kv[1]);
        case "--only" -> scenarios = List.of(kv[1].split(","));
        case "--sizes" ->
            sizes = Arrays.stream(kv[1].split(",")).mapToInt(Integer::parseInt).toArray();
        case "--server-jvm-option" -> serverJvmOptions.add(kv[1]);
        default -> {
          System.err.println(
              "unknown flag "
                  + arg
                  + "; flags: --messages --requests --detections --heartbeat-ms"
                  + " --only=pubsub,queue,latency,detection --sizes=16,1024"
                  + " --server-jvm-option=OPTION (repeatable)");
          System.exit(2);
        }
      }
    }
    MessagingSideBySide bench =
        new MessagingSideBySide(
            messages,
            requests,
            detections,
            Duration.ofMillis(heartbeat),
            Files.createTempDirectory("sb-msg-bench"),
            scenarios,
            sizes,
            serverJvmOptions);
    try {
      bench.run();
    } finally {
      bench.stop();
    }
    System.exit(0);
  }

  private void run() throws Exception {
    System.out.println("load average at start: " + loadAverage());
    startServers();
    for (int size : sizes) {
      ByteString payload = ByteString.copyFrom(new byte[size]);
      System.out.println();
      System.out.printf(Locale.ROOT, "### payload %d B%n%n", size);
      System.out.println(
          "| scenario | hub | NATS | hub / NATS | hub server CPU µs/msg (+ JIT) | nats-server CPU"
              + " µs/msg | hub clients CPU µs/msg | jnats clients CPU µs/msg | load |");
      System.out.println("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
      if (scenarios.contains("pubsub")) {
        for (int subscribers : new int[] {1, 4}) {
          // Warm-ups as long as the measured runs: the hub's JIT compiler otherwise spends more
          // CPU than the messages do, which says nothing about a server that runs for days.
          pubSub(payload, subscribers, messages, true);
          Rate hubRate = pubSub(payload, subscribers, messages, true);
          pubSub(payload, subscribers, messages, false);
          Rate natsRate = pubSub(payload, subscribers, messages, false);
          row("pub/sub 1→" + subscribers + " (msgs/s delivered to each)", hubRate, natsRate);
        }
      }
      if (scenarios.contains("queue")) {
        int queued = Math.max(1000, messages / 4);
        queue(payload, queued, true);
        Rate hubQueue = queue(payload, queued, true);
        queue(payload, queued, false);
        Rate natsQueue = queue(payload, queued, false);
        row("work queue, push confirmed + consume with ack (msgs/s)", hubQueue, natsQueue);
      }
      if (scenarios.contains("latency")) {
        latency(payload);
      }
    }
    if (scenarios.contains("detection")) {
      System.out.println();
      detection(true);
      detection(false);
    }
    System.out.println();
    System.out.println("load average at end: " + loadAverage());
  }

  /**
   * A throughput and the CPU time per message of the server process (without its JIT compiler
   * threads, reported apart as {@code serverJitMicros}) and of this (client) process (without its
   * JIT compiler threads).
   */
  private record Rate(
      double perSecond, double serverCpuMicros, double serverJitMicros, double clientCpuMicros) {

    static Rate of(int count, double seconds, long serverCpu, long serverJit, long clientCpu) {
      return new Rate(
          count / seconds,
          (serverCpu - serverJit) / 1000.0 / count,
          serverJit / 1000.0 / count,
          clientCpu / 1000.0 / count);
    }
  }

  private static void row(String scenario, Rate hub, Rate nats) {
    System.out.printf(
        Locale.ROOT,
        "| %s | %,.0f | %,.0f | **%.2f×** | %.2f (+ %.2f) | %.2f | %.2f | %.2f | %s |%n",
        scenario,
        hub.perSecond(),
        nats.perSecond(),
        hub.perSecond() / nats.perSecond(),
        hub.serverCpuMicros(),
        hub.serverJitMicros(),
        nats.serverCpuMicros(),
        hub.clientCpuMicros(),
        nats.clientCpuMicros(),
        loadAverage());
  }

  // ---- servers ----

  private void startServers() throws Exception {
    Process servers =
        new ProcessBuilder(serverCommand())
            .redirectError(work.resolve("servers.log").toFile())
            .start();
    processes.add(servers);
    hubPid = servers.pid();
    BufferedReader out =
        new BufferedReader(new InputStreamReader(servers.getInputStream(), StandardCharsets.UTF_8));
    // Skips what JVM options print (a flight recording announces itself on stdout).
    while (hub.isEmpty() || unary.isEmpty()) {
      String line = out.readLine();
      if (line == null) {
        throw new IllegalStateException(
            "the servers process ended; see " + work.resolve("servers.log"));
      }
      if (line.startsWith("hub ")) {
        hub = line.substring(4);
      } else if (line.startsWith("unary ")) {
        unary = line.substring(6);
      }
    }
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    Process natsServer =
        new ProcessBuilder(
                "nats-server",
                "-a",
                "127.0.0.1",
                "-p",
                Integer.toString(port),
                "-js",
                "-sd",
                work.resolve("nats").toString())
            .redirectErrorStream(true)
            .redirectOutput(work.resolve("nats.log").toFile())
            .start();
    processes.add(natsServer);
    natsPid = natsServer.pid();
    nats = "nats://127.0.0.1:" + port;
    for (int i = 0; i < 100; i++) {
      try (Connection probe = Nats.connect(nats)) {
        break;
      } catch (IOException notYet) {
        Thread.sleep(100);
      }
    }
    System.out.println(
        "hub "
            + hub
            + " (pid "
            + hubPid
            + "), nats-server "
            + nats
            + " (pid "
            + natsPid
            + "), heartbeat "
            + heartbeat.toMillis()
            + " ms");
  }

  private List<String> serverCommand() {
    // Compiler threads that come and go would take their CPU time with them.
    List<String> command =
        new ArrayList<>(List.of(javaBin(), "-Xmx1g", "-XX:-UseDynamicNumberOfCompilerThreads"));
    command.addAll(serverJvmOptions);
    command.addAll(
        List.of(
            "-cp",
            System.getProperty("java.class.path"),
            MessagingServers.class.getName(),
            work.resolve("hub").toString(),
            Long.toString(heartbeat.toMillis())));
    return command;
  }

  /** Ends the servers gently first, so that a flight recording they run is written out. */
  private void stop() throws InterruptedException {
    for (Process process : processes) {
      process.destroy();
    }
    for (Process process : processes) {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    }
  }

  private static String javaBin() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  private static String loadAverage() {
    return String.format(
        Locale.ROOT, "%.2f", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
  }

  private static long cpuNanos(long pid) {
    return ProcessHandle.of(pid)
        .flatMap(p -> p.info().totalCpuDuration())
        .map(Duration::toNanos)
        .orElse(0L);
  }

  /**
   * CPU time of the process's JIT compiler threads, from /proc (0 where there is none): a warm-up
   * cost that a long-running server does not pay per message.
   */
  private static long jitCpuNanos(long pid) {
    long ticks = 0;
    try (DirectoryStream<Path> tasks =
        Files.newDirectoryStream(Path.of("/proc/" + pid + "/task"))) {
      for (Path task : tasks) {
        try {
          if (!Files.readString(task.resolve("comm")).contains("CompilerThre")) {
            continue;
          }
          String stat = Files.readString(task.resolve("stat"));
          // After "pid (comm) ", utime and stime are the 12th and 13th fields.
          String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ", -1);
          ticks += Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
        } catch (IOException | RuntimeException gone) {
          // the thread ended meanwhile
        }
      }
    } catch (IOException e) {
      return 0;
    }
    return ticks * 10_000_000L; // USER_HZ is 100 on Linux
  }

  /** This process's CPU time without its JIT compiler threads. */
  private static long ownCpuNanos() {
    long pid = ProcessHandle.current().pid();
    return cpuNanos(pid) - jitCpuNanos(pid);
  }

  private Messaging hubClient(String name) {
    return Messaging.builder(hub)
        .plaintext()
        .name(name)
        .heartbeat(heartbeat)
        // A cold client on a busy machine can take seconds to load and connect.
        .connectTimeout(Duration.ofSeconds(30))
        .build();
  }

  // ---- pub/sub ----

  private Rate pubSub(ByteString payload, int subscribers, int count, boolean onHub)
      throws Exception {
    String subject = "bench.ps." + System.nanoTime();
    CountDownLatch done = new CountDownLatch(subscribers);
    List<AutoCloseable> open = new ArrayList<>();
    AtomicLong last = new AtomicLong();
    try {
      for (int s = 0; s < subscribers; s++) {
        AtomicLong got = new AtomicLong();
        if (onHub) {
          Messaging sub = hubClient("sub-" + s);
          open.add(sub);
          sub.subscribe(
              subject,
              SubscribeOptions.builder().bufferSize(1 << 20).build(),
              m -> {
                if (got.addAndGet(1 + m.missedBefore()) == count) {
                  last.set(System.nanoTime());
                  done.countDown();
                }
              });
        } else {
          Connection sub = Nats.connect(nats);
          open.add(sub);
          Dispatcher dispatcher =
              sub.createDispatcher(
                  m -> {
                    if (got.incrementAndGet() == count) {
                      last.set(System.nanoTime());
                      done.countDown();
                    }
                  });
          dispatcher.setPendingLimits(-1, -1);
          dispatcher.subscribe(subject);
          sub.flush(Duration.ofSeconds(5));
        }
      }
      long cpu0 = cpuNanos(onHub ? hubPid : natsPid);
      long jit0 = onHub ? jitCpuNanos(hubPid) : 0;
      long clientCpu0 = ownCpuNanos();
      long start = System.nanoTime();
      if (onHub) {
        Messaging pub = hubClient("pub");
        open.add(pub);
        Message message = Message.of(subject, payload);
        for (int i = 0; i < count; i++) {
          pub.publish(message);
        }
      } else {
        Connection pub = Nats.connect(nats);
        open.add(pub);
        byte[] bytes = payload.toByteArray();
        for (int i = 0; i < count; i++) {
          pub.publish(subject, bytes);
        }
        pub.flush(Duration.ofSeconds(30));
      }
      if (!done.await(120, TimeUnit.SECONDS)) {
        throw new IllegalStateException("pub/sub did not complete: " + (onHub ? "hub" : "nats"));
      }
      double seconds = (last.get() - start) / 1e9;
      long cpu = cpuNanos(onHub ? hubPid : natsPid) - cpu0;
      long jit = onHub ? jitCpuNanos(hubPid) - jit0 : 0;
      return Rate.of(count, seconds, cpu, jit, ownCpuNanos() - clientCpu0);
    } finally {
      for (AutoCloseable closeable : open) {
        closeable.close();
      }
    }
  }

  // ---- work queue ----

  private Rate queue(ByteString payload, int count, boolean onHub) throws Exception {
    String queue = "benchq" + System.nanoTime();
    CountDownLatch consumed = new CountDownLatch(count);
    Semaphore window = new Semaphore(1000);
    long cpu0 = cpuNanos(onHub ? hubPid : natsPid);
    long jit0 = onHub ? jitCpuNanos(hubPid) : 0;
    long clientCpu0 = ownCpuNanos();
    long start = System.nanoTime();
    if (onHub) {
      try (Messaging producer = hubClient("producer");
          Messaging consumer = hubClient("consumer")) {
        consumer.consume(
            queue,
            ConsumerOptions.builder().maxInFlight(256).build(),
            d -> {
              d.ack();
              consumed.countDown();
            });
        Message message = Message.of(queue, payload);
        for (int i = 0; i < count; i++) {
          window.acquire();
          var unused = producer.push(message).whenComplete((v, e) -> window.release());
        }
        if (!consumed.await(300, TimeUnit.SECONDS)) {
          throw new IllegalStateException("hub queue did not drain");
        }
      }
    } else {
      try (Connection producer = Nats.connect(nats);
          Connection consumer = Nats.connect(nats)) {
        String stream = "BENCH_" + queue;
        producer
            .jetStreamManagement()
            .addStream(
                StreamConfiguration.builder()
                    .name(stream)
                    .subjects(queue)
                    .retentionPolicy(RetentionPolicy.WorkQueue)
                    .storageType(StorageType.File)
                    .build());
        producer
            .jetStreamManagement()
            .addOrUpdateConsumer(
                stream,
                ConsumerConfiguration.builder()
                    .durable("bench")
                    .ackPolicy(AckPolicy.Explicit)
                    .build());
        JetStreamSubscription subscription =
            consumer.jetStream().subscribe(null, PullSubscribeOptions.bind(stream, "bench"));
        Thread pull =
            new Thread(
                () -> {
                  while (consumed.getCount() > 0) {
                    for (io.nats.client.Message m :
                        subscription.fetch(256, Duration.ofMillis(200))) {
                      m.ack();
                      consumed.countDown();
                    }
                  }
                });
        pull.setDaemon(true);
        pull.start();
        JetStream js = producer.jetStream();
        byte[] bytes = payload.toByteArray();
        for (int i = 0; i < count; i++) {
          window.acquire();
          CompletableFuture<?> ack = js.publishAsync(queue, bytes);
          var unused = ack.whenComplete((v, e) -> window.release());
        }
        if (!consumed.await(300, TimeUnit.SECONDS)) {
          throw new IllegalStateException("JetStream queue did not drain");
        }
      }
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    long cpu = cpuNanos(onHub ? hubPid : natsPid) - cpu0;
    long jit = onHub ? jitCpuNanos(hubPid) - jit0 : 0;
    return Rate.of(count, seconds, cpu, jit, ownCpuNanos() - clientCpu0);
  }

  // ---- request/response ----

  private void latency(ByteString payload) throws Exception {
    long[] hubTimes;
    long[] natsTimes;
    long[] unaryTimes;
    try (Messaging responder = hubClient("responder");
        Messaging requester = hubClient("requester")) {
      String subject = "bench.rr." + System.nanoTime();
      Subscription unused = responder.respond(subject, "echo", Message::data);
      Message request = Message.of(subject, payload);
      RequestOptions options = RequestOptions.deadline(Duration.ofSeconds(10));
      hubTimes = time(requests, () -> requester.request(request, options));
    }
    try (Connection responder = Nats.connect(nats);
        Connection requester = Nats.connect(nats)) {
      String subject = "bench.rr." + System.nanoTime();
      Dispatcher dispatcher =
          responder.createDispatcher(m -> responder.publish(m.getReplyTo(), m.getData()));
      dispatcher.subscribe(subject, "echo");
      responder.flush(Duration.ofSeconds(5));
      byte[] bytes = payload.toByteArray();
      natsTimes = time(requests, () -> requester.request(subject, bytes, Duration.ofSeconds(10)));
    }
    ManagedChannel channel = SwitchboardChannel.builder(unary).plaintext().build();
    try {
      BenchmarkServiceGrpc.BenchmarkServiceBlockingStub stub =
          BenchmarkServiceGrpc.newBlockingStub(channel);
      SimpleRequest request =
          SimpleRequest.newBuilder().setPayload(Payload.newBuilder().setBody(payload)).build();
      unaryTimes = time(requests, () -> stub.unaryCall(request));
    } finally {
      channel.shutdownNow();
    }
    System.out.printf(
        Locale.ROOT,
        "| request/response p50 / p99 (µs), one at a time | %s | %s | p50 %.2f× NATS, %.2f× unary (%s) | | |%n",
        percentiles(hubTimes),
        percentiles(natsTimes),
        (double) pct(hubTimes, 50) / pct(natsTimes, 50),
        (double) pct(hubTimes, 50) / pct(unaryTimes, 50),
        "unary " + percentiles(unaryTimes));
  }

  @FunctionalInterface
  private interface Call {
    void run() throws Exception;
  }

  private static long[] time(int count, Call call) throws Exception {
    for (int i = 0; i < count / 5; i++) {
      call.run();
    }
    long[] times = new long[count];
    for (int i = 0; i < count; i++) {
      long start = System.nanoTime();
      call.run();
      times[i] = System.nanoTime() - start;
    }
    Arrays.sort(times);
    return times;
  }

  private static long pct(long[] sorted, int p) {
    return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p / 100.0 * sorted.length) - 1)];
  }

  private static String percentiles(long[] sorted) {
    return String.format(Locale.ROOT, "%.0f / %.0f", pct(sorted, 50) / 1e3, pct(sorted, 99) / 1e3);
  }

  // ---- dead-peer detection ----

  private void detection(boolean onHub) throws Exception {
    String address = onHub ? hub : nats;
    String queue = "detect" + System.nanoTime();
    Process holder =
        new ProcessBuilder(
                javaBin(),
                "-Xmx128m",
                "-cp",
                System.getProperty("java.class.path"),
                DetectionPeer.class.getName(),
                address,
                queue,
                Long.toString(heartbeat.toMillis()))
            .redirectError(work.resolve("holder.log").toFile())
            .start();
    processes.add(holder);
    BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader in =
                  new BufferedReader(
                      new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                  lines.add(line);
                }
              } catch (IOException e) {
                // ended
              }
            });
    reader.setDaemon(true);
    reader.start();
    long[] samples = new long[detections];
    try (Messaging producer = client(address, "producer");
        Messaging observer = client(address, "observer")) {
      for (int i = 0; i < detections; i++) {
        producer.push(Message.ofText(queue, "work-" + i)).get(30, TimeUnit.SECONDS);
        String line = lines.poll(60, TimeUnit.SECONDS);
        if (line == null) {
          throw new IllegalStateException(
              "the holder did not take work; see " + work.resolve("holder.log"));
        }
        BlockingQueue<Long> redelivered = new LinkedBlockingQueue<>();
        Subscription watch =
            observer.consume(
                queue,
                ConsumerOptions.defaults(),
                d -> {
                  redelivered.add(System.nanoTime());
                  d.ack();
                });
        signal(holder.pid(), "STOP");
        long frozenAt = System.nanoTime();
        Long at = redelivered.poll(60, TimeUnit.SECONDS);
        watch.close();
        signal(holder.pid(), "CONT");
        if (at == null) {
          throw new IllegalStateException("no redelivery after freezing the holder");
        }
        samples[i] = at - frozenAt;
        // Let the holder's new session settle before the next round.
        Thread.sleep(heartbeat.toMillis() * 4);
      }
    } finally {
      holder.destroyForcibly();
    }
    Arrays.sort(samples);
    System.out.printf(
        Locale.ROOT,
        "dead-peer detection on %s, SIGSTOP → work at another consumer, %d rounds, heartbeat %d ms (bound 3 intervals = %d ms): min %.0f, p50 %.0f, p90 %.0f, max %.0f ms%n",
        onHub ? "the hub" : "NATS",
        detections,
        heartbeat.toMillis(),
        heartbeat.toMillis() * 3,
        samples[0] / 1e6,
        pct(samples, 50) / 1e6,
        pct(samples, 90) / 1e6,
        samples[samples.length - 1] / 1e6);
  }

  private Messaging client(String address, String name) {
    Messaging.Builder builder =
        Messaging.builder(address)
            .name(name)
            .heartbeat(heartbeat)
            .connectTimeout(Duration.ofSeconds(30));
    if (!address.startsWith("nats://")) {
      builder.plaintext();
    }
    return builder.build();
  }

  private static void signal(long pid, String signal) throws IOException, InterruptedException {
    new ProcessBuilder("kill", "-" + signal, Long.toString(pid))
        .start()
        .waitFor(10, TimeUnit.SECONDS);
  }
}
