package dev.switchboard.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.DynamicMessage;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.reflection.v1.ServerReflectionGrpc;
import io.grpc.reflection.v1.ServerReflectionRequest;
import io.grpc.reflection.v1.ServerReflectionResponse;
import io.grpc.reflection.v1.ServiceResponse;
import io.grpc.stub.StreamObserver;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Health (check and watch) and reflection (v1 and v1alpha) as a real client sees them. */
class HealthAndReflectionIT {

  private static final String ECHO = "switchboard.runtime.test.Echo";

  @Test
  void healthReportsTheServerAndEachServiceServing() throws Exception {
    try (SwitchboardServer server =
        SwitchboardServer.builder("localhost:0")
            .service(EchoFixtures.dynamicEcho())
            .build()
            .start()) {
      ManagedChannel channel = SwitchboardChannel.builder(server.target()).plaintext().build();
      try {
        HealthGrpc.HealthBlockingStub health = HealthGrpc.newBlockingStub(channel);
        assertThat(health.check(check("")).getStatus()).isEqualTo(ServingStatus.SERVING);
        assertThat(health.check(check(ECHO)).getStatus()).isEqualTo(ServingStatus.SERVING);
        assertThatThrownBy(() -> health.check(check("no.Such")))
            .isInstanceOfSatisfying(
                StatusRuntimeException.class,
                e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND));
      } finally {
        channel.shutdownNow();
      }
    }
  }

  @Test
  void watchSeesStatusChanges() throws Exception {
    try (SwitchboardServer server =
        SwitchboardServer.builder("localhost:0")
            .service(EchoFixtures.dynamicEcho())
            .build()
            .start()) {
      ManagedChannel channel = SwitchboardChannel.builder(server.target()).plaintext().build();
      try {
        BlockingQueue<ServingStatus> seen = new LinkedBlockingQueue<>();
        HealthGrpc.newStub(channel)
            .watch(
                check(ECHO),
                new StreamObserver<>() {
                  @Override
                  public void onNext(HealthCheckResponse value) {
                    seen.add(value.getStatus());
                  }

                  @Override
                  public void onError(Throwable t) {}

                  @Override
                  public void onCompleted() {}
                });
        assertThat(seen.poll(10, TimeUnit.SECONDS)).isEqualTo(ServingStatus.SERVING);
        server.health().setStatus(ECHO, ServingStatus.NOT_SERVING);
        assertThat(seen.poll(10, TimeUnit.SECONDS)).isEqualTo(ServingStatus.NOT_SERVING);
        server.health().clearStatus(ECHO);
        assertThat(seen.poll(10, TimeUnit.SECONDS)).isEqualTo(ServingStatus.SERVICE_UNKNOWN);
      } finally {
        channel.shutdownNow();
      }
    }
  }

  @Test
  void reflectionV1ListsAndDescribesGeneratedAndDynamicServices() throws Exception {
    DynamicService runtimeLoaded = runtimeLoadedService();
    try (SwitchboardServer server =
        SwitchboardServer.builder("localhost:0")
            .service(EchoFixtures.dynamicEcho())
            .service(runtimeLoaded)
            .build()
            .start()) {
      ManagedChannel channel = SwitchboardChannel.builder(server.target()).plaintext().build();
      try {
        ServerReflectionResponse list =
            reflectV1(channel, ServerReflectionRequest.newBuilder().setListServices("").build());
        assertThat(list.getListServicesResponse().getServiceList())
            .extracting(ServiceResponse::getName)
            .containsExactlyInAnyOrder(
                ECHO,
                "loaded.at.runtime.Greeter",
                "grpc.health.v1.Health",
                "grpc.reflection.v1.ServerReflection",
                "grpc.reflection.v1alpha.ServerReflection");

        ServerReflectionResponse file =
            reflectV1(
                channel,
                ServerReflectionRequest.newBuilder()
                    .setFileContainingSymbol("loaded.at.runtime.Greeter")
                    .build());
        List<FileDescriptorProto> files =
            parse(file.getFileDescriptorResponse().getFileDescriptorProtoList());
        assertThat(files).extracting(FileDescriptorProto::getName).contains("loaded/greeter.proto");
        assertThat(files.get(0).getService(0).getMethod(0).getName()).isEqualTo("Hello");

        ServerReflectionResponse echoFile =
            reflectV1(
                channel,
                ServerReflectionRequest.newBuilder()
                    .setFileContainingSymbol(ECHO + ".Bidi")
                    .build());
        assertThat(parse(echoFile.getFileDescriptorResponse().getFileDescriptorProtoList()))
            .extracting(FileDescriptorProto::getName)
            .contains("switchboard/runtime/test/echo.proto");
      } finally {
        channel.shutdownNow();
      }
    }
  }

  @Test
  @SuppressWarnings("deprecation")
  void reflectionV1AlphaAnswersToo() throws Exception {
    try (SwitchboardServer server =
        SwitchboardServer.builder("localhost:0")
            .service(EchoFixtures.dynamicEcho())
            .build()
            .start()) {
      ManagedChannel channel = SwitchboardChannel.builder(server.target()).plaintext().build();
      try {
        CompletableFuture<io.grpc.reflection.v1alpha.ServerReflectionResponse> answer =
            new CompletableFuture<>();
        StreamObserver<io.grpc.reflection.v1alpha.ServerReflectionRequest> requests =
            io.grpc.reflection.v1alpha.ServerReflectionGrpc.newStub(channel)
                .serverReflectionInfo(observer(answer));
        requests.onNext(
            io.grpc.reflection.v1alpha.ServerReflectionRequest.newBuilder()
                .setFileContainingSymbol(ECHO)
                .build());
        requests.onCompleted();
        List<FileDescriptorProto> files =
            parse(
                answer
                    .get(10, TimeUnit.SECONDS)
                    .getFileDescriptorResponse()
                    .getFileDescriptorProtoList());
        assertThat(files)
            .extracting(FileDescriptorProto::getName)
            .contains("switchboard/runtime/test/echo.proto");
      } finally {
        channel.shutdownNow();
      }
    }
  }

  @Test
  void servicesAddedWhileRunningAreServedAndReflected() throws Exception {
    io.grpc.util.MutableHandlerRegistry registry = new io.grpc.util.MutableHandlerRegistry();
    try (SwitchboardServer server =
        SwitchboardServer.builder("inproc:mutable").fallbackRegistry(registry).build().start()) {
      ManagedChannel channel = SwitchboardChannel.builder(server.target()).build();
      try {
        DynamicClient client = DynamicClient.on(channel);
        assertThatThrownBy(() -> client.unary(EchoFixtures.UNARY, EchoFixtures.request("early")))
            .isInstanceOfSatisfying(
                StatusRuntimeException.class,
                e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNIMPLEMENTED));
        registry.addService(EchoFixtures.dynamicEcho().definition());
        server.health().setStatus(ECHO, ServingStatus.SERVING);
        assertThat(
                EchoFixtures.text(client.unary(EchoFixtures.UNARY, EchoFixtures.request("late"))))
            .isEqualTo("late");
        ServerReflectionResponse list =
            reflectV1(channel, ServerReflectionRequest.newBuilder().setListServices("").build());
        assertThat(list.getListServicesResponse().getServiceList())
            .extracting(ServiceResponse::getName)
            .contains(ECHO);
        assertThat(HealthGrpc.newBlockingStub(channel).check(check(ECHO)).getStatus())
            .isEqualTo(ServingStatus.SERVING);
      } finally {
        channel.shutdownNow();
      }
    }
  }

  @Test
  void healthAndReflectionCanBeTurnedOff() throws Exception {
    try (SwitchboardServer server =
        SwitchboardServer.builder("inproc:bare")
            .service(EchoFixtures.dynamicEcho())
            .health(false)
            .reflection(false)
            .build()
            .start()) {
      assertThat(server.services()).containsExactly(ECHO);
      assertThatThrownBy(server::health)
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("health is off");
      ManagedChannel channel = SwitchboardChannel.builder(server.target()).build();
      try {
        assertThatThrownBy(() -> HealthGrpc.newBlockingStub(channel).check(check("")))
            .isInstanceOfSatisfying(
                StatusRuntimeException.class,
                e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNIMPLEMENTED));
      } finally {
        channel.shutdownNow();
      }
    }
  }

  @Test
  void contractsReflectionCannotDescribeTogetherAreRefusedAtBuildTime() throws Exception {
    // The generated echo.proto, and a copy of it loaded under another path: same symbols, two
    // files.
    FileDescriptorProto copy =
        EchoFixtures.SERVICE.getFile().toProto().toBuilder()
            .setName("elsewhere/echo.proto")
            .build();
    FileDescriptor loaded = FileDescriptor.buildFrom(copy, new FileDescriptor[0]);
    DynamicService fromCopy = DynamicService.builder(loaded.findServiceByName("Echo")).build();
    assertThatThrownBy(
            () ->
                SwitchboardServer.builder("inproc:conflict")
                    .service(new EchoFixtures.GeneratedEcho().bindService())
                    .service(renamed(fromCopy))
                    .build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(
            "defined in both switchboard/runtime/test/echo.proto and elsewhere/echo.proto");
    // Without reflection the same services are fine.
    SwitchboardServer.builder("inproc:conflict")
        .service(new EchoFixtures.GeneratedEcho().bindService())
        .service(renamed(fromCopy))
        .reflection(false)
        .build()
        .close();
  }

  /**
   * The service under another gRPC name, so the server accepts both; its schema keeps the copied
   * file.
   */
  private static io.grpc.ServerServiceDefinition renamed(DynamicService service) {
    io.grpc.ServerServiceDefinition definition = service.definition();
    io.grpc.ServiceDescriptor.Builder descriptor =
        io.grpc.ServiceDescriptor.newBuilder("copy.Echo")
            .setSchemaDescriptor(definition.getServiceDescriptor().getSchemaDescriptor());
    io.grpc.ServerServiceDefinition.Builder builder =
        io.grpc.ServerServiceDefinition.builder(descriptor.build());
    return builder.build();
  }

  /**
   * A contract that exists only at run time: built from a FileDescriptorProto, no generated
   * classes.
   */
  private static DynamicService runtimeLoadedService() throws Exception {
    FileDescriptorProto proto =
        FileDescriptorProto.newBuilder()
            .setName("loaded/greeter.proto")
            .setPackage("loaded.at.runtime")
            .setSyntax("proto3")
            .addMessageType(
                com.google.protobuf.DescriptorProtos.DescriptorProto.newBuilder()
                    .setName("Hi")
                    .addField(
                        com.google.protobuf.DescriptorProtos.FieldDescriptorProto.newBuilder()
                            .setName("name")
                            .setNumber(1)
                            .setType(
                                com.google.protobuf.DescriptorProtos.FieldDescriptorProto.Type
                                    .TYPE_STRING)
                            .setLabel(
                                com.google.protobuf.DescriptorProtos.FieldDescriptorProto.Label
                                    .LABEL_OPTIONAL)))
            .addService(
                com.google.protobuf.DescriptorProtos.ServiceDescriptorProto.newBuilder()
                    .setName("Greeter")
                    .addMethod(
                        com.google.protobuf.DescriptorProtos.MethodDescriptorProto.newBuilder()
                            .setName("Hello")
                            .setInputType(".loaded.at.runtime.Hi")
                            .setOutputType(".loaded.at.runtime.Hi")))
            .build();
    FileDescriptor file = FileDescriptor.buildFrom(proto, new FileDescriptor[0]);
    return DynamicService.builder(file.findServiceByName("Greeter"))
        .unary(
            "Hello",
            (DynamicMessage request, StreamObserver<DynamicMessage> response) -> {
              response.onNext(request);
              response.onCompleted();
            })
        .build();
  }

  private static HealthCheckRequest check(String service) {
    return HealthCheckRequest.newBuilder().setService(service).build();
  }

  private static ServerReflectionResponse reflectV1(
      ManagedChannel channel, ServerReflectionRequest request) throws Exception {
    CompletableFuture<ServerReflectionResponse> answer = new CompletableFuture<>();
    StreamObserver<ServerReflectionRequest> requests =
        ServerReflectionGrpc.newStub(channel).serverReflectionInfo(observer(answer));
    requests.onNext(request);
    requests.onCompleted();
    ServerReflectionResponse response = answer.get(10, TimeUnit.SECONDS);
    assertThat(response.hasErrorResponse())
        .as(response.getErrorResponse().getErrorMessage())
        .isFalse();
    return response;
  }

  private static <T> StreamObserver<T> observer(CompletableFuture<T> first) {
    return new StreamObserver<>() {
      @Override
      public void onNext(T value) {
        first.complete(value);
      }

      @Override
      public void onError(Throwable t) {
        first.completeExceptionally(t);
      }

      @Override
      public void onCompleted() {}
    };
  }

  private static List<FileDescriptorProto> parse(List<com.google.protobuf.ByteString> files)
      throws Exception {
    List<FileDescriptorProto> parsed = new java.util.ArrayList<>();
    for (com.google.protobuf.ByteString bytes : files) {
      parsed.add(FileDescriptorProto.parseFrom(bytes));
    }
    return parsed;
  }
}
