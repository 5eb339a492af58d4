package dev.switchboard.benchmarks.messaging;

import dev.switchboard.messaging.MessagingHub;
import dev.switchboard.runtime.SwitchboardServer;
import io.grpc.benchmarks.proto.BenchmarkServiceGrpc;
import io.grpc.benchmarks.proto.Messages.Payload;
import io.grpc.benchmarks.proto.Messages.SimpleRequest;
import io.grpc.benchmarks.proto.Messages.SimpleResponse;
import io.grpc.stub.StreamObserver;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The Switchboard side of the messaging benchmark, in its own JVM as nats-server is its own
 * process: the embedded hub (durable queues in {@code DATA_DIR}) and, for the plain-unary baseline,
 * a SwitchboardServer echoing {@code grpc.testing.BenchmarkService/UnaryCall}. Prints {@code hub
 * HOST:PORT} and {@code unary HOST:PORT} when ready; runs until killed.
 *
 * <p>Usage: {@code MessagingServers DATA_DIR HEARTBEAT_MILLIS}
 */
public final class MessagingServers {
  private MessagingServers() {}

  public static void main(String[] args) throws Exception {
    MessagingHub hub =
        MessagingHub.builder("127.0.0.1:0")
            .dataDirectory(Path.of(args[0]))
            .heartbeat(Duration.ofMillis(Long.parseLong(args[1])))
            .start();
    SwitchboardServer unary =
        SwitchboardServer.builder("127.0.0.1:0").service(new Echo()).build().start();
    System.out.println("hub " + hub.target());
    System.out.println("unary " + unary.target());
    System.out.flush();
    hub.awaitTermination();
  }

  /** Answers each unary call with the request's payload. */
  private static final class Echo extends BenchmarkServiceGrpc.BenchmarkServiceImplBase {
    @Override
    public void unaryCall(SimpleRequest request, StreamObserver<SimpleResponse> response) {
      response.onNext(
          SimpleResponse.newBuilder()
              .setPayload(Payload.newBuilder().setBody(request.getPayload().getBody()))
              .build());
      response.onCompleted();
    }
  }
}
