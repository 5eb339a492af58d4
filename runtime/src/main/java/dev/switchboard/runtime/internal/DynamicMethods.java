package dev.switchboard.runtime.internal;

import com.google.protobuf.Descriptors;
import com.google.protobuf.DynamicMessage;
import io.grpc.MethodDescriptor;
import io.grpc.MethodDescriptor.MethodType;
import io.grpc.ServerServiceDefinition;
import io.grpc.ServiceDescriptor;
import io.grpc.protobuf.ProtoFileDescriptorSupplier;
import io.grpc.protobuf.ProtoMethodDescriptorSupplier;
import io.grpc.protobuf.ProtoServiceDescriptorSupplier;
import java.util.List;

/**
 * gRPC method and service descriptors made from protobuf descriptors. Their schema descriptors
 * carry the protobuf descriptors, which is how grpc-java's reflection service finds dynamic
 * services.
 */
public final class DynamicMethods {

  private DynamicMethods() {}

  /** The call shape of a protobuf method. */
  public static MethodType typeOf(Descriptors.MethodDescriptor method) {
    if (method.isClientStreaming()) {
      return method.isServerStreaming() ? MethodType.BIDI_STREAMING : MethodType.CLIENT_STREAMING;
    }
    return method.isServerStreaming() ? MethodType.SERVER_STREAMING : MethodType.UNARY;
  }

  /** The full gRPC name {@code package.Service/Method}. */
  public static String fullName(Descriptors.MethodDescriptor method) {
    return MethodDescriptor.generateFullMethodName(
        method.getService().getFullName(), method.getName());
  }

  /**
   * A gRPC method descriptor that marshals {@link DynamicMessage}s of the method's input and output
   * types.
   */
  public static MethodDescriptor<DynamicMessage, DynamicMessage> grpcMethod(
      Descriptors.MethodDescriptor method) {
    return MethodDescriptor.<DynamicMessage, DynamicMessage>newBuilder()
        .setType(typeOf(method))
        .setFullMethodName(fullName(method))
        .setRequestMarshaller(new DynamicMarshaller(method.getInputType()))
        .setResponseMarshaller(new DynamicMarshaller(method.getOutputType()))
        .setSchemaDescriptor(new MethodSchema(method))
        .build();
  }

  /** A gRPC service descriptor for the given methods of a protobuf service. */
  public static ServiceDescriptor grpcService(
      Descriptors.ServiceDescriptor service, List<MethodDescriptor<?, ?>> methods) {
    ServiceDescriptor.Builder builder =
        ServiceDescriptor.newBuilder(service.getFullName())
            .setSchemaDescriptor(new ServiceSchema(service));
    methods.forEach(builder::addMethod);
    return builder.build();
  }

  /** Whether a service definition serves a contract loaded at run time (a dynamic service). */
  public static boolean servesLoadedContract(ServerServiceDefinition service) {
    return service.getServiceDescriptor().getSchemaDescriptor() instanceof ServiceSchema;
  }

  private static final class ServiceSchema
      implements ProtoFileDescriptorSupplier, ProtoServiceDescriptorSupplier {
    private final Descriptors.ServiceDescriptor service;

    ServiceSchema(Descriptors.ServiceDescriptor service) {
      this.service = service;
    }

    @Override
    public Descriptors.FileDescriptor getFileDescriptor() {
      return service.getFile();
    }

    @Override
    public Descriptors.ServiceDescriptor getServiceDescriptor() {
      return service;
    }
  }

  private static final class MethodSchema implements ProtoMethodDescriptorSupplier {
    private final Descriptors.MethodDescriptor method;

    MethodSchema(Descriptors.MethodDescriptor method) {
      this.method = method;
    }

    @Override
    public Descriptors.FileDescriptor getFileDescriptor() {
      return method.getFile();
    }

    @Override
    public Descriptors.ServiceDescriptor getServiceDescriptor() {
      return method.getService();
    }

    @Override
    public Descriptors.MethodDescriptor getMethodDescriptor() {
      return method;
    }
  }
}
