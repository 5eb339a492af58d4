package dev.switchboard.benchmarks.marshal;

import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.DescriptorValidationException;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.Descriptors.ServiceDescriptor;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.switchboard.runtime.DynamicService;
import io.grpc.Drainable;
import io.grpc.KnownLength;
import io.grpc.MethodDescriptor.Marshaller;
import io.grpc.benchmarks.proto.BenchmarkServiceGrpc;
import io.grpc.benchmarks.proto.Messages.Payload;
import io.grpc.benchmarks.proto.Messages.SimpleRequest;
import io.grpc.benchmarks.proto.Services;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.HashMap;
import java.util.Map;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * Parsing and serializing a {@code grpc.testing.SimpleRequest} as a {@link DynamicMessage} against
 * the generated class: with protobuf directly, and through the very marshallers a server uses for
 * {@code BenchmarkService/UnaryCall} (the generated stub's, and the one a {@link DynamicService}
 * builds), fed and drained the way grpc-java's transport does (known-length input, drainable
 * output), so no in-process shortcut hands the message object over.
 *
 * <p>The dynamic side uses descriptors rebuilt from the files' {@code FileDescriptorProto}s, bound
 * to no generated class, as descriptors loaded from a contract at run time are. Run: {@code java
 * -jar benchmarks/target/benchmarks.jar DynamicMarshallerBenchmark}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class DynamicMarshallerBenchmark {

  private static final String UNARY = "grpc.testing.BenchmarkService/UnaryCall";

  /** Request payload size in bytes: AsyncClient's default (0) and a small body. */
  @Param({"0", "1024"})
  public int payloadBytes;

  private byte[] wire = new byte[0];
  private SimpleRequest generated = SimpleRequest.getDefaultInstance();
  private DynamicMessage dynamic = DynamicMessage.getDefaultInstance(SimpleRequest.getDescriptor());
  private Descriptor dynamicType = SimpleRequest.getDescriptor();
  private Marshaller<SimpleRequest> generatedMarshaller =
      BenchmarkServiceGrpc.getUnaryCallMethod().getRequestMarshaller();
  private Marshaller<DynamicMessage> dynamicMarshaller = new Unset();
  private final ByteArrayOutputStream sink = new ByteArrayOutputStream();

  @Setup
  @SuppressWarnings("unchecked")
  public void setUp() throws DescriptorValidationException, InvalidProtocolBufferException {
    generated =
        SimpleRequest.newBuilder()
            .setResponseSize(payloadBytes)
            .setPayload(Payload.newBuilder().setBody(ByteString.copyFrom(new byte[payloadBytes])))
            .build();
    wire = generated.toByteArray();
    ServiceDescriptor service =
        unbound(Services.getDescriptor(), new HashMap<>()).findServiceByName("BenchmarkService");
    dynamicType = service.findMethodByName("UnaryCall").getInputType();
    dynamic = DynamicMessage.parseFrom(dynamicType, wire);
    DynamicService dynamicService =
        DynamicService.builder(service)
            .unary("UnaryCall", (request, response) -> response.onCompleted())
            .build();
    dynamicMarshaller =
        (Marshaller<DynamicMessage>)
            dynamicService
                .definition()
                .getMethod(UNARY)
                .getMethodDescriptor()
                .getRequestMarshaller();
  }

  /** A copy of a generated file's descriptors that no generated class is bound to. */
  private static FileDescriptor unbound(FileDescriptor file, Map<String, FileDescriptor> done)
      throws DescriptorValidationException {
    FileDescriptor copy = done.get(file.getName());
    if (copy == null) {
      FileDescriptor[] dependencies = new FileDescriptor[file.getDependencies().size()];
      for (int i = 0; i < dependencies.length; i++) {
        dependencies[i] = unbound(file.getDependencies().get(i), done);
      }
      copy = FileDescriptor.buildFrom(file.toProto(), dependencies);
      done.put(file.getName(), copy);
    }
    return copy;
  }

  @Benchmark
  public SimpleRequest parseGenerated() throws InvalidProtocolBufferException {
    return SimpleRequest.parseFrom(wire);
  }

  @Benchmark
  public DynamicMessage parseDynamic() throws InvalidProtocolBufferException {
    return DynamicMessage.parseFrom(dynamicType, wire);
  }

  @Benchmark
  public byte[] serializeGenerated() {
    return generated.toByteArray();
  }

  @Benchmark
  public byte[] serializeDynamic() {
    return dynamic.toByteArray();
  }

  @Benchmark
  public SimpleRequest marshallerParseGenerated() {
    return generatedMarshaller.parse(new WireStream(wire));
  }

  @Benchmark
  public DynamicMessage marshallerParseDynamic() {
    return dynamicMarshaller.parse(new WireStream(wire));
  }

  @Benchmark
  public int marshallerWriteGenerated() throws IOException {
    return drain(generatedMarshaller.stream(generated));
  }

  @Benchmark
  public int marshallerWriteDynamic() throws IOException {
    return drain(dynamicMarshaller.stream(dynamic));
  }

  /** Writes a marshalled message out as grpc-java's framer does: drained if it can be. */
  private int drain(InputStream stream) throws IOException {
    sink.reset();
    if (stream instanceof Drainable drainable) {
      return drainable.drainTo(sink);
    }
    return (int) stream.transferTo(sink);
  }

  /** A placeholder until {@link #setUp()} runs; JMH always runs it first. */
  private static final class Unset implements Marshaller<DynamicMessage> {
    @Override
    public InputStream stream(DynamicMessage value) {
      throw new IllegalStateException("setUp() has not run");
    }

    @Override
    public DynamicMessage parse(InputStream stream) {
      throw new IllegalStateException("setUp() has not run");
    }
  }

  /** Received bytes as the transport hands them to a marshaller: a stream of known length. */
  private static final class WireStream extends ByteArrayInputStream implements KnownLength {
    WireStream(byte[] bytes) {
      super(bytes);
    }
  }
}
