package dev.switchboard.runtime;

import static dev.switchboard.runtime.EchoFixtures.BIDI;
import static dev.switchboard.runtime.EchoFixtures.UNARY;
import static dev.switchboard.runtime.EchoFixtures.request;
import static dev.switchboard.runtime.EchoFixtures.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.DynamicMessage;
import dev.switchboard.testing.Await;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The server survives garbage, vanishing clients and oversized messages, and keeps serving. */
class BadInputIT {

  private static final int SMALL_LIMIT = 64 * 1024;

  /**
   * Bidi streams whose handlers have started and not yet seen an end (error, cancel or completion).
   */
  private final AtomicInteger openStreams = new AtomicInteger();

  private final AtomicInteger streamsEndedByError = new AtomicInteger();
  private SwitchboardServer server;
  private ManagedChannel channel;

  @BeforeEach
  void start() throws Exception {
    DynamicService tracked =
        DynamicService.builder(EchoFixtures.SERVICE)
            .unary(
                "Unary",
                (req, response) -> {
                  response.onNext(EchoFixtures.response(text(req), 0));
                  response.onCompleted();
                })
            .bidiStreaming(
                "Bidi",
                responses -> {
                  openStreams.incrementAndGet();
                  return new StreamObserver<>() {
                    @Override
                    public void onNext(DynamicMessage value) {
                      responses.onNext(EchoFixtures.response(text(value), 0));
                    }

                    @Override
                    public void onError(Throwable t) {
                      streamsEndedByError.incrementAndGet();
                      openStreams.decrementAndGet();
                    }

                    @Override
                    public void onCompleted() {
                      openStreams.decrementAndGet();
                      responses.onCompleted();
                    }
                  };
                })
            .build();
    server =
        SwitchboardServer.builder("127.0.0.1:0")
            .service(tracked)
            .maxInboundMessageSize(SMALL_LIMIT)
            .build()
            .start();
    channel = SwitchboardChannel.builder(server.target()).plaintext().build();
  }

  @AfterEach
  void stop() throws Exception {
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    server.close();
  }

  @Test
  void garbageBytesOnThePortAreDroppedAndTheServerStillServes() throws Exception {
    byte[] garbage = new byte[4096];
    new Random(42).nextBytes(garbage);
    assertThat(writeAndAwaitClose(garbage)).isTrue();

    // A valid HTTP/2 preface followed by nonsense frames.
    byte[] preface = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    byte[] prefaceThenGarbage = new byte[preface.length + garbage.length];
    System.arraycopy(preface, 0, prefaceThenGarbage, 0, preface.length);
    System.arraycopy(garbage, 0, prefaceThenGarbage, preface.length, garbage.length);
    assertThat(writeAndAwaitClose(prefaceThenGarbage)).isTrue();

    // Plain HTTP/1.1, as a browser or curl without --http2 would send.
    assertThat(
            writeAndAwaitClose(
                "GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII)))
        .isTrue();

    assertServes(channel);
  }

  @Test
  void clientsThatOpenStreamsAndShutDownAbruptlyLeaveNoHandlerBehind() throws Exception {
    List<ManagedChannel> doomed = new ArrayList<>();
    for (int c = 0; c < 3; c++) {
      ManagedChannel vanishing = SwitchboardChannel.builder(server.target()).plaintext().build();
      doomed.add(vanishing);
      openEchoedStreams(vanishing, 4);
    }
    assertThat(openStreams.get()).isEqualTo(12);
    for (ManagedChannel vanishing : doomed) {
      vanishing.shutdownNow();
    }
    awaitNoOpenStreams();
    assertThat(streamsEndedByError.get()).isEqualTo(12);
    assertServes(channel);
  }

  @Test
  void clientsWhoseConnectionsAreResetLeaveNoHandlerBehind() throws Exception {
    try (ResettingProxy proxy = new ResettingProxy(server.port())) {
      ManagedChannel viaProxy =
          SwitchboardChannel.builder(Target.tcp("127.0.0.1", proxy.port())).plaintext().build();
      try {
        openEchoedStreams(viaProxy, 5);
        assertThat(openStreams.get()).isEqualTo(5);
        proxy.resetAll();
        awaitNoOpenStreams();
        assertThat(streamsEndedByError.get()).isEqualTo(5);
      } finally {
        viaProxy.shutdownNow();
      }
    }
    assertServes(channel);
  }

  @Test
  void clientsThatGoSilentAreDroppedByKeepaliveAndTheirCallsEnd() throws Exception {
    // A separate server with the fastest keepalive grpc-java allows (it raises shorter times to 10
    // s);
    // this test therefore takes about ten seconds, the price of showing a frozen peer really is
    // dropped.
    AtomicInteger open = new AtomicInteger();
    CountDownLatch ended = new CountDownLatch(1);
    DynamicService service =
        DynamicService.builder(EchoFixtures.SERVICE)
            .bidiStreaming(
                "Bidi",
                responses -> {
                  open.incrementAndGet();
                  ((ServerCallStreamObserver<DynamicMessage>) responses)
                      .setOnCancelHandler(
                          () -> {
                            open.decrementAndGet();
                            ended.countDown();
                          });
                  return new StreamObserver<>() {
                    @Override
                    public void onNext(DynamicMessage value) {
                      responses.onNext(EchoFixtures.response(text(value), 0));
                    }

                    @Override
                    public void onError(Throwable t) {}

                    @Override
                    public void onCompleted() {}
                  };
                })
            .unary(
                "Unary",
                (req, response) -> {
                  response.onNext(EchoFixtures.response(text(req), 0));
                  response.onCompleted();
                })
            .build();
    try (SwitchboardServer watchful =
            SwitchboardServer.builder("127.0.0.1:0")
                .service(service)
                .keepAlive(java.time.Duration.ofSeconds(10), java.time.Duration.ofMillis(500))
                .build()
                .start();
        ResettingProxy proxy = new ResettingProxy(watchful.port())) {
      ManagedChannel viaProxy =
          SwitchboardChannel.builder(Target.tcp("127.0.0.1", proxy.port())).plaintext().build();
      try {
        openEchoedStreams(viaProxy, 1);
        assertThat(open.get()).isEqualTo(1);
        proxy.goSilent();
        // Unanswered pings: the server drops the connection and cancels the call.
        assertThat(ended.await(20, TimeUnit.SECONDS)).as("call ended by keepalive").isTrue();
        assertThat(open.get()).isZero();
      } finally {
        viaProxy.shutdownNow();
      }
      ManagedChannel direct = SwitchboardChannel.builder(watchful.target()).plaintext().build();
      try {
        assertServes(direct);
      } finally {
        direct.shutdownNow();
      }
    }
  }

  @Test
  void requestsOverTheLimitGetResourceExhaustedAndTheServerStillServes() throws Exception {
    DynamicClient client = DynamicClient.on(channel);
    assertThatThrownBy(
            () -> client.unary(UNARY, EchoFixtures.requestWithPayload(SMALL_LIMIT + 1024)))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
              assertThat(e.getStatus().getDescription()).contains(String.valueOf(SMALL_LIMIT));
            });
    // Same connection, next call: still fine.
    assertServes(channel);
  }

  @Test
  void responsesOverTheChannelLimitGetResourceExhausted() throws Exception {
    SwitchboardServer generous =
        SwitchboardServer.builder("127.0.0.1:0")
            .service(EchoFixtures.dynamicEcho())
            .build()
            .start();
    ManagedChannel strict =
        SwitchboardChannel.builder(generous.target())
            .plaintext()
            .maxInboundMessageSize(SMALL_LIMIT)
            .build();
    try {
      DynamicClient client = DynamicClient.on(strict);
      assertThatThrownBy(
              () -> client.unary(UNARY, EchoFixtures.requestForResponseSize(SMALL_LIMIT + 1024)))
          .isInstanceOfSatisfying(
              StatusRuntimeException.class,
              e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED));
      assertThat(text(client.unary(UNARY, request("after")))).isEqualTo("after");
    } finally {
      strict.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      generous.close();
    }
  }

  @Test
  void theDefaultLimitIsSixteenMebibytes() throws Exception {
    try (SwitchboardServer defaults =
        SwitchboardServer.builder("127.0.0.1:0")
            .service(EchoFixtures.dynamicEcho())
            .build()
            .start()) {
      ManagedChannel big = SwitchboardChannel.builder(defaults.target()).plaintext().build();
      try {
        DynamicClient client = DynamicClient.on(big);
        int justUnder = 16 * 1024 * 1024 - 1024;
        DynamicMessage echoed = client.unary(UNARY, EchoFixtures.requestWithPayload(justUnder));
        assertThat(
                ((com.google.protobuf.ByteString)
                        echoed.getField(EchoFixtures.RESPONSE.findFieldByName("payload")))
                    .size())
            .isEqualTo(justUnder);
        assertThatThrownBy(
                () -> client.unary(UNARY, EchoFixtures.requestWithPayload(16 * 1024 * 1024 + 1)))
            .isInstanceOfSatisfying(
                StatusRuntimeException.class,
                e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED));
        assertServes(big);
      } finally {
        big.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      }
    }
  }

  /** Opens bidi streams and waits until each has been echoed once, so the server holds them all. */
  private static void openEchoedStreams(ManagedChannel target, int count)
      throws InterruptedException {
    CountDownLatch echoed = new CountDownLatch(count);
    for (int i = 0; i < count; i++) {
      StreamObserver<DynamicMessage> requests =
          DynamicClient.on(target)
              .bidiStreaming(
                  BIDI,
                  new StreamObserver<>() {
                    @Override
                    public void onNext(DynamicMessage value) {
                      echoed.countDown();
                    }

                    @Override
                    public void onError(Throwable t) {}

                    @Override
                    public void onCompleted() {}
                  });
      requests.onNext(request("hello " + i));
    }
    assertThat(echoed.await(10, TimeUnit.SECONDS)).as("every stream echoed once").isTrue();
  }

  private void awaitNoOpenStreams() {
    Await.until(
        "every handler to close after its client vanished",
        Duration.ofSeconds(10),
        () -> openStreams.get() == 0);
  }

  /** Writes bytes to the server's port and reports whether the server closed the connection. */
  private boolean writeAndAwaitClose(byte[] bytes) throws Exception {
    try (Socket socket = new Socket(InetAddress.getByName("127.0.0.1"), server.port())) {
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      try {
        out.write(bytes);
        out.flush();
      } catch (SocketException e) {
        return true; // already closed on us
      }
      InputStream in = socket.getInputStream();
      byte[] buffer = new byte[1024];
      try {
        while (in.read(buffer) != -1) {
          // The server may answer (a GOAWAY frame) before closing; read until it does.
        }
        return true;
      } catch (SocketException e) {
        return true; // reset by the server: closed as well
      }
    }
  }

  private static void assertServes(ManagedChannel target) {
    assertThat(text(DynamicClient.on(target).unary(UNARY, request("still serving"))))
        .isEqualTo("still serving");
  }
}
