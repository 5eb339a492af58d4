package dev.switchboard.plugin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.plugin.brokertest.AddHelperGrpc;
import dev.switchboard.plugin.brokertest.CounterGrpc;
import dev.switchboard.plugin.brokertest.GetRequest;
import dev.switchboard.plugin.brokertest.PutRequest;
import dev.switchboard.plugin.brokertest.SumRequest;
import dev.switchboard.plugin.brokertest.SumResponse;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.nio.file.Files;
import java.nio.file.Path;
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
 * examples/bidirectional shape ({@code src/test/proto/brokertest/counter.proto}): for every
 * Counter.Put the host serves AddHelper under a new broker id (NextId + AcceptAndServe, announced
 * over plugin.GRPCBroker/StartStream) and the plugin dials that id and asks the host for the sum.
 * The totals can only be right if every callback reached the host's AddHelper, and the host's
 * record of the Sum calls it served is asserted too.
 *
 * <p>Every run keeps its sockets in a temp dir (TMPDIR for go-plugin, PLUGIN_UNIX_SOCKET_DIR for
 * ours), which must be empty afterwards, and no plugin process may outlive its host.
 */
class BrokerInteropIT {
  private static final String JAVA_PLUGIN = BrokerCounterPlugin.class.getName();

  private static Peers.Result goHostWithJavaPlugin(boolean mtls, Path sockets) throws Exception {
    List<String> command = new ArrayList<>(List.of(Peers.goCounterHost().toString()));
    if (mtls) {
      command.add("-mtls");
    }
    command.addAll(List.of("-n", "8", "-cmd", String.join(" ", Peers.javaMain(JAVA_PLUGIN))));
    // go-plugin 1.0.1 puts its broker sockets in TMPDIR; the Java plugin inherits the environment
    // and puts its own socket and broker sockets in PLUGIN_UNIX_SOCKET_DIR.
    return Peers.runProgram(command, Map.of("TMPDIR", sockets.toString(), "PLUGIN_UNIX_SOCKET_DIR", sockets.toString()), 120);
  }

  private static void assertGoHostScenario(Peers.Result result) {
    assertThat(result.output())
        .as("the Go host's report")
        .contains(
            "HOST SUM 0 5 = 5", "OK put clicks 5 total 5",
            "HOST SUM 5 7 = 12", "OK put clicks 7 total 12",
            "HOST SUM 12 -2 = 10", "OK put clicks -2 total 10",
            "OK get clicks 10",
            "OK concurrent 8",
            // 3 sequential + 8 concurrent Puts, each answered by one callback into the Go host.
            "OK host served 11 sums")
        .doesNotContain("ERROR");
    assertThat(result.status()).as(result.output()).isZero();
  }

  @Test
  void goHostLoadsJavaPluginThatCallsBackThroughTheBrokerWithAutoMtls(@TempDir Path sockets) throws Exception {
    Peers.Result result = goHostWithJavaPlugin(true, sockets);
    assertGoHostScenario(result);
    assertNothingLeft(sockets);
  }

  @Test
  void goHostLoadsJavaPluginThatCallsBackThroughTheBrokerInPlaintext(@TempDir Path sockets) throws Exception {
    Peers.Result result = goHostWithJavaPlugin(false, sockets);
    assertGoHostScenario(result);
    assertNothingLeft(sockets);
  }

  @Test
  void javaHostLoadsGoPluginThatCallsBackThroughTheBroker(@TempDir Path sockets) throws Exception {
    List<long[]> served = new ArrayList<>();
    AddHelperGrpc.AddHelperImplBase adder = new AddHelperGrpc.AddHelperImplBase() {
      @Override
      public void sum(SumRequest request, StreamObserver<SumResponse> responses) {
        synchronized (served) {
          served.add(new long[] {request.getA(), request.getB()});
        }
        responses.onNext(SumResponse.newBuilder().setSum(request.getA() + request.getB()).build());
        responses.onCompleted();
      }
    };
    long pid;
    try (PluginClient client = PluginClient.builder(BrokerCounterPlugin.HANDSHAKE)
        .command(Peers.goCounterPlugin().toString())
        // go-plugin 1.0.1 fails to dial a host broker server under AutoMTLS (see below).
        .autoMtls(false)
        .unixSocketDir(sockets)
        .environment("TMPDIR", sockets.toString())
        .build()
        .start()) {
      pid = client.pid();
      CounterGrpc.CounterBlockingStub counter = client.stub(CounterGrpc::newBlockingStub).withDeadlineAfter(60, TimeUnit.SECONDS);
      PluginBroker broker = client.broker();

      long[][] steps = {{5, 5}, {7, 12}, {-2, 10}};
      for (long[] step : steps) {
        int id = broker.nextId();
        try (AutoCloseable helper = broker.acceptAndServe(id, List.of(adder.bindService()))) {
          long total = counter.put(PutRequest.newBuilder().setKey("clicks").setValue(step[0]).setAddHelperId(id).build()).getTotal();
          assertThat(total).as("total after Put(clicks, %d)", step[0]).isEqualTo(step[1]);
        }
      }
      assertThat(counter.get(GetRequest.newBuilder().setKey("clicks").build()).getTotal()).isEqualTo(10);
      synchronized (served) {
        assertThat(served).containsExactly(new long[] {0, 5}, new long[] {5, 7}, new long[] {12, -2});
      }

      // Eight Puts at once, each with its own broker id and server: every Dial must find its own.
      ExecutorService pool = Executors.newFixedThreadPool(8);
      try {
        List<CompletableFuture<Long>> totals = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
          int value = 100 + i;
          String key = "k" + i;
          totals.add(CompletableFuture.supplyAsync(() -> {
            int id = broker.nextId();
            try (AutoCloseable helper = broker.acceptAndServe(id, List.of(adder.bindService()))) {
              return counter.put(PutRequest.newBuilder().setKey(key).setValue(value).setAddHelperId(id).build()).getTotal();
            } catch (Exception e) {
              throw new IllegalStateException(key + ": " + e, e);
            }
          }, pool));
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

  /**
   * go-plugin 1.0.1's plugin side cannot dial its host's broker servers under AutoMTLS: its
   * {@code server.go} builds the TLS config without {@code RootCAs} or {@code ServerName}, so the
   * dial checks the host's certificate against the authority "unused" (hashicorp/go-plugin#109,
   * fixed in 1.4.4 by #193). This pins that the failure is go-plugin's own: a Go host gets the same
   * error from the same Go plugin, while our Java host's main connection works under AutoMTLS.
   */
  @Test
  void goPlugin101CannotDialHostBrokerUnderAutoMtlsWithAnyHost(@TempDir Path sockets) throws Exception {
    String goPluginError = "x509: certificate is valid for localhost, not unused";
    Peers.Result goToGo = Peers.runProgram(
        List.of(Peers.goCounterHost().toString(), "-mtls", "-cmd", Peers.goCounterPlugin().toString()),
        Map.of("TMPDIR", sockets.toString()), 60);
    assertThat(goToGo.output()).contains("ERROR put:", goPluginError);

    try (PluginClient client = PluginClient.builder(BrokerCounterPlugin.HANDSHAKE)
        .command(Peers.goCounterPlugin().toString())
        .autoMtls(true)
        .unixSocketDir(sockets)
        .environment("TMPDIR", sockets.toString())
        .build()
        .start()) {
      CounterGrpc.CounterBlockingStub counter = client.stub(CounterGrpc::newBlockingStub).withDeadlineAfter(60, TimeUnit.SECONDS);
      assertThat(counter.get(GetRequest.newBuilder().setKey("clicks").build()).getTotal()).isZero();
      int id = client.broker().nextId();
      try (AutoCloseable helper = client.broker().acceptAndServe(id, List.of(new AddHelperGrpc.AddHelperImplBase() {}.bindService()))) {
        assertThatThrownBy(() -> counter.put(PutRequest.newBuilder().setKey("clicks").setValue(1).setAddHelperId(id).build()))
            .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
              // The Go plugin passes on the status of its failed AddHelper call.
              assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
              assertThat(e.getStatus().getDescription()).contains(goPluginError);
            });
      }
    }
    assertNothingLeft(sockets);
  }

  private static void assertNothingLeft(Path sockets) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
    List<String> left;
    do {
      try (Stream<Path> files = Files.list(sockets)) {
        left = files.map(path -> path.getFileName().toString()).toList();
      }
      if (left.isEmpty()) {
        break;
      }
      Thread.sleep(50);
    } while (System.nanoTime() < deadline);
    assertThat(left).as("sockets left behind in " + sockets).isEmpty();
    try (Stream<ProcessHandle> all = ProcessHandle.allProcesses()) {
      assertThat(all.filter(process -> process.info().commandLine()
              .map(line -> line.contains(JAVA_PLUGIN) || line.contains("counterplugin"))
              .orElse(false))
          .map(process -> process.pid() + " " + process.info().commandLine().orElse(""))
          .toList())
          .as("plugin processes left running")
          .isEmpty();
    }
  }
}
