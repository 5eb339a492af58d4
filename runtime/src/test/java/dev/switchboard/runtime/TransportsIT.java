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
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Round trips over each transport, and the transport-specific errors and clean-up. */
class TransportsIT {

  @Test
  void tcpOnPortZeroReportsTheBoundPort() throws Exception {
    try (SwitchboardServer server =
        SwitchboardServer.builder("localhost:0").service(EchoFixtures.dynamicEcho()).build()) {
      assertThat(server.port()).isZero();
      server.start();
      assertThat(server.port()).isPositive();
      assertThat(server.target()).isEqualTo(Target.tcp("localhost", server.port()));
      assertRoundTrip(SwitchboardChannel.builder(server.target().toString()).plaintext().build());
    }
  }

  @Test
  void unixSocketRoundTripAndTheSocketFileIsRemovedOnShutdown(@TempDir Path dir) throws Exception {
    Path socket = dir.resolve("echo.sock");
    SwitchboardServer server =
        SwitchboardServer.builder("unix:" + socket)
            .service(EchoFixtures.dynamicEcho())
            .build()
            .start();
    try {
      assertThat(Files.exists(socket)).isTrue();
      assertThat(server.port()).isEqualTo(-1);
      assertThat(server.target().toString()).isEqualTo("unix:" + socket);
      // Unix channels are plaintext by default.
      assertRoundTrip(SwitchboardChannel.builder(server.target()).build());
    } finally {
      server.close();
    }
    assertThat(server.isTerminated()).isTrue();
    assertThat(Files.exists(socket)).isFalse();
  }

  @Test
  void unixSocketPathLongerThanTheOsLimitIsAClearError(@TempDir Path dir) {
    Path tooLong = dir.resolve("x".repeat(120) + ".sock");
    assertThatThrownBy(() -> SwitchboardServer.builder(Target.unix(tooLong)).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("longer than the OS limit of 107")
        .hasMessageContaining(tooLong.toString());
    assertThatThrownBy(() -> SwitchboardChannel.builder(Target.unix(tooLong)).build())
        .hasMessageContaining("longer than the OS limit");
  }

  @Test
  void unixSocketInAMissingDirectoryFailsAtStartNamingTheTarget(@TempDir Path dir) {
    Path socket = dir.resolve("no-such-dir/echo.sock");
    SwitchboardServer server = SwitchboardServer.builder(Target.unix(socket)).build();
    assertThatThrownBy(server::start)
        .isInstanceOf(IOException.class)
        .hasMessageStartingWith("cannot listen on unix:" + socket + ": ");
    assertThat(server.isTerminated()).isTrue();
  }

  @Test
  void aStaleSocketFileIsReplacedButALiveOneIsLeftAlone(@TempDir Path dir) throws Exception {
    Path socket = dir.resolve("stale.sock");
    // A server that died without cleaning up: the socket file stays, nobody listens.
    try (java.nio.channels.ServerSocketChannel dead =
        java.nio.channels.ServerSocketChannel.open(java.net.StandardProtocolFamily.UNIX)) {
      dead.bind(java.net.UnixDomainSocketAddress.of(socket));
    }
    assertThat(Files.exists(socket)).isTrue();
    try (SwitchboardServer server =
        SwitchboardServer.builder(Target.unix(socket))
            .service(EchoFixtures.dynamicEcho())
            .build()
            .start()) {
      SwitchboardServer second = SwitchboardServer.builder(Target.unix(socket)).build();
      assertThatThrownBy(second::start)
          .isInstanceOf(IOException.class)
          .hasMessage(
              "cannot listen on unix:" + socket + ": " + socket + " is in use by another server");
      // The failed second server removed nothing: the first still serves.
      assertRoundTrip(SwitchboardChannel.builder(server.target()).build());
    }
  }

  @Test
  void aRegularFileInTheWayIsNeverReplaced(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("data.sock");
    Files.writeString(file, "precious");
    SwitchboardServer server = SwitchboardServer.builder(Target.unix(file)).build();
    assertThatThrownBy(server::start).hasMessageContaining("exists and is not a socket");
    assertThat(Files.readString(file)).isEqualTo("precious");
  }

  @Test
  void tcpPortInUseFailsAtStartNamingTheTarget() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      SwitchboardServer server =
          SwitchboardServer.builder(Target.tcp("127.0.0.1", taken.getLocalPort())).build();
      assertThatThrownBy(server::start)
          .isInstanceOf(IOException.class)
          .hasMessageContaining("cannot listen on 127.0.0.1:" + taken.getLocalPort())
          .hasMessageContaining("in use");
    }
  }

  @Test
  void aPortRangeBindsTheFirstFreePortAfterTakenOnes() throws Exception {
    InetAddress loopback = InetAddress.getByName("127.0.0.1");
    try (ServerSocket first = new ServerSocket(0, 1, loopback)) {
      int taken = first.getLocalPort();
      // The port after it, taken too if it is free, so the server must skip at least two.
      try (ServerSocket second = occupy(taken + 1, loopback);
          SwitchboardServer server =
              SwitchboardServer.builder("127.0.0.1:0")
                  .portRange(taken, taken + 20)
                  .service(EchoFixtures.dynamicEcho())
                  .build()) {
        assertThat(server.target()).isEqualTo(Target.tcp("127.0.0.1", 0));
        server.start();
        assertThat(server.port()).isBetween(taken + 2, taken + 20);
        assertRoundTrip(SwitchboardChannel.builder(server.target()).plaintext().build());
      }
    }
  }

  @Test
  void aPortRangeWithEveryPortTakenNamesTheRange() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      int port = taken.getLocalPort();
      SwitchboardServer server =
          SwitchboardServer.builder("127.0.0.1:0").portRange(port, port).build();
      assertThatThrownBy(server::start)
          .isInstanceOf(IOException.class)
          .hasMessageStartingWith("cannot listen on 127.0.0.1 in ports " + port + ".." + port)
          .hasMessageContaining("in use");
      assertThat(server.isTerminated()).isTrue();
    }
  }

  @Test
  void aPortRangeNeedsATcpTargetOnPortZeroAndAUsableRange(@TempDir Path dir) {
    assertThatThrownBy(() -> SwitchboardServer.builder("127.0.0.1:8080").portRange(9000, 9001))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("portRange(9000, 9001) needs a TCP target with port 0, not 127.0.0.1:8080");
    assertThatThrownBy(
            () -> SwitchboardServer.builder(Target.unix(dir.resolve("x.sock"))).portRange(1, 2))
        .hasMessageContaining("needs a TCP target with port 0");
    for (int[] range : new int[][] {{0, 10}, {10, 9}, {65535, 65536}, {-1, 5}}) {
      assertThatThrownBy(
              () -> SwitchboardServer.builder("127.0.0.1:0").portRange(range[0], range[1]))
          .as("%d..%d", range[0], range[1])
          .hasMessage(
              "port range " + range[0] + ".." + range[1] + " must be 0..0 or lie within 1..65535");
    }
  }

  @Test
  void headerLimitsAreConfigurableOnBothSides() throws Exception {
    Metadata big = new Metadata();
    big.put(Metadata.Key.of("x-big", Metadata.ASCII_STRING_MARSHALLER), "x".repeat(64 * 1024));
    try (SwitchboardServer defaults =
            SwitchboardServer.builder("127.0.0.1:0")
                .service(EchoFixtures.dynamicEcho())
                .build()
                .start();
        SwitchboardServer roomy =
            SwitchboardServer.builder("127.0.0.1:0")
                .service(EchoFixtures.dynamicEcho())
                .maxInboundMetadataSize(1 << 20)
                .build()
                .start()) {
      ManagedChannel toDefaults = SwitchboardChannel.builder(defaults.target()).plaintext().build();
      ManagedChannel toRoomy = SwitchboardChannel.builder(roomy.target()).plaintext().build();
      try {
        assertThatThrownBy(
                () -> DynamicClient.on(toDefaults).withMetadata(big).unary(UNARY, request("x")))
            .as("64 KiB of headers against the default 8 KiB")
            .isInstanceOf(StatusRuntimeException.class);
        assertThat(text(DynamicClient.on(toRoomy).withMetadata(big).unary(UNARY, request("x"))))
            .isEqualTo("x");
      } finally {
        toDefaults.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        toRoomy.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      }
    }
    assertThatThrownBy(() -> SwitchboardChannel.builder("localhost:1").maxInboundMetadataSize(0))
        .hasMessage("maxInboundMetadataSize must be positive, was 0");
  }

  private static ServerSocket occupy(int port, InetAddress address) throws IOException {
    ServerSocket socket = new ServerSocket();
    try {
      socket.bind(new InetSocketAddress(address, port), 1);
    } catch (IOException inUse) {
      // Someone else holds it: taken all the same.
    }
    return socket;
  }

  @Test
  void inProcessRoundTrip() throws Exception {
    try (SwitchboardServer server =
        SwitchboardServer.builder("inproc:transports-it")
            .service(EchoFixtures.dynamicEcho())
            .build()
            .start()) {
      assertThat(server.port()).isEqualTo(-1);
      assertRoundTrip(SwitchboardChannel.builder("inproc:transports-it").build());
    }
  }

  @Test
  void startTwiceIsAnError() throws Exception {
    try (SwitchboardServer server = SwitchboardServer.builder("inproc:twice").build().start()) {
      assertThatThrownBy(server::start)
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("STARTED");
    }
  }

  @Test
  void duplicateServicesAreRejected() {
    assertThatThrownBy(
            () ->
                SwitchboardServer.builder("inproc:dup")
                    .service(EchoFixtures.dynamicEcho())
                    .service(new EchoFixtures.GeneratedEcho())
                    .build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "service switchboard.runtime.test.Echo is added twice to the server on inproc:dup");
  }

  @Test
  void channelsReleaseTheirEventLoopThreads() throws Exception {
    try (SwitchboardServer server =
        SwitchboardServer.builder("localhost:0")
            .service(EchoFixtures.dynamicEcho())
            .build()
            .start()) {
      ManagedChannel channel = SwitchboardChannel.builder(server.target()).plaintext().build();
      assertThat(text(DynamicClient.on(channel).unary(UNARY, request("x")))).isEqualTo("x");
      assertThat(threadsNamed("switchboard-channel " + server.target())).isPositive();
      channel.shutdown();
      assertThat(channel.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
      assertThat(channel.isTerminated()).isTrue();
      Await.until(
          "the channel's threads to end",
          Duration.ofSeconds(10),
          () -> threadsNamed("switchboard-channel " + server.target()) == 0);
    }
    // close() waits for the groups' termination futures; netty completes those just before the
    // threads themselves return, so the last moment of each thread is awaited, not assumed.
    Await.until(
        "the server's threads to end after close",
        Duration.ofSeconds(10),
        () -> threadsNamed("switchboard-server") == 0);
  }

  private static long threadsNamed(String prefix) {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(thread -> thread.isAlive() && thread.getName().startsWith(prefix))
        .count();
  }

  private static void assertRoundTrip(ManagedChannel channel) throws Exception {
    try {
      DynamicClient client = DynamicClient.on(channel);
      assertThat(text(client.unary(UNARY, request("round trip")))).isEqualTo("round trip");
      EchoFixtures.Recorder recorder = new EchoFixtures.Recorder();
      StreamObserver<DynamicMessage> requests = client.bidiStreaming(BIDI, recorder);
      requests.onNext(request("one"));
      requests.onNext(request("two"));
      requests.onCompleted();
      assertThat(recorder.await()).isEqualTo(Status.OK);
      assertThat(recorder.messages).extracting(EchoFixtures::text).containsExactly("one", "two");
    } finally {
      channel.shutdownNow();
      assertThat(channel.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }
  }
}
