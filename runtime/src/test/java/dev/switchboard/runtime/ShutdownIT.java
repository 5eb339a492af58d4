package dev.switchboard.runtime;

import static dev.switchboard.runtime.EchoFixtures.BIDI;
import static dev.switchboard.runtime.EchoFixtures.UNARY;
import static dev.switchboard.runtime.EchoFixtures.request;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.DynamicMessage;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Graceful shutdown: health flips first, calls in flight drain until the grace ends, the rest are
 * cancelled.
 */
class ShutdownIT {

  @Test
  void drainsCallsThatFinishInTimeAndCancelsTheRest() throws Exception {
    CountDownLatch unaryStarted = new CountDownLatch(1);
    CountDownLatch releaseUnary = new CountDownLatch(1);
    CountDownLatch bidiStarted = new CountDownLatch(1);
    CompletableFuture<Void> bidiCancelledOnServer = new CompletableFuture<>();
    CompletableFuture<Throwable> bidiRequestsSawError = new CompletableFuture<>();
    DynamicService service =
        DynamicService.builder(EchoFixtures.SERVICE)
            .unary(
                "Unary",
                (req, response) -> {
                  unaryStarted.countDown();
                  try {
                    releaseUnary.await(30, TimeUnit.SECONDS);
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                  response.onNext(EchoFixtures.response("finished in grace", 0));
                  response.onCompleted();
                })
            .bidiStreaming(
                "Bidi",
                responses -> {
                  ((ServerCallStreamObserver<DynamicMessage>) responses)
                      .setOnCancelHandler(() -> bidiCancelledOnServer.complete(null));
                  bidiStarted.countDown();
                  return new StreamObserver<>() {
                    @Override
                    public void onNext(DynamicMessage value) {}

                    @Override
                    public void onError(Throwable t) {
                      bidiRequestsSawError.complete(t);
                    }

                    @Override
                    public void onCompleted() {}
                  };
                })
            .build();

    SwitchboardServer server =
        SwitchboardServer.builder("localhost:0").service(service).build().start();
    ManagedChannel channel = SwitchboardChannel.builder(server.target()).plaintext().build();
    try {
      BlockingQueue<ServingStatus> health = new LinkedBlockingQueue<>();
      HealthGrpc.newStub(channel).watch(HealthCheckRequest.getDefaultInstance(), collect(health));
      assertThat(health.poll(10, TimeUnit.SECONDS)).isEqualTo(ServingStatus.SERVING);

      EchoFixtures.Recorder unary = new EchoFixtures.Recorder();
      DynamicCall unaryCall = DynamicClient.on(channel).call(UNARY, unary);
      unaryCall.requests().onNext(request("slow"));
      unaryCall.requests().onCompleted();
      EchoFixtures.Recorder bidi = new EchoFixtures.Recorder();
      DynamicClient.on(channel).bidiStreaming(BIDI, bidi).onNext(request("forever"));
      assertThat(unaryStarted.await(10, TimeUnit.SECONDS)).isTrue();
      assertThat(bidiStarted.await(10, TimeUnit.SECONDS)).isTrue();

      CompletableFuture<Void> shutdown =
          CompletableFuture.runAsync(() -> server.shutdown(Duration.ofSeconds(2)));

      // Health flips at the start of shutdown, while both calls are still running.
      assertThat(health.poll(10, TimeUnit.SECONDS)).isEqualTo(ServingStatus.NOT_SERVING);
      assertThat(unary.done).isNotDone();
      assertThat(shutdown).isNotDone();

      // New connections are refused during the drain.
      ManagedChannel late = SwitchboardChannel.builder(server.target()).plaintext().build();
      try {
        EchoFixtures.Recorder refused = new EchoFixtures.Recorder();
        DynamicClient.on(late)
            .serverStreaming(EchoFixtures.SERVER_STREAM, request("late", 1), refused);
        assertThat(refused.await().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
      } finally {
        late.shutdownNow();
      }

      // The unary call finishes within the grace period and succeeds.
      releaseUnary.countDown();
      assertThat(unary.await()).isEqualTo(Status.OK);
      assertThat(unary.messages)
          .extracting(EchoFixtures::text)
          .containsExactly("finished in grace");

      // The bidi call outlives the grace: it is cancelled on both sides.
      shutdown.get(30, TimeUnit.SECONDS);
      assertThat(server.isTerminated()).isTrue();
      bidiCancelledOnServer.get(10, TimeUnit.SECONDS);
      assertThat(Status.fromThrowable(bidiRequestsSawError.get(10, TimeUnit.SECONDS)).getCode())
          .isEqualTo(Status.Code.CANCELLED);
      assertThat(bidi.await().getCode()).isIn(Status.Code.CANCELLED, Status.Code.UNAVAILABLE);
    } finally {
      channel.shutdownNow();
      server.shutdown(Duration.ZERO);
    }
  }

  @Test
  void awaitTerminationReturnsOnceAnotherThreadShutsDown() throws Exception {
    SwitchboardServer server = SwitchboardServer.builder("inproc:await").build().start();
    CompletableFuture<Void> waiting =
        CompletableFuture.runAsync(
            () -> {
              try {
                server.awaitTermination();
              } catch (InterruptedException e) {
                throw new IllegalStateException(e);
              }
            });
    assertThat(server.awaitTermination(Duration.ofMillis(50))).isFalse();
    assertThat(waiting).isNotDone();
    server.shutdown(Duration.ofSeconds(30));
    waiting.get(10, TimeUnit.SECONDS);
    assertThat(server.awaitTermination(Duration.ZERO)).isTrue();
  }

  @Test
  void shutdownIsIdempotentAndWorksBeforeStart() {
    SwitchboardServer never = SwitchboardServer.builder("localhost:0").build();
    never.close();
    never.close();
    assertThat(never.isTerminated()).isTrue();
  }

  private static StreamObserver<HealthCheckResponse> collect(
      BlockingQueue<ServingStatus> statuses) {
    return new StreamObserver<>() {
      @Override
      public void onNext(HealthCheckResponse value) {
        statuses.add(value.getStatus());
      }

      @Override
      public void onError(Throwable t) {}

      @Override
      public void onCompleted() {}
    };
  }
}
