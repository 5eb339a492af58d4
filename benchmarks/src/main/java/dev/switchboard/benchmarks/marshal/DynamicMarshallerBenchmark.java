package dev.switchboard.benchmarks.marshal;

import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.DescriptorValidationException;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.InvalidProtocolBufferException;
import io.grpc.MethodDescriptor.Marshaller;
import io.grpc.benchmarks.proto.Messages;
import io.grpc.benchmarks.proto.Messages.Payload;
import io.grpc.benchmarks.proto.Messages.SimpleRequest;
import io.grpc.protobuf.ProtoUtils;
import java.io.IOException;
import java.io.InputStream;
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
 * the generated class, directly and through grpc-java's protobuf marshaller (the path every call of
 * a served method takes).
 *
 * <p>The dynamic side uses descriptors rebuilt from the file's {@code FileDescriptorProto}, so they
 * are bound to no generated class, as descriptors loaded from a contract at run time are not.
 * Run: {@code java -jar benchmarks/target/benchmarks.jar DynamicMarshallerBenchmark}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class DynamicMarshallerBenchmark {

  /** Request payload size in bytes: AsyncClient's default (0) and a small body. */
  @Param({"0", "1024"})
  public int payloadBytes;

  private byte[] wire = new byte[0];
  private SimpleRequest generated = SimpleRequest.getDefaultInstance();
  private DynamicMessage dynamic = DynamicMessage.getDefaultInstance(SimpleRequest.getDescriptor());
  private Descriptor dynamicType = SimpleRequest.getDescriptor();
  private Marshaller<SimpleRequest> generatedMarshaller =
      ProtoUtils.marshaller(SimpleRequest.getDefaultInstance());
  private Marshaller<DynamicMessage> dynamicMarshaller =
      ProtoUtils.marshaller(DynamicMessage.getDefaultInstance(SimpleRequest.getDescriptor()));

  @Setup
  public void setUp() throws DescriptorValidationException, InvalidProtocolBufferException {
    generated = SimpleRequest.newBuilder()
        .setResponseSize(payloadBytes)
        .setPayload(Payload.newBuilder().setBody(ByteString.copyFrom(new byte[payloadBytes])))
        .build();
    wire = generated.toByteArray();
    FileDescriptor unbound = FileDescriptor.buildFrom(
        Messages.getDescriptor().toProto(), new FileDescriptor[0]);
    dynamicType = unbound.findMessageTypeByName("SimpleRequest");
    dynamic = DynamicMessage.parseFrom(dynamicType, wire);
    generatedMarshaller = ProtoUtils.marshaller(SimpleRequest.getDefaultInstance());
    dynamicMarshaller = ProtoUtils.marshaller(DynamicMessage.getDefaultInstance(dynamicType));
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
  public SimpleRequest marshallerRoundTripGenerated() throws IOException {
    try (InputStream stream = generatedMarshaller.stream(generated)) {
      return generatedMarshaller.parse(stream);
    }
  }

  @Benchmark
  public DynamicMessage marshallerRoundTripDynamic() throws IOException {
    try (InputStream stream = dynamicMarshaller.stream(dynamic)) {
      return dynamicMarshaller.parse(stream);
    }
  }
}
