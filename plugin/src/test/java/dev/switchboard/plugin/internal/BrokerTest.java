package dev.switchboard.plugin.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.plugin.examples.counter.AddHelperGrpc;
import dev.switchboard.plugin.examples.counter.SumRequest;
import dev.switchboard.plugin.examples.counter.SumResponse;
import dev.switchboard.plugin.internal.proto.ConnInfo;
import io.grpc.ManagedChannel;
import io.grpc.ServerServiceDefinition;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * The broker's announcement expiry and dial timeout (go-plugin's {@code timeoutWait} and {@code
 * Dial}), with short timeouts and a timer the test runs by hand instead of waiting 5 s. Two brokers
 * are wired back to back: what {@code announcer} sends reaches {@code dialer.receive}, and the
 * announced servers are real unix-socket gRPC servers.
 */
class BrokerTest {
  private static final Duration DIAL_TIMEOUT = Duration.ofMillis(200);

  @TempDir Path sockets;

  private final List<Runnable> expiries = new ArrayList<>();
  private Broker announcer;
  private Broker dialer;

  @BeforeEach
  void wire() {
    Broker.Timer manual =
        (delay, task) -> {
          assertThat(delay).isEqualTo(Broker.ANNOUNCEMENT_TIMEOUT);
          synchronized (expiries) {
            expiries.add(task);
          }
        };
    announcer = broker(manual);
    dialer = broker(manual);
    announcer.attach(
        new StreamObserver<>() {
          @Override
          public void onNext(ConnInfo info) {
            dialer.receive(info);
          }

          @Override
          public void onError(Throwable t) {}

          @Override
          public void onCompleted() {}
        });
  }

  private Broker broker(Broker.Timer timer) {
    return new Broker(
        Connections.plaintext(sockets, Integer.MAX_VALUE),
        LoggerFactory.getLogger(BrokerTest.class),
        DIAL_TIMEOUT,
        Broker.ANNOUNCEMENT_TIMEOUT,
        timer);
  }

  @AfterEach
  void close() throws IOException {
    announcer.close();
    dialer.close();
    try (Stream<Path> left = Files.list(sockets)) {
      assertThat(left.toList()).as("broker sockets left").isEmpty();
    }
  }

  private void expire() {
    List<Runnable> due;
    synchronized (expiries) {
      due = new ArrayList<>(expiries);
      expiries.clear();
    }
    due.forEach(Runnable::run);
  }

  private static ServerServiceDefinition adder(long offset) {
    return new AddHelperGrpc.AddHelperImplBase() {
      @Override
      public void sum(SumRequest request, StreamObserver<SumResponse> responses) {
        responses.onNext(
            SumResponse.newBuilder().setSum(request.getA() + request.getB() + offset).build());
        responses.onCompleted();
      }
    }.bindService();
  }

  private static long sum(ManagedChannel channel, long a, long b) {
    try {
      return AddHelperGrpc.newBlockingStub(channel)
          .withDeadlineAfter(10, TimeUnit.SECONDS)
          .sum(SumRequest.newBuilder().setA(a).setB(b).build())
          .getSum();
    } finally {
      channel.shutdownNow();
    }
  }

  @Test
  void announcementDialedInTimeReachesItsServerAndLeavesNothingParked() throws Exception {
    int id = announcer.nextId();
    announcer.acceptAndServe(id, List.of(adder(100)));
    assertThat(dialer.pendingCount()).isEqualTo(1);

    assertThat(sum(dialer.dial(id), 40, 2)).isEqualTo(142);
    assertThat(dialer.pendingCount()).isZero();
    expire(); // the expiry of a dialed announcement finds nothing to drop
    assertThat(dialer.pendingCount()).isZero();
  }

  @Test
  void announcementNobodyDialsIsDroppedAfterItsTimeout() throws Exception {
    int id = announcer.nextId();
    announcer.acceptAndServe(id, List.of(adder(0)));
    assertThat(dialer.pendingCount()).isEqualTo(1);

    expire();

    assertThat(dialer.pendingCount()).isZero();
    assertThatThrownBy(() -> dialer.dial(id))
        .isInstanceOf(IOException.class)
        .hasMessage(
            "broker id "
                + id
                + ": timeout waiting for connection info (the other side did not announce the id"
                + " within 200 ms; each announcement serves one dial)");
    assertThat(dialer.pendingCount()).as("a timed-out dial leaves no entry").isZero();
  }

  @Test
  void floodOfUnaskedAnnouncementsIsBoundedByTheTimeout() {
    for (int id = 1; id <= 10_000; id++) {
      dialer.receive(
          ConnInfo.newBuilder()
              .setServiceId(id)
              .setNetwork("unix")
              .setAddress("/nowhere/" + id)
              .build());
    }
    assertThat(dialer.pendingCount()).isEqualTo(10_000);
    expire();
    assertThat(dialer.pendingCount()).isZero();
  }

  @Test
  void dialWaitingForAnIdThatNeverComesFailsAfterItsTimeout() {
    long start = System.nanoTime();
    assertThatThrownBy(() -> dialer.dial(42))
        .isInstanceOf(IOException.class)
        .hasMessageStartingWith("broker id 42: timeout waiting for connection info");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(DIAL_TIMEOUT);
    assertThat(dialer.pendingCount()).isZero();
  }

  @Test
  void dialWaitingWhenTheAnnouncementArrivesGetsIt() throws Exception {
    CompletableFuture<Long> waiting =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return sum(dialer.dial(7), 1, 2);
              } catch (IOException e) {
                throw new IllegalStateException(e);
              }
            });
    // Announce only once the dial is parked, so the dial really waited for it.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (dialer.pendingCount() == 0 && System.nanoTime() < deadline) {
      Thread.onSpinWait();
    }
    announcer.acceptAndServe(7, List.of(adder(1000)));
    assertThat(waiting.get(10, TimeUnit.SECONDS)).isEqualTo(1003);
    assertThat(dialer.pendingCount()).isZero();
  }

  @Test
  void expiryOfAnOldAnnouncementKeepsANewerOneOfTheSameId() throws Exception {
    announcer.acceptAndServe(5, List.of(adder(10)));
    assertThat(sum(dialer.dial(5), 0, 0)).isEqualTo(10);
    List<Runnable> firstExpiry;
    synchronized (expiries) {
      firstExpiry = new ArrayList<>(expiries);
      expiries.clear();
    }

    announcer.acceptAndServe(5, List.of(adder(20)));
    firstExpiry.forEach(Runnable::run);

    assertThat(dialer.pendingCount()).isEqualTo(1);
    assertThat(sum(dialer.dial(5), 0, 0)).isEqualTo(20);
  }

  @Test
  void secondAnnouncementOfAParkedIdIsDroppedAsInGoPlugin() throws Exception {
    announcer.acceptAndServe(9, List.of(adder(1)));
    announcer.acceptAndServe(9, List.of(adder(2)));
    synchronized (expiries) {
      assertThat(expiries).as("one expiry: the second announcement was not parked").hasSize(1);
    }
    assertThat(sum(dialer.dial(9), 0, 0)).isEqualTo(1);
  }

  @Test
  void closeFailsAWaitingDialAtOnceAndDropsParkedAnnouncements() throws Exception {
    dialer.receive(
        ConnInfo.newBuilder().setServiceId(3).setNetwork("unix").setAddress("/nowhere").build());
    CompletableFuture<ManagedChannel> waiting =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return dialer.dial(4);
              } catch (IOException e) {
                throw new IllegalStateException(e.getMessage(), e);
              }
            });
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (dialer.pendingCount() < 2 && System.nanoTime() < deadline) {
      Thread.onSpinWait();
    }
    dialer.close();

    assertThatThrownBy(() -> waiting.get(DIAL_TIMEOUT.toMillis() / 2, TimeUnit.MILLISECONDS))
        .hasMessageContaining("broker id 4: the broker is closed");
    assertThat(dialer.pendingCount()).isZero();
    assertThatThrownBy(() -> dialer.dial(3))
        .isInstanceOf(IOException.class)
        .hasMessage("broker id 3: the broker is closed");
  }
}
