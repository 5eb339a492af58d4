package dev.switchboard.benchmarks.grpc;

import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Descriptors.MethodDescriptor;
import com.google.protobuf.Descriptors.ServiceDescriptor;
import com.google.protobuf.DynamicMessage;
import dev.switchboard.runtime.DynamicService;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import org.jspecify.annotations.Nullable;

/**
 * {@code grpc.testing.BenchmarkService} as a dynamic service: the same answers as {@link
 * BenchmarkServiceOnStubs}, computed over {@link DynamicMessage}s of a contract loaded at run time.
 *
 * <p>Fields are looked up once, here, by their proto names, so a contract that does not have the
 * shape AsyncClient expects fails at start-up with the missing name instead of on the first call.
 */
final class BenchmarkServiceOnDescriptors {

  static final String SERVICE = "grpc.testing.BenchmarkService";

  private final ServiceDescriptor service;
  private final Descriptor responseType;
  private final FieldDescriptor responseSize;
  private final FieldDescriptor requestResponseType;
  private final FieldDescriptor responsePayload;
  private final Descriptor payloadType;
  private final FieldDescriptor payloadTypeField;
  private final FieldDescriptor payloadBody;
  private final EnumValueDescriptor compressable;
  private final DynamicMessage emptyResponse;
  private final DynamicMessage bothWaysResponse;

  BenchmarkServiceOnDescriptors(ServiceDescriptor service) {
    if (!service.getFullName().equals(SERVICE)) {
      throw new IllegalArgumentException("expected " + SERVICE + ", got " + service.getFullName());
    }
    this.service = service;
    MethodDescriptor unary = method(service, "UnaryCall");
    Descriptor requestType = unary.getInputType();
    this.responseType = unary.getOutputType();
    this.responseSize = field(requestType, "response_size");
    this.requestResponseType = field(requestType, "response_type");
    this.responsePayload = field(responseType, "payload");
    this.payloadType = responsePayload.getMessageType();
    this.payloadTypeField = field(payloadType, "type");
    this.payloadBody = field(payloadType, "body");
    EnumValueDescriptor value = payloadTypeField.getEnumType().findValueByName("COMPRESSABLE");
    if (value == null) {
      throw new IllegalArgumentException(
          payloadTypeField.getEnumType().getFullName() + " has no value COMPRESSABLE");
    }
    this.compressable = value;
    this.emptyResponse = DynamicMessage.getDefaultInstance(responseType);
    this.bothWaysResponse =
        DynamicMessage.newBuilder(responseType)
            .setField(
                responsePayload,
                DynamicMessage.newBuilder(payloadType)
                    .setField(payloadBody, ByteString.copyFrom(new byte[100]))
                    .build())
            .build();
  }

  private static MethodDescriptor method(ServiceDescriptor service, String name) {
    MethodDescriptor method = service.findMethodByName(name);
    if (method == null) {
      throw new IllegalArgumentException(service.getFullName() + " has no method " + name);
    }
    return method;
  }

  private static FieldDescriptor field(Descriptor type, String name) {
    FieldDescriptor field = type.findFieldByName(name);
    if (field == null) {
      throw new IllegalArgumentException(type.getFullName() + " has no field " + name);
    }
    return field;
  }

  DynamicService build() {
    return DynamicService.builder(service)
        .unary(
            "UnaryCall",
            (request, response) -> {
              response.onNext(respond(request));
              response.onCompleted();
            })
        .bidiStreaming(
            "StreamingCall",
            response ->
                new StreamObserver<DynamicMessage>() {
                  @Override
                  public void onNext(DynamicMessage request) {
                    response.onNext(respond(request));
                  }

                  @Override
                  public void onError(Throwable t) {
                    response.onError(t);
                  }

                  @Override
                  public void onCompleted() {
                    response.onCompleted();
                  }
                })
        .clientStreaming(
            "StreamingFromClient",
            response ->
                new StreamObserver<DynamicMessage>() {
                  private @Nullable DynamicMessage last;

                  @Override
                  public void onNext(DynamicMessage request) {
                    last = request;
                  }

                  @Override
                  public void onError(Throwable t) {
                    response.onError(t);
                  }

                  @Override
                  public void onCompleted() {
                    DynamicMessage request = last;
                    if (request == null) {
                      response.onError(
                          Status.FAILED_PRECONDITION
                              .withDescription("never received any requests")
                              .asRuntimeException());
                      return;
                    }
                    response.onNext(respond(request));
                    response.onCompleted();
                  }
                })
        .serverStreaming(
            "StreamingFromServer",
            (request, response) -> sendWhileReady(response, respond(request)))
        .bidiStreaming(
            "StreamingBothWays",
            response -> {
              sendWhileReady(response, bothWaysResponse);
              return new StreamObserver<DynamicMessage>() {
                @Override
                public void onNext(DynamicMessage request) {
                  // The two-sided stream ignores what the client sends, as AsyncServer does.
                }

                @Override
                public void onError(Throwable t) {
                  // The client ends this stream by cancelling it; nothing to clean up.
                }

                @Override
                public void onCompleted() {
                  response.onCompleted();
                }
              };
            })
        .build();
  }

  DynamicMessage respond(DynamicMessage request) {
    int size = (Integer) request.getField(responseSize);
    if (size <= 0) {
      return emptyResponse;
    }
    if (!compressable.equals(request.getField(requestResponseType))) {
      throw Status.INTERNAL
          .withDescription("response_type must be COMPRESSABLE")
          .asRuntimeException();
    }
    return DynamicMessage.newBuilder(responseType)
        .setField(
            responsePayload,
            DynamicMessage.newBuilder(payloadType)
                .setField(payloadTypeField, compressable)
                .setField(payloadBody, ByteString.copyFrom(new byte[size]))
                .build())
        .build();
  }

  private static void sendWhileReady(
      StreamObserver<DynamicMessage> response, DynamicMessage message) {
    if (!(response instanceof ServerCallStreamObserver<DynamicMessage> call)) {
      // Without flow control an endless stream would buffer without bound; refuse instead.
      response.onError(
          Status.UNIMPLEMENTED
              .withDescription("the runtime gives this handler no flow control")
              .asRuntimeException());
      return;
    }
    BenchmarkServiceOnStubs.sendWhileReady(call, message);
  }
}
