package dev.switchboard.runtime;

import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.DynamicMessage;
import dev.switchboard.runtime.test.EchoGrpc;
import dev.switchboard.runtime.test.EchoProto;
import dev.switchboard.runtime.test.EchoRequest;
import dev.switchboard.runtime.test.EchoResponse;
import io.grpc.stub.StreamObserver;
import java.util.ArrayList;
import java.util.List;

/**
 * The Echo contract (src/test/proto) served dynamically and from generated stubs, with message
 * helpers.
 */
final class EchoFixtures {

  static final Descriptors.ServiceDescriptor SERVICE =
      EchoProto.getDescriptor().findServiceByName("Echo");
  static final Descriptors.MethodDescriptor UNARY = SERVICE.findMethodByName("Unary");
  static final Descriptors.MethodDescriptor SERVER_STREAM =
      SERVICE.findMethodByName("ServerStream");
  static final Descriptors.MethodDescriptor CLIENT_STREAM =
      SERVICE.findMethodByName("ClientStream");
  static final Descriptors.MethodDescriptor BIDI = SERVICE.findMethodByName("Bidi");
  static final Descriptor REQUEST = EchoRequest.getDescriptor();
  static final Descriptor RESPONSE = EchoResponse.getDescriptor();

  private EchoFixtures() {}

  static DynamicMessage request(String text) {
    return DynamicMessage.newBuilder(REQUEST)
        .setField(REQUEST.findFieldByName("text"), text)
        .build();
  }

  static DynamicMessage request(String text, int repeat) {
    return request(text).toBuilder().setField(REQUEST.findFieldByName("repeat"), repeat).build();
  }

  static DynamicMessage requestWithPayload(int payloadBytes) {
    return request("payload").toBuilder()
        .setField(REQUEST.findFieldByName("payload"), ByteString.copyFrom(new byte[payloadBytes]))
        .build();
  }

  static DynamicMessage requestForResponseSize(int responseBytes) {
    return request("big").toBuilder()
        .setField(REQUEST.findFieldByName("response_size"), responseBytes)
        .build();
  }

  static DynamicMessage response(String text, int index) {
    return DynamicMessage.newBuilder(RESPONSE)
        .setField(RESPONSE.findFieldByName("text"), text)
        .setField(RESPONSE.findFieldByName("index"), index)
        .build();
  }

  static String text(DynamicMessage message) {
    return (String) message.getField(message.getDescriptorForType().findFieldByName("text"));
  }

  static int index(DynamicMessage message) {
    return (Integer) message.getField(message.getDescriptorForType().findFieldByName("index"));
  }

  /** Echo served by a dynamic service: all four shapes. */
  static DynamicService dynamicEcho() {
    return DynamicService.builder(SERVICE)
        .unary(
            "Unary",
            (request, response) -> {
              int size = (Integer) request.getField(REQUEST.findFieldByName("response_size"));
              DynamicMessage.Builder reply = response(text(request), 0).toBuilder();
              ByteString payload =
                  size > 0
                      ? ByteString.copyFrom(new byte[size])
                      : (ByteString) request.getField(REQUEST.findFieldByName("payload"));
              reply.setField(RESPONSE.findFieldByName("payload"), payload);
              response.onNext(reply.build());
              response.onCompleted();
            })
        .serverStreaming(
            "ServerStream",
            (request, responses) -> {
              int repeat = (Integer) request.getField(REQUEST.findFieldByName("repeat"));
              for (int i = 0; i < repeat; i++) {
                responses.onNext(response(text(request), i));
              }
              responses.onCompleted();
            })
        .clientStreaming(
            "ClientStream",
            response ->
                new StreamObserver<>() {
                  private final List<String> texts = new ArrayList<>();

                  @Override
                  public void onNext(DynamicMessage request) {
                    texts.add(text(request));
                  }

                  @Override
                  public void onError(Throwable t) {}

                  @Override
                  public void onCompleted() {
                    response.onNext(response(String.join(",", texts), texts.size()));
                    response.onCompleted();
                  }
                })
        .bidiStreaming(
            "Bidi",
            responses ->
                new StreamObserver<>() {
                  private int index;

                  @Override
                  public void onNext(DynamicMessage request) {
                    responses.onNext(response(text(request), index++));
                  }

                  @Override
                  public void onError(Throwable t) {}

                  @Override
                  public void onCompleted() {
                    responses.onCompleted();
                  }
                })
        .build();
  }

  /** Echo from generated stubs, unary and server streaming only (the rest stay UNIMPLEMENTED). */
  static final class GeneratedEcho extends EchoGrpc.EchoImplBase {
    @Override
    public void unary(EchoRequest request, StreamObserver<EchoResponse> response) {
      response.onNext(EchoResponse.newBuilder().setText("generated:" + request.getText()).build());
      response.onCompleted();
    }

    @Override
    public void serverStream(EchoRequest request, StreamObserver<EchoResponse> responses) {
      for (int i = 0; i < request.getRepeat(); i++) {
        responses.onNext(EchoResponse.newBuilder().setText(request.getText()).setIndex(i).build());
      }
      responses.onCompleted();
    }
  }

  /** Collects a stream's responses and its end. */
  static final class Recorder implements StreamObserver<DynamicMessage> {
    final List<DynamicMessage> messages = java.util.Collections.synchronizedList(new ArrayList<>());
    final java.util.concurrent.CompletableFuture<io.grpc.Status> done =
        new java.util.concurrent.CompletableFuture<>();

    @Override
    public void onNext(DynamicMessage value) {
      messages.add(value);
    }

    @Override
    public void onError(Throwable t) {
      done.complete(io.grpc.Status.fromThrowable(t));
    }

    @Override
    public void onCompleted() {
      done.complete(io.grpc.Status.OK);
    }

    io.grpc.Status await() throws Exception {
      return done.get(10, java.util.concurrent.TimeUnit.SECONDS);
    }
  }
}
