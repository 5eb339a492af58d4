package dev.switchboard.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.Descriptors.ServiceDescriptor;
import com.google.protobuf.DynamicMessage;
import io.grpc.BindableService;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.ServiceDescriptor.Builder;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.protobuf.ProtoMethodDescriptorSupplier;
import io.grpc.protobuf.ProtoServiceDescriptorSupplier;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.protobuf.services.ProtoReflectionService;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import io.grpc.stub.ServerCalls;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Against real in-process servers running grpc-java's own reflection services. */
class ServerReflectionTest {
  static ContractSet shop;
  private final List<Server> servers = new ArrayList<>();
  private final List<ManagedChannel> channels = new ArrayList<>();

  @BeforeAll
  static void load(@TempDir Path dir) throws Exception {
    shop = ContractSet.link(Protoc.compile(dir, "shop/v1/orders.proto").getFileList());
  }

  @AfterEach
  void stop() throws InterruptedException {
    channels.forEach(ManagedChannel::shutdownNow);
    servers.forEach(Server::shutdownNow);
    for (Server server : servers) {
      server.awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  @Test
  void v1ServerListsServicesAndGivesTheWholeContract() {
    ServerReflection reflection =
        ServerReflection.on(serve(ProtoReflectionServiceV1.newInstance()));

    assertThat(reflection.services())
        .containsExactlyInAnyOrder(
            "shop.v1.Orders", "grpc.health.v1.Health", "grpc.reflection.v1.ServerReflection");
    ContractSet contract = reflection.contract();
    assertThat(contract.services())
        .extracting(ServiceDescriptor::getFullName)
        .containsExactly(
            "grpc.health.v1.Health", "grpc.reflection.v1.ServerReflection", "shop.v1.Orders");
    assertThat(contract.files())
        .extracting(FileDescriptor::getName)
        .doesNotHaveDuplicates()
        .contains(
            "shop/v1/common.proto", "google/protobuf/timestamp.proto", "google/protobuf/any.proto");
    assertThat(contract.message("shop.v1.Order.Item").orElseThrow().toProto())
        .isEqualTo(shop.message("shop.v1.Order.Item").orElseThrow().toProto());
  }

  @Test
  void v1alphaOnlyServerIsReachedByFallingBack() {
    @SuppressWarnings("deprecation")
    BindableService v1alpha = ProtoReflectionService.newInstance();
    ServerReflection reflection = ServerReflection.on(serve(v1alpha));

    assertThat(reflection.services())
        .contains("shop.v1.Orders", "grpc.reflection.v1alpha.ServerReflection");
    ContractSet bySymbol = reflection.symbol("shop.v1.Money");
    assertThat(bySymbol.files())
        .extracting(FileDescriptor::getName)
        .containsExactly("shop/v1/common.proto");
    assertThat(reflection.contract().service("shop.v1.Orders")).isPresent();
  }

  @Test
  void symbolFetchesTheDefiningFileWithItsImports() throws Exception {
    ServerReflection reflection =
        ServerReflection.on(serve(ProtoReflectionServiceV1.newInstance()));

    ContractSet set = reflection.symbol("shop.v1.Orders");

    assertThat(set.method("shop.v1.Orders/GetOrder").getOutputType().getFullName())
        .isEqualTo("shop.v1.Order");
    assertThat(set.files())
        .extracting(FileDescriptor::getName)
        .containsExactlyInAnyOrder(
            "google/protobuf/any.proto",
            "google/protobuf/timestamp.proto",
            "shop/v1/common.proto",
            "shop/v1/orders.proto");
  }

  @Test
  void unknownSymbolIsNotFound() {
    ServerReflection reflection =
        ServerReflection.on(serve(ProtoReflectionServiceV1.newInstance()));

    assertThatThrownBy(() -> reflection.symbol("shop.v1.Nope"))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND));
  }

  @Test
  void serverWithoutReflectionIsUnimplemented() {
    ServerReflection reflection = ServerReflection.on(serve(null));

    assertThatThrownBy(reflection::services)
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNIMPLEMENTED));
  }

  private ManagedChannel serve(BindableService reflectionService) {
    String name = InProcessServerBuilder.generateName();
    InProcessServerBuilder builder =
        InProcessServerBuilder.forName(name)
            .directExecutor()
            .addService(new HealthStatusManager().getHealthService())
            .addService(unimplemented(shop.service("shop.v1.Orders").orElseThrow()));
    if (reflectionService != null) {
      builder.addService(reflectionService);
    }
    try {
      servers.add(builder.build().start());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    ManagedChannel channel = InProcessChannelBuilder.forName(name).directExecutor().build();
    channels.add(channel);
    return channel;
  }

  /** A service described by a loaded descriptor, visible to reflection, answering UNIMPLEMENTED. */
  private static ServerServiceDefinition unimplemented(ServiceDescriptor service) {
    Builder grpcService =
        io.grpc.ServiceDescriptor.newBuilder(service.getFullName())
            .setSchemaDescriptor(
                new ProtoServiceDescriptorSupplier() {
                  @Override
                  public FileDescriptor getFileDescriptor() {
                    return service.getFile();
                  }

                  @Override
                  public ServiceDescriptor getServiceDescriptor() {
                    return service;
                  }
                });
    List<MethodDescriptor<DynamicMessage, DynamicMessage>> methods = new ArrayList<>();
    for (com.google.protobuf.Descriptors.MethodDescriptor method : service.getMethods()) {
      MethodDescriptor<DynamicMessage, DynamicMessage> grpcMethod =
          MethodDescriptor.<DynamicMessage, DynamicMessage>newBuilder()
              .setType(MethodDescriptor.MethodType.UNKNOWN)
              .setFullMethodName(
                  MethodDescriptor.generateFullMethodName(service.getFullName(), method.getName()))
              .setRequestMarshaller(new Marshaller(method.getInputType()))
              .setResponseMarshaller(new Marshaller(method.getOutputType()))
              .setSchemaDescriptor(
                  new ProtoMethodDescriptorSupplier() {
                    @Override
                    public FileDescriptor getFileDescriptor() {
                      return service.getFile();
                    }

                    @Override
                    public ServiceDescriptor getServiceDescriptor() {
                      return service;
                    }

                    @Override
                    public com.google.protobuf.Descriptors.MethodDescriptor getMethodDescriptor() {
                      return method;
                    }
                  })
              .build();
      methods.add(grpcMethod);
      grpcService.addMethod(grpcMethod);
    }
    ServerServiceDefinition.Builder definition =
        ServerServiceDefinition.builder(grpcService.build());
    for (MethodDescriptor<DynamicMessage, DynamicMessage> method : methods) {
      definition.addMethod(
          method,
          ServerCalls.asyncBidiStreamingCall(
              response -> ServerCalls.asyncUnimplementedStreamingCall(method, response)));
    }
    return definition.build();
  }

  private record Marshaller(com.google.protobuf.Descriptors.Descriptor type)
      implements MethodDescriptor.Marshaller<DynamicMessage> {
    @Override
    public InputStream stream(DynamicMessage value) {
      return new ByteArrayInputStream(value.toByteArray());
    }

    @Override
    public DynamicMessage parse(InputStream stream) {
      try {
        return DynamicMessage.parseFrom(type, stream);
      } catch (IOException e) {
        throw Status.INTERNAL.withCause(e).asRuntimeException();
      }
    }
  }
}
