package dev.switchboard.benchmarks.grpc;

import dev.switchboard.runtime.ExceptionMapper;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.benchmarks.proto.BenchmarkServiceGrpc;
import io.grpc.benchmarks.proto.Messages.SimpleRequest;
import io.grpc.benchmarks.proto.Messages.SimpleResponse;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import java.io.IOException;
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
 * What the exception mapping every {@code SwitchboardServer} installs costs a call that does not
 * fail: one unary {@code BenchmarkService/UnaryCall} over grpc-java's in-process transport with
 * direct executors (so the call itself is as cheap as it gets and the difference shows), served
 * with and without {@link ExceptionMapper#interceptor()}. Run: {@code java -jar
 * benchmarks/target/benchmarks.jar ExceptionMappingBenchmark}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class ExceptionMappingBenchmark {

  @Param({"plain", "mapped"})
  public String server = "plain";

  private Server running = InProcessServerBuilder.forName("unset").build();
  private ManagedChannel channel = InProcessChannelBuilder.forName("unset").build();
  private BenchmarkServiceGrpc.BenchmarkServiceBlockingStub stub =
      BenchmarkServiceGrpc.newBlockingStub(channel);
  private final SimpleRequest request = SimpleRequest.getDefaultInstance();

  @Setup
  public void setUp() throws IOException {
    channel.shutdownNow();
    String name = "exception-mapping-" + UUID.randomUUID();
    ServerServiceDefinition service = new BenchmarkServiceOnStubs().bindService();
    if (server.equals("mapped")) {
      service = ServerInterceptors.intercept(service, ExceptionMapper.defaults().interceptor());
    }
    running =
        InProcessServerBuilder.forName(name).directExecutor().addService(service).build().start();
    channel = InProcessChannelBuilder.forName(name).directExecutor().build();
    stub = BenchmarkServiceGrpc.newBlockingStub(channel);
  }

  @TearDown
  public void tearDown() throws InterruptedException {
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    running.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
  }

  @Benchmark
  public SimpleResponse unaryCall() {
    return stub.unaryCall(request);
  }
}
