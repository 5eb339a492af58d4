package dev.switchboard.benchmarks.grpc;

import com.google.protobuf.Descriptors.ServiceDescriptor;
import dev.switchboard.contract.ContractException;
import dev.switchboard.contract.ContractLoader;
import dev.switchboard.contract.ContractSet;
import dev.switchboard.runtime.SwitchboardServer;
import dev.switchboard.runtime.Target;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinWorkerThread;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Our runtime serving {@code grpc.testing.BenchmarkService}, the counterpart of grpc-java's {@code
 * AsyncServer} in the side-by-side harness. It prints {@code listening on port N} once it serves
 * and runs until it is stopped (SIGTERM or end of its standard input).
 *
 * <pre>
 * --mode=stubs|dynamic     generated stubs, or a dynamic service over the contract below
 * --protos=DIR             dynamic: import path holding grpc/testing/services.proto
 * --descriptor-set=FILE    dynamic: a protoc descriptor set instead of --protos
 * --port=N                 0 (default) takes any free port
 * --executor=forkjoin|runtime
 *                          forkjoin (default): what AsyncServer uses, a ForkJoinPool in async mode
 *                          with one thread per core; runtime: the runtime's own default
 * </pre>
 */
public final class BenchmarkServerMain {

  private static final Set<String> FLAGS =
      Set.of("mode", "protos", "descriptor-set", "port", "executor");

  private BenchmarkServerMain() {}

  public static void main(String[] args) throws Exception {
    SwitchboardServer server;
    try {
      server = start(Flags.parse(args, FLAGS), System.out);
    } catch (IllegalArgumentException | ContractException e) {
      System.err.println("benchmark server: " + e.getMessage());
      System.exit(2);
      return;
    }
    Runtime.getRuntime().addShutdownHook(new Thread(() -> server.shutdown(Duration.ofSeconds(1))));
    // The harness ends a server by closing its stdin or by SIGTERM; either way shut down cleanly.
    while (System.in.read() >= 0) {
      // Discard whatever arrives; only the end of the stream matters.
    }
    server.shutdown(Duration.ofSeconds(1));
    server.awaitTermination();
  }

  static SwitchboardServer start(Flags flags, PrintStream out)
      throws IOException, ContractException {
    String mode = flags.get("mode", "stubs");
    SwitchboardServer.Builder builder =
        SwitchboardServer.builder(Target.tcp("127.0.0.1", flags.getInt("port", 0)));
    switch (mode) {
      case "stubs" -> builder.service(new BenchmarkServiceOnStubs());
      case "dynamic" ->
          builder.service(new BenchmarkServiceOnDescriptors(loadService(flags)).build());
      default ->
          throw new IllegalArgumentException("--mode must be stubs or dynamic, got '" + mode + "'");
    }
    String executor = flags.get("executor", "forkjoin");
    switch (executor) {
      case "forkjoin" -> builder.executor(asyncServerExecutor());
      case "runtime" -> {}
      default ->
          throw new IllegalArgumentException(
              "--executor must be forkjoin or runtime, got '" + executor + "'");
    }
    SwitchboardServer server = builder.build().start();
    out.println("listening on port " + server.port());
    out.flush();
    return server;
  }

  private static ServiceDescriptor loadService(Flags flags) throws ContractException {
    ContractSet contract;
    if (flags.has("descriptor-set")) {
      contract =
          ContractLoader.builder().build().descriptorSet(Path.of(flags.get("descriptor-set", "")));
    } else if (flags.has("protos")) {
      contract =
          ContractLoader.builder()
              .importPath(Path.of(flags.get("protos", "")))
              .build()
              .protos(List.of("grpc/testing/services.proto"));
    } else {
      throw new IllegalArgumentException("--mode=dynamic needs --protos=DIR or --descriptor-set");
    }
    return contract
        .service(BenchmarkServiceOnDescriptors.SERVICE)
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    "the contract has no service " + BenchmarkServiceOnDescriptors.SERVICE));
  }

  /**
   * The executor AsyncServer gives its server: a ForkJoinPool with one thread per core in async
   * (FIFO) mode, daemon threads. Matching it keeps the comparison about the runtime, not the pool.
   */
  static ForkJoinPool asyncServerExecutor() {
    AtomicInteger count = new AtomicInteger();
    return new ForkJoinPool(
        Runtime.getRuntime().availableProcessors(),
        pool -> {
          ForkJoinWorkerThread thread =
              ForkJoinPool.defaultForkJoinWorkerThreadFactory.newThread(pool);
          thread.setDaemon(true);
          thread.setName("benchmark-server-app-" + count.getAndIncrement());
          return thread;
        },
        (thread, e) -> {
          e.printStackTrace();
          System.exit(1);
        },
        true);
  }
}
