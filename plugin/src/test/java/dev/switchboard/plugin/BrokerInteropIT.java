package dev.switchboard.plugin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.plugin.examples.CounterPlugin;
import dev.switchboard.plugin.examples.counter.AddHelperGrpc;
import dev.switchboard.plugin.examples.counter.CounterGrpc;
import dev.switchboard.plugin.examples.counter.GetRequest;
import dev.switchboard.plugin.examples.counter.OfferRequest;
import dev.switchboard.plugin.examples.counter.PutRequest;
import dev.switchboard.plugin.examples.counter.SumRequest;
import dev.switchboard.plugin.examples.counter.SumResponse;
import dev.switchboard.testing.Await;
import dev.switchboard.testing.PeerPrograms;
import dev.switchboard.testing.TestProcess;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.net.ConnectException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Broker callbacks with a real go-plugin 1.0.1 peer on the other end, in go-plugin's
 * examples/bidirectional shape ({@code src/examples/proto/counter.proto}): for every Counter.Put
 * the host serves AddHelper under a new broker id (NextId + AcceptAndServe, announced over
 * plugin.GRPCBroker/StartStream) and the plugin dials that id and asks the host for the sum. The
 * totals can only be right if every callback reached the host's AddHelper, and the host's record of
 * the Sum calls it served is asserted too.
 *
 * <p>Every run keeps its sockets in a temp dir (TMPDIR for go-plugin, PLUGIN_UNIX_SOCKET_DIR for
 * ours), which must be empty afterwards, and no plugin process may outlive its host.
 */
class BrokerInteropIT {
  private static final String JAVA_PLUGIN = CounterPlugin.class.getName();

  private static TestProcess.Result goHostWithJavaPlugin(
      boolean mtls, Path sockets, String... flags) throws Exception {
    List<String> command = new ArrayList<>(List.of(Peers.goCounterHost().toString()));
    if (mtls) {
      command.add("-mtls");
    }
    command.addAll(List.of(flags));
    command.addAll(
        List.of("-n", "8", "-cmd", String.join(" ", PeerPrograms.javaMain(JAVA_PLUGIN))));
    // go-plugin 1.0.1 puts its broker sockets in TMPDIR; the Java plugin inherits the environment
    // and puts its own socket and broker sockets in PLUGIN_UNIX_SOCKET_DIR.
    return TestProcess.builder(command)
        .env(Map.of("TMPDIR", sockets.toString(), "PLUGIN_UNIX_SOCKET_DIR", sockets.toString()))
        .run(Duration.ofSeconds(120));
  }

  private static void assertGoHostScenario(TestProcess.Result result) {
    assertThat(result.output())
        .as("the Go host's report")
        .contains(
            "HOST SUM 0 5 = 5",
            "OK put clicks 5 total 5",
            "HOST SUM 5 7 = 12",
            "OK put clicks 7 total 12",
            "HOST SUM 12 -2 = 10",
            "OK put clicks -2 total 10",
            "OK get clicks 10",
            "OK concurrent 8",
            // 3 sequential + 8 concurrent Puts, each answered by one callback into the Go host.
            "OK host served 11 sums")
        .doesNotContain("ERROR");
    assertThat(result.exitCode()).as(result.output()).isZero();
  }

  @Test
  void goHostLoadsJavaPluginThatCallsBackThroughTheBrokerWithAutoMtls(@TempDir Path sockets)
      throws Exception {
    TestProcess.Result result = goHostWithJavaPlugin(true, sockets);
    assertGoHostScenario(result);
    assertNothingLeft(sockets);
  }

  @Test
  void goHostLoadsJavaPluginThatCallsBackThroughTheBrokerInPlaintext(@TempDir Path sockets)
      throws Exception {
    TestProcess.Result result = goHostWithJavaPlugin(false, sockets);
    assertGoHostScenario(result);
    assertNothingLeft(sockets);
  }

  @Test
  void javaHostLoadsGoPluginThatCallsBackThroughTheBroker(@TempDir Path sockets) throws Exception {
    List<long[]> served = new ArrayList<>();
    AddHelperGrpc.AddHelperImplBase adder =
        new AddHelperGrpc.AddHelperImplBase() {
          @Override
          public void sum(SumRequest request, StreamObserver<SumResponse> responses) {
            synchronized (served) {
              served.add(new long[] {request.getA(), request.getB()});
            }
            responses.onNext(
                SumResponse.newBuilder().setSum(request.getA() + request.getB()).build());
            responses.onCompleted();
          }
        };
    long pid;
    // go-plugin 1.0.1 fails to dial a host broker server under AutoMTLS (see below).
    try (PluginClient client = startGoCounterPlugin(false, sockets)) {
      pid = client.pid();
      CounterGrpc.CounterBlockingStub counter =
          client.stub(CounterGrpc::newBlockingStub).withDeadlineAfter(60, TimeUnit.SECONDS);
      PluginBroker broker = client.broker();

      long[][] steps = {{5, 5}, {7, 12}, {-2, 10}};
      for (long[] step : steps) {
        int id = broker.nextId();
        try (AutoCloseable helper = broker.acceptAndServe(id, List.of(adder.bindService()))) {
          long total =
              counter
                  .put(
                      PutRequest.newBuilder()
                          .setKey("clicks")
                          .setValue(step[0])
                          .setAddHelperId(id)
                          .build())
                  .getTotal();
          assertThat(total).as("total after Put(clicks, %d)", step[0]).isEqualTo(step[1]);
        }
      }
      assertThat(counter.get(GetRequest.newBuilder().setKey("clicks").build()).getTotal())
          .isEqualTo(10);
      synchronized (served) {
        assertThat(served)
            .containsExactly(new long[] {0, 5}, new long[] {5, 7}, new long[] {12, -2});
      }

      // Eight Puts at once, each with its own broker id and server: every Dial must find its own.
      ExecutorService pool = Executors.newFixedThreadPool(8);
      try {
        List<CompletableFuture<Long>> totals = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
          int value = 100 + i;
          String key = "k" + i;
          totals.add(
              CompletableFuture.supplyAsync(
                  () -> {
                    int id = broker.nextId();
                    try (AutoCloseable helper =
                        broker.acceptAndServe(id, List.of(adder.bindService()))) {
                      return counter
                          .put(
                              PutRequest.newBuilder()
                                  .setKey(key)
                                  .setValue(value)
                                  .setAddHelperId(id)
                                  .build())
                          .getTotal();
                    } catch (Exception e) {
                      throw new IllegalStateException(key + ": " + e, e);
                    }
                  },
                  pool));
        }
        for (int i = 0; i < 8; i++) {
          assertThat(totals.get(i).get(60, TimeUnit.SECONDS)).isEqualTo(100 + i);
        }
      } finally {
        pool.shutdownNow();
      }
      synchronized (served) {
        assertThat(served).hasSize(11);
      }
    }
    assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
    assertNothingLeft(sockets);
  }

  private static void assertGoHostOfferScenario(TestProcess.Result result) {
    assertThat(result.output())
        .as("the Go host's report")
        .contains(
            // Offer(100) and Offer(1000): the offsets only the plugin's servers know.
            "OK offered sum 40 2 = 142",
            "OK offered sum 40 2 = 1042",
            // A second call on the first connection still reaches the first server.
            "OK offered sum -100 0 = 0",
            "OK offered concurrent 8")
        .doesNotContain("ERROR");
    assertThat(result.exitCode()).as(result.output()).isZero();
  }

  @Test
  void goHostDialsServiceJavaPluginOffersThroughTheBrokerWithAutoMtls(@TempDir Path sockets)
      throws Exception {
    TestProcess.Result result = goHostWithJavaPlugin(true, sockets, "-offer");
    assertGoHostOfferScenario(result);
    assertNothingLeft(sockets);
  }

  @Test
  void goHostDialsServiceJavaPluginOffersThroughTheBrokerInPlaintext(@TempDir Path sockets)
      throws Exception {
    TestProcess.Result result = goHostWithJavaPlugin(false, sockets, "-offer");
    assertGoHostOfferScenario(result);
    assertNothingLeft(sockets);
  }

  @Test
  void javaHostDialsServiceGoPluginOffersThroughTheBrokerWithAutoMtls(@TempDir Path sockets)
      throws Exception {
    javaHostDialsServiceGoPluginOffers(true, sockets);
  }

  @Test
  void javaHostDialsServiceGoPluginOffersThroughTheBrokerInPlaintext(@TempDir Path sockets)
      throws Exception {
    javaHostDialsServiceGoPluginOffers(false, sockets);
  }

  /**
   * The Go plugin serves AddHelper through go-plugin 1.0.1's AcceptAndServe under ids it picks; our
   * host dials them with {@link PluginBroker#dial}. Each sum includes the offset of its Offer,
   * which only the plugin's server for that id knows.
   */
  private static void javaHostDialsServiceGoPluginOffers(boolean mtls, Path sockets)
      throws Exception {
    long pid;
    try (PluginClient client = startGoCounterPlugin(mtls, sockets)) {
      pid = client.pid();
      CounterGrpc.CounterBlockingStub counter =
          client.stub(CounterGrpc::newBlockingStub).withDeadlineAfter(60, TimeUnit.SECONDS);
      PluginBroker broker = client.broker();

      int first = counter.offer(OfferRequest.newBuilder().setOffset(100).build()).getAddHelperId();
      int second =
          counter.offer(OfferRequest.newBuilder().setOffset(1000).build()).getAddHelperId();
      assertThat(first).as("broker ids the Go plugin chose").isNotEqualTo(second).isPositive();
      ManagedChannel firstChannel = broker.dial(first);
      ManagedChannel secondChannel = broker.dial(second);
      try {
        assertThat(sum(firstChannel, 40, 2)).isEqualTo(142);
        assertThat(sum(secondChannel, 40, 2)).isEqualTo(1042);
        assertThat(sum(firstChannel, -100, 0)).as("a second call on the first connection").isZero();
      } finally {
        firstChannel.shutdownNow();
        secondChannel.shutdownNow();
      }
      // Eight Offers at once, each dialed by its own id.
      ExecutorService pool = Executors.newFixedThreadPool(8);
      try {
        List<CompletableFuture<Long>> sums = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
          long offset = 10_000L * (i + 1);
          long a = i;
          sums.add(
              CompletableFuture.supplyAsync(
                  () -> {
                    int id =
                        counter
                            .offer(OfferRequest.newBuilder().setOffset(offset).build())
                            .getAddHelperId();
                    try {
                      ManagedChannel channel = broker.dial(id);
                      try {
                        return sum(channel, a, 1);
                      } finally {
                        channel.shutdownNow();
                      }
                    } catch (IOException e) {
                      throw new IllegalStateException(
                          "offer " + a + " (broker id " + id + "): " + e.getMessage(), e);
                    }
                  },
                  pool));
        }
        for (int i = 0; i < 8; i++) {
          assertThat(sums.get(i).get(60, TimeUnit.SECONDS)).isEqualTo(10_000L * (i + 1) + i + 1);
        }
      } finally {
        pool.shutdownNow();
      }
    }
    assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
    assertGoPluginOfferSocketsLeft(sockets, 10);
    assertNothingLeft(sockets);
  }

  /**
   * Pins that leaving the offered sockets behind is go-plugin 1.0.1's own behaviour, not our
   * host's: a Go host dialing the same Go plugin's offers (with AutoMTLS, which works this way
   * round in 1.0.1) finds the same sums and leaves the same sockets.
   */
  @Test
  void goPlugin101LeavesItsOfferedBrokerSocketsBehindWithAnyHost(@TempDir Path sockets)
      throws Exception {
    TestProcess.Result goToGo =
        TestProcess.builder(
                List.of(
                    Peers.goCounterHost().toString(),
                    "-mtls",
                    "-offer",
                    "-n",
                    "8",
                    "-cmd",
                    Peers.goCounterPlugin().toString()))
            .env(Map.of("TMPDIR", sockets.toString()))
            .run(Duration.ofSeconds(60));
    assertGoHostOfferScenario(goToGo);
    assertGoPluginOfferSocketsLeft(sockets, 10);
    assertNothingLeft(sockets);
  }

  /**
   * go-plugin 1.0.1's plugin side never closes its broker (its Shutdown only stops the main gRPC
   * server and the process exits), so every AcceptAndServe socket file stays in TMPDIR after the
   * plugin is gone. Checks that exactly {@code count} such files are left, that nothing listens on
   * them any more, and removes them.
   */
  private static void assertGoPluginOfferSocketsLeft(Path sockets, int count) throws Exception {
    List<Path> left;
    try (Stream<Path> files = Files.list(sockets)) {
      left = files.toList();
    }
    assertThat(left)
        .as("go-plugin 1.0.1's AcceptAndServe sockets")
        .hasSize(count)
        .allSatisfy(
            path -> {
              assertThat(path.getFileName().toString()).matches("plugin[0-9]+");
              try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
                assertThatThrownBy(() -> channel.connect(UnixDomainSocketAddress.of(path)))
                    .as("nothing listens on %s", path)
                    .isInstanceOf(ConnectException.class);
              }
              Files.delete(path);
            });
  }

  private static long sum(ManagedChannel channel, long a, long b) {
    return AddHelperGrpc.newBlockingStub(channel)
        .withDeadlineAfter(30, TimeUnit.SECONDS)
        .sum(SumRequest.newBuilder().setA(a).setB(b).build())
        .getSum();
  }

  /**
   * go-plugin 1.0.1's plugin side cannot dial its host's broker servers under AutoMTLS: its {@code
   * server.go} builds the TLS config without {@code RootCAs} or {@code ServerName}, so the dial
   * checks the host's certificate against the authority "unused" (hashicorp/go-plugin#109, fixed in
   * 1.4.4 by #193). This pins that the failure is go-plugin's own: a Go host gets the same error
   * from the same Go plugin, while our Java host's main connection works under AutoMTLS.
   */
  @Test
  void goPlugin101CannotDialHostBrokerUnderAutoMtlsWithAnyHost(@TempDir Path sockets)
      throws Exception {
    String goPluginError = "x509: certificate is valid for localhost, not unused";
    TestProcess.Result goToGo =
        TestProcess.builder(
                List.of(
                    Peers.goCounterHost().toString(),
                    "-mtls",
                    "-cmd",
                    Peers.goCounterPlugin().toString()))
            .env(Map.of("TMPDIR", sockets.toString()))
            .run(Duration.ofSeconds(60));
    assertThat(goToGo.output()).contains("ERROR put:", goPluginError);

    try (PluginClient client = startGoCounterPlugin(true, sockets)) {
      CounterGrpc.CounterBlockingStub counter =
          client.stub(CounterGrpc::newBlockingStub).withDeadlineAfter(60, TimeUnit.SECONDS);
      assertThat(counter.get(GetRequest.newBuilder().setKey("clicks").build()).getTotal()).isZero();
      int id = client.broker().nextId();
      try (AutoCloseable helper =
          client
              .broker()
              .acceptAndServe(
                  id, List.of(new AddHelperGrpc.AddHelperImplBase() {}.bindService()))) {
        assertThatThrownBy(
                () ->
                    counter.put(
                        PutRequest.newBuilder()
                            .setKey("clicks")
                            .setValue(1)
                            .setAddHelperId(id)
                            .build()))
            .isInstanceOfSatisfying(
                StatusRuntimeException.class,
                e -> {
                  // The Go plugin passes on the status of its failed AddHelper call.
                  assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
                  assertThat(e.getStatus().getDescription()).contains(goPluginError);
                });
      }
    }
    assertNothingLeft(sockets);
  }

  private static void assertNothingLeft(Path sockets) throws Exception {
    Await.until(
        "no sockets left behind in " + sockets,
        Duration.ofSeconds(3),
        () -> {
          try (Stream<Path> files = Files.list(sockets)) {
            return files.findAny().isEmpty();
          }
        });
    try (Stream<ProcessHandle> all = ProcessHandle.allProcesses()) {
      assertThat(
              all.filter(
                      process ->
                          process
                              .info()
                              .commandLine()
                              .map(
                                  line ->
                                      line.contains(JAVA_PLUGIN) || line.contains("counterplugin"))
                              .orElse(false))
                  .map(process -> process.pid() + " " + process.info().commandLine().orElse(""))
                  .toList())
          .as("plugin processes left running")
          .isEmpty();
    }
  }

  /**
   * Our host starts the Go Counter plugin; its sockets, go-plugin's broker ones too, go to {@code
   * sockets}.
   */
  private static PluginClient startGoCounterPlugin(boolean mtls, Path sockets) throws Exception {
    return PluginClient.builder(CounterPlugin.HANDSHAKE)
        .command(Peers.goCounterPlugin().toString())
        .autoMtls(mtls)
        .unixSocketDir(sockets)
        .environment("TMPDIR", sockets.toString())
        .build()
        .start();
  }
}
