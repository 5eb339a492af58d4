package dev.switchboard.benchmarks.grpc;

import com.google.protobuf.ByteString;
import dev.switchboard.contract.ContractException;
import dev.switchboard.contract.ContractLoader;
import dev.switchboard.runtime.SwitchboardChannel;
import dev.switchboard.runtime.SwitchboardServer;
import dev.switchboard.runtime.Target;
import io.grpc.ManagedChannel;
import io.grpc.benchmarks.proto.BenchmarkServiceGrpc;
import io.grpc.benchmarks.proto.Messages.Payload;
import io.grpc.benchmarks.proto.Messages.SimpleRequest;
import io.grpc.benchmarks.proto.Messages.SimpleResponse;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One unary {@code BenchmarkService/UnaryCall} through our runtime over the in-process transport,
 * served from generated stubs or as a dynamic service: the server-side cost of a call with no
 * network in the way, which separates the dynamic service's own overhead from socket noise.
 *
 * <p>The dynamic server parses the benchmark protos at set-up, from {@code -Dbenchmark.protos=DIR}
 * (default {@code benchmarks/target/benchmark-protos}, i.e. run from the repository root). Run:
 * {@code java -jar benchmarks/target/benchmarks.jar InProcessCallBenchmark}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class InProcessCallBenchmark {

  @Param({"stubs", "dynamic"})
  public String server = "stubs";

  /** Response payload size in bytes: AsyncClient's default (0) and a small body. */
  @Param({"0", "1024"})
  public int payloadBytes;

  private SwitchboardServer running = SwitchboardServer.builder("inproc:unset").build();
  private ManagedChannel channel = SwitchboardChannel.builder("inproc:unset").build();
  private BenchmarkServiceGrpc.BenchmarkServiceBlockingStub stub =
      BenchmarkServiceGrpc.newBlockingStub(channel);
  private SimpleRequest request = SimpleRequest.getDefaultInstance();

  @Setup
  public void setUp() throws IOException, ContractException {
    channel.shutdownNow();
    String name = "benchmark-" + UUID.randomUUID();
    SwitchboardServer.Builder builder =
        SwitchboardServer.builder(Target.inProcess(name))
            .executor(BenchmarkServerMain.asyncServerExecutor());
    if (server.equals("stubs")) {
      builder.service(new BenchmarkServiceOnStubs());
    } else {
      Path protos =
          Path.of(System.getProperty("benchmark.protos", "benchmarks/target/benchmark-protos"));
      builder.service(
          new BenchmarkServiceOnDescriptors(
                  ContractLoader.builder()
                      .importPath(protos)
                      .build()
                      .protos(List.of("grpc/testing/services.proto"))
                      .service(BenchmarkServiceOnDescriptors.SERVICE)
                      .orElseThrow())
              .build());
    }
    running = builder.build().start();
    channel = SwitchboardChannel.builder(Target.inProcess(name)).build();
    stub = BenchmarkServiceGrpc.newBlockingStub(channel);
    request =
        SimpleRequest.newBuilder()
            .setResponseSize(payloadBytes)
            .setPayload(Payload.newBuilder().setBody(ByteString.copyFrom(new byte[payloadBytes])))
            .build();
  }

  @TearDown
  public void tearDown() throws InterruptedException {
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    running.shutdown(Duration.ofSeconds(1));
  }

  @Benchmark
  public SimpleResponse unaryCall() {
    return stub.unaryCall(request);
  }
}
