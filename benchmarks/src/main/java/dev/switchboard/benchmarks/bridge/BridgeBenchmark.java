package dev.switchboard.benchmarks.bridge;

import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.MethodDescriptor;
import com.google.protobuf.DynamicMessage;
import com.sun.net.httpserver.HttpServer;
import dev.switchboard.bridge.Bridge;
import dev.switchboard.bridge.BridgeConfig;
import dev.switchboard.bridge.Secret;
import dev.switchboard.bridge.Stub;
import dev.switchboard.bridge.Wave;
import dev.switchboard.bridge.WitTypes;
import dev.switchboard.bridge.WitValue;
import dev.switchboard.contract.ContractSet;
import dev.switchboard.contract.OpenApiContract;
import dev.switchboard.runtime.DynamicClient;
import dev.switchboard.runtime.DynamicService;
import dev.switchboard.runtime.SwitchboardChannel;
import dev.switchboard.runtime.SwitchboardServer;
import dev.switchboard.wit.Binding;
import dev.switchboard.wit.OpenApiTranslator;
import dev.switchboard.wit.ProtoTranslator;
import io.grpc.ManagedChannel;
import io.grpc.benchmarks.proto.Services;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The bridge side by side with its anchors, in one JVM and one run: a WIT-valued call through a
 * {@link Stub} against the same call without the bridge.
 *
 * <ul>
 *   <li>{@code grpc}: {@code grpc.testing.BenchmarkService/UnaryCall} (payload 0 and 1 KiB) on a
 *       local {@link SwitchboardServer}; the anchor is {@link DynamicClient#unary} with a prebuilt
 *       message, the bridge is {@code stub.invoke} with a prebuilt WIT value (checking, conversion
 *       both ways, result mapping included).
 *   <li>{@code http}: the seed's todo {@code create} (POST /todos, JSON, bearer auth) against a
 *       local JDK HTTP server; the anchor is the bare {@link HttpClient} sending a prebuilt request
 *       with the same bytes and headers, the bridge is {@code stub.invoke} (validation, JSON both
 *       ways, headers into the result).
 * </ul>
 *
 * <p>Usage: {@code java -cp benchmarks/target/benchmarks.jar
 * dev.switchboard.benchmarks.bridge.BridgeBenchmark grpc|http [SECONDS] [ROUNDS] [THREADS]}. Each
 * round runs the anchor and the bridge one after the other (alternating which goes first) for
 * SECONDS with THREADS callers; medians of calls per second and of process CPU per call are
 * reported with their ratio. Client and server share the JVM, so CPU per call covers both ends
 * alike.
 */
public final class BridgeBenchmark {
  private BridgeBenchmark() {}

  /** One side of the comparison: makes one call. */
  private interface Side {
    void call() throws Exception;
  }

  public static void main(String[] args) throws Exception {
    // The JDK server otherwise waits for the client's delayed ACK between a response's headers and
    // body (Nagle), which would make every call take 40 ms on both sides alike.
    System.setProperty("sun.net.httpserver.nodelay", "true");
    String mode = args.length > 0 ? args[0] : "grpc";
    int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
    int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 5;
    int threads = args.length > 3 ? Integer.parseInt(args[3]) : 4;
    System.out.printf(
        "load average at start: %.2f%n",
        ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    if (mode.equals("grpc")) {
      for (int payload : new int[] {0, 1024}) {
        grpc(payload, seconds, rounds, threads);
      }
    } else {
      http(seconds, rounds, threads);
    }
  }

  private static void grpc(int payload, int seconds, int rounds, int threads) throws Exception {
    ContractSet set = ContractSet.of(List.of(Services.getDescriptor()));
    Binding binding =
        ProtoTranslator.withVersion("1.0.0").translate(List.of(Services.getDescriptor()));
    WitTypes types = WitTypes.of(binding, set);
    MethodDescriptor unary = set.method("grpc.testing.BenchmarkService/UnaryCall");
    Descriptor request = unary.getInputType();
    Descriptor response = unary.getOutputType();
    DynamicMessage responseMessage =
        DynamicMessage.newBuilder(response)
            .setField(
                response.findFieldByName("payload"),
                DynamicMessage.newBuilder(response.findFieldByName("payload").getMessageType())
                    .setField(
                        response
                            .findFieldByName("payload")
                            .getMessageType()
                            .findFieldByName("body"),
                        ByteString.copyFrom(new byte[payload]))
                    .build())
            .build();
    SwitchboardServer server =
        SwitchboardServer.builder("localhost:0")
            .service(
                DynamicService.builder(unary.getService())
                    .unary(
                        "UnaryCall",
                        (req, out) -> {
                          out.onNext(responseMessage);
                          out.onCompleted();
                        })
                    .build())
            .build()
            .start();
    String target = "localhost:" + server.port();
    ManagedChannel channel = SwitchboardChannel.builder(target).plaintext().build();
    DynamicClient client = DynamicClient.on(channel).withDeadline(java.time.Duration.ofSeconds(30));
    DynamicMessage prebuilt =
        DynamicMessage.newBuilder(request)
            .setField(request.findFieldByName("response_size"), payload)
            .setField(
                request.findFieldByName("payload"),
                DynamicMessage.newBuilder(request.findFieldByName("payload").getMessageType())
                    .setField(
                        request.findFieldByName("payload").getMessageType().findFieldByName("body"),
                        ByteString.copyFrom(new byte[payload]))
                    .build())
            .build();
    Stub stub =
        Bridge.open(
            types,
            BridgeConfig.builder()
                .target(target)
                .plaintext()
                .timeout(java.time.Duration.ofSeconds(30))
                .build());
    WitTypes.Function fn = types.function("benchmark-service.unary-call");
    // The same request as a WIT value, by way of its proto3 JSON.
    WitValue value =
        dev.switchboard.bridge.WitJson.of(types)
            .parse(
                fn.function().params().get(0).type(),
                com.google.protobuf.util.JsonFormat.printer().print(prebuilt));
    try {
      compare(
          "gRPC unary, payload " + payload + " B",
          () -> client.unary(unary, prebuilt),
          () -> {
            WitValue.ResultValue r = stub.invoke("benchmark-service.unary-call", value);
            if (!r.isOk()) {
              throw new IllegalStateException(Wave.print(r));
            }
          },
          seconds,
          rounds,
          threads);
    } finally {
      stub.close();
      channel.shutdownNow();
      server.close();
    }
  }

  private static void http(int seconds, int rounds, int threads) throws Exception {
    byte[] reply =
        ("{\"data\":{\"id\":\"497f6eca-6276-4993-bfeb-53cbbbba6f08\",\"title\":\"Buy milk\","
                + "\"completed\":false,\"userId\":\"u1\",\"createdAt\":\"2025-01-31T12:00:00Z\","
                + "\"updatedAt\":\"2025-01-31T12:00:00Z\"}}")
            .getBytes(StandardCharsets.UTF_8);
    HttpServer server =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 256);
    server.setExecutor(Executors.newFixedThreadPool(4));
    server.createContext(
        "/todos",
        x -> {
          x.getRequestBody().readAllBytes();
          x.getResponseHeaders().add("Content-Type", "application/json");
          x.getResponseHeaders().add("ETag", "\"v1\"");
          x.getResponseHeaders().add("Location", "/todos/497f6eca-6276-4993-bfeb-53cbbbba6f08");
          x.getResponseHeaders().add("X-Request-ID", "r-1");
          x.sendResponseHeaders(201, reply.length);
          x.getResponseBody().write(reply);
          x.close();
        });
    server.start();
    URI base = URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    String document;
    try (InputStream in = BridgeBenchmark.class.getResourceAsStream("/bridge/todo-openapi.yaml")) {
      document = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    WitTypes types =
        WitTypes.of(
            OpenApiTranslator.create()
                .translate(OpenApiContract.parse(document, "todo-openapi.yaml")));
    Stub stub =
        Bridge.open(
            types, BridgeConfig.builder().baseUrl(base).bearerToken(Secret.of("t0k3n")).build());
    WitTypes.Function create = types.function("todos-collection.create");
    WitValue request =
        types.check(
            create.function().params().get(0).type(),
            Wave.parse(
                types,
                create.function().params().get(0).type(),
                "{auth: {token: \"t0k3n\", scheme: \"Bearer\"}, title: \"Buy milk\","
                    + " description: some(\"2 litres\"), user-id: \"u1\"}"),
            "request");
    HttpClient bare = HttpClient.newBuilder().build();
    HttpRequest prebuilt =
        HttpRequest.newBuilder(base.resolve("/todos"))
            .version(HttpClient.Version.HTTP_1_1)
            // the stub gives every request its call timeout; so does the anchor, for the same work
            .timeout(java.time.Duration.ofSeconds(30))
            .header("Authorization", "Bearer t0k3n")
            .header("Accept", "application/json, application/problem+json")
            .header("Content-Type", "application/json")
            .POST(
                HttpRequest.BodyPublishers.ofString(
                    "{\"title\":\"Buy milk\",\"description\":\"2 litres\",\"userId\":\"u1\"}"))
            .build();
    try {
      compare(
          "HTTP POST /todos (JSON)",
          () -> {
            HttpResponse<byte[]> r = bare.send(prebuilt, HttpResponse.BodyHandlers.ofByteArray());
            if (r.statusCode() != 201) {
              throw new IllegalStateException("status " + r.statusCode());
            }
          },
          () -> {
            WitValue.ResultValue r = stub.invoke("todos-collection.create", request);
            if (!r.isOk()) {
              throw new IllegalStateException(Wave.print(r));
            }
          },
          seconds,
          rounds,
          threads);
    } finally {
      stub.close();
      server.stop(0);
      ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
    }
  }

  private record Result(double callsPerSecond, double cpuMicrosPerCall) {}

  private static void compare(
      String name, Side anchor, Side bridge, int seconds, int rounds, int threads)
      throws Exception {
    // warm-up, both sides
    run(anchor, Math.max(2, seconds / 2), threads);
    run(bridge, Math.max(2, seconds / 2), threads);
    List<Double> anchorRate = new ArrayList<>();
    List<Double> bridgeRate = new ArrayList<>();
    List<Double> anchorCpu = new ArrayList<>();
    List<Double> bridgeCpu = new ArrayList<>();
    for (int i = 0; i < rounds; i++) {
      boolean anchorFirst = i % 2 == 0;
      for (int side = 0; side < 2; side++) {
        boolean isAnchor = (side == 0) == anchorFirst;
        Result r = run(isAnchor ? anchor : bridge, seconds, threads);
        (isAnchor ? anchorRate : bridgeRate).add(r.callsPerSecond());
        (isAnchor ? anchorCpu : bridgeCpu).add(r.cpuMicrosPerCall());
      }
    }
    double ar = median(anchorRate);
    double br = median(bridgeRate);
    double ac = median(anchorCpu);
    double bc = median(bridgeCpu);
    System.out.printf(
        "%s, %d threads, %d rounds of %d s (medians):%n", name, threads, rounds, seconds);
    System.out.printf("  anchor: %,10.0f calls/s  %7.1f µs CPU/call%n", ar, ac);
    System.out.printf("  bridge: %,10.0f calls/s  %7.1f µs CPU/call%n", br, bc);
    System.out.printf(
        "  bridge/anchor: throughput %.2f×, CPU per call %.2f×; load average now %.2f%n",
        br / ar, bc / ac, ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
  }

  private static Result run(Side side, int seconds, int threads) throws Exception {
    com.sun.management.OperatingSystemMXBean os =
        (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    AtomicBoolean stop = new AtomicBoolean();
    AtomicLong calls = new AtomicLong();
    AtomicLong failures = new AtomicLong();
    List<Thread> workers = new ArrayList<>();
    long cpu0 = os.getProcessCpuTime();
    long t0 = System.nanoTime();
    for (int i = 0; i < threads; i++) {
      Thread t =
          new Thread(
              () -> {
                while (!stop.get()) {
                  try {
                    side.call();
                    calls.incrementAndGet();
                  } catch (Exception e) {
                    // a pooled connection the server closed while idle: counted, not fatal
                    failures.incrementAndGet();
                  }
                }
              });
      t.start();
      workers.add(t);
    }
    TimeUnit.SECONDS.sleep(seconds);
    stop.set(true);
    for (Thread t : workers) {
      t.join();
    }
    long nanos = System.nanoTime() - t0;
    long cpu = os.getProcessCpuTime() - cpu0;
    long n = calls.get();
    if (failures.get() > 0) {
      System.out.printf("  (%d failed calls in this round, not counted)%n", failures.get());
    }
    return new Result(n / (nanos / 1e9), cpu / 1e3 / n);
  }

  private static double median(List<Double> values) {
    List<Double> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    return sorted.get(sorted.size() / 2);
  }
}
