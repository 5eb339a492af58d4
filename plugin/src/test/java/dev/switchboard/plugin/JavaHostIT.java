package dev.switchboard.plugin;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.switchboard.plugin.examples.CounterPlugin;
import dev.switchboard.plugin.examples.KvPlugin;
import dev.switchboard.plugin.examples.counter.AddHelperGrpc;
import dev.switchboard.plugin.examples.counter.CounterGrpc;
import dev.switchboard.plugin.examples.counter.SumRequest;
import dev.switchboard.plugin.examples.counter.SumResponse;
import dev.switchboard.plugin.examples.kv.GetRequest;
import dev.switchboard.plugin.examples.kv.KVGrpc;
import dev.switchboard.plugin.examples.kv.PutRequest;
import dev.switchboard.testing.Await;
import dev.switchboard.testing.PeerPrograms;
import dev.switchboard.testing.TestProcess;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.stub.StreamObserver;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Our Java host loads real Go, Python and Java plugins. */
class JavaHostIT {
  private static final Pattern HANDSHAKE_LINE = Pattern.compile("^\\d+\\|\\d+\\|.*");

  private static void putGetAndConcurrent(PluginClient client, int concurrent) throws Exception {
    KVGrpc.KVBlockingStub kv =
        client.stub(KVGrpc::newBlockingStub).withDeadlineAfter(60, TimeUnit.SECONDS);
    kv.put(
        PutRequest.newBuilder().setKey("hello").setValue(ByteString.copyFromUtf8("world")).build());
    assertThat(kv.get(GetRequest.newBuilder().setKey("hello").build()).getValue().toStringUtf8())
        .isEqualTo("world");

    byte[] big = new byte[3 * 1024 * 1024];
    for (int i = 0; i < big.length; i++) {
      big[i] = (byte) (i * 31);
    }
    kv.put(PutRequest.newBuilder().setKey("big").setValue(ByteString.copyFrom(big)).build());
    assertThat(kv.get(GetRequest.newBuilder().setKey("big").build()).getValue().toByteArray())
        .isEqualTo(big);

    ExecutorService pool = Executors.newFixedThreadPool(Math.min(concurrent, 32));
    try {
      List<CompletableFuture<String>> results = new ArrayList<>();
      for (int i = 0; i < concurrent; i++) {
        String key = "k" + i;
        results.add(
            CompletableFuture.supplyAsync(
                () -> {
                  kv.put(
                      PutRequest.newBuilder()
                          .setKey(key)
                          .setValue(ByteString.copyFromUtf8("v" + key))
                          .build());
                  return kv.get(GetRequest.newBuilder().setKey(key).build())
                      .getValue()
                      .toStringUtf8();
                },
                pool));
      }
      for (int i = 0; i < concurrent; i++) {
        assertThat(results.get(i).get(60, TimeUnit.SECONDS)).isEqualTo("vk" + i);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void loadsGoPluginWithAutoMtls() throws Exception {
    try (PluginClient client =
        PluginClient.builder(KvPlugin.HANDSHAKE)
            .command(Peers.goPlugin().toString())
            .autoMtls(true)
            .build()
            .start()) {
      putGetAndConcurrent(client, 100);
      HealthCheckResponse health =
          HealthGrpc.newBlockingStub(client.channel())
              .check(HealthCheckRequest.newBuilder().setService("plugin").build());
      assertThat(health.getStatus()).isEqualTo(HealthCheckResponse.ServingStatus.SERVING);
      long pid = client.pid();
      client.kill();
      client.kill();
      assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
    }
  }

  @Test
  void loadsGoPluginInPlaintext() throws Exception {
    try (PluginClient client =
        PluginClient.builder(KvPlugin.HANDSHAKE)
            .command(Peers.goPlugin().toString())
            .autoMtls(false)
            .build()
            .start()) {
      putGetAndConcurrent(client, 100);
    }
  }

  @Test
  void loadsPythonPluginInPlaintext() throws Exception {
    // The host refuses a certificate it did not ask for, so this also checks the empty CERT field.
    try (PluginClient client =
        PluginClient.builder(KvPlugin.HANDSHAKE)
            .command(Peers.pythonPlugin())
            .autoMtls(false)
            .build()
            .start()) {
      putGetAndConcurrent(client, 100);
      long pid = client.pid();
      client.kill();
      assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
    }
  }

  @Test
  void loadsPythonPluginWithAutoMtls(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
      throws Exception {
    // The host insists on the plugin's certificate in the sixth field and trusts only that one.
    try (PluginClient client =
        PluginClient.builder(KvPlugin.HANDSHAKE)
            .command(Peers.pythonPluginWithAutoMtls())
            .autoMtls(true)
            .unixSocketDir(dir)
            .build()
            .start()) {
      putGetAndConcurrent(client, 100);
      String socket = client.reattachConfig().address();
      assertThat(socket).startsWith(dir.toString());
      // The plugin requires and verifies the host's certificate: plaintext, TLS without a client
      // certificate and TLS with a certificate the host did not send are all turned away.
      assertRefused(MtlsProbe.plaintext(socket));
      assertRefused(MtlsProbe.tls(socket, null));
      assertRefused(MtlsProbe.tls(socket, dev.switchboard.plugin.internal.AutoMtls.generate()));
      long pid = client.pid();
      client.kill();
      assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
    }
    try (java.util.stream.Stream<java.nio.file.Path> left = java.nio.file.Files.list(dir)) {
      assertThat(left.toList()).as("sockets left behind").isEmpty();
    }
  }

  /**
   * The Python plugin launched by hand with a certificate of ours as PLUGIN_CLIENT_CERT: its
   * handshake line carries a go-plugin shaped certificate, a client holding exactly that identity
   * gets through, a client with another certificate does not, and Shutdown stops it cleanly.
   */
  @Test
  void pythonPluginTrustsExactlyTheHostCertificate(
      @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
    var host = dev.switchboard.plugin.internal.AutoMtls.generate();
    try (TestProcess plugin =
        TestProcess.builder(Peers.pythonPluginWithAutoMtls())
            .name("python kv plugin")
            .env("BASIC_PLUGIN", "hello")
            .env("PLUGIN_CLIENT_CERT", host.certificatePem())
            .env("PLUGIN_UNIX_SOCKET_DIR", dir.toString())
            .start()) {
      // The handshake line: core-version|app-version|network|address|protocol|certificate.
      String line = plugin.awaitLine(HANDSHAKE_LINE, Duration.ofSeconds(60)).group();
      String[] fields = line.split("\\|");
      assertThat(fields).hasSize(6);
      assertThat(fields[5]).doesNotContain("=");
      var certificate = dev.switchboard.plugin.internal.AutoMtls.parseHandshakeField(fields[5]);
      assertThat(certificate.getSubjectX500Principal().getName()).contains("CN=localhost");
      assertThat(certificate.getSubjectAlternativeNames()).containsExactly(List.of(2, "localhost"));
      assertThat(certificate.getPublicKey().getAlgorithm()).isEqualTo("EC");
      assertThat(certificate.getBasicConstraints()).isGreaterThanOrEqualTo(0);

      assertRefused(MtlsProbe.tls(fields[3], dev.switchboard.plugin.internal.AutoMtls.generate()));
      try (MtlsProbe invited = MtlsProbe.tls(fields[3], host)) {
        assertThat(
                HealthGrpc.newBlockingStub(invited.channel())
                    .withDeadlineAfter(10, TimeUnit.SECONDS)
                    .check(HealthCheckRequest.newBuilder().setService("plugin").build())
                    .getStatus())
            .isEqualTo(HealthCheckResponse.ServingStatus.SERVING);
        dev.switchboard.plugin.internal.proto.GRPCControllerGrpc.newBlockingStub(invited.channel())
            .withDeadlineAfter(10, TimeUnit.SECONDS)
            .shutdown(dev.switchboard.plugin.internal.proto.Empty.getDefaultInstance());
      }
      assertThat(plugin.awaitExit(Duration.ofSeconds(10)))
          .as("the plugin's exit status after Shutdown")
          .isZero();
    }
    try (java.util.stream.Stream<java.nio.file.Path> left = java.nio.file.Files.list(dir)) {
      assertThat(left.toList()).as("sockets left behind").isEmpty();
    }
  }

  private static void assertRefused(MtlsProbe probe) {
    try (probe) {
      org.assertj.core.api.Assertions.assertThatThrownBy(
              () ->
                  HealthGrpc.newBlockingStub(probe.channel())
                      .withDeadlineAfter(10, TimeUnit.SECONDS)
                      .check(HealthCheckRequest.newBuilder().setService("plugin").build()))
          .isInstanceOfSatisfying(
              io.grpc.StatusRuntimeException.class,
              e -> assertThat(e.getStatus().getCode()).isEqualTo(io.grpc.Status.Code.UNAVAILABLE));
    }
  }

  @Test
  void loadsJavaPluginWithAutoMtlsAndHundredConcurrentCalls() throws Exception {
    try (PluginClient client =
        PluginClient.builder(KvPlugin.HANDSHAKE)
            .command(PeerPrograms.javaMain("dev.switchboard.plugin.examples.KvPlugin"))
            .build()
            .start()) {
      putGetAndConcurrent(client, 100);
      assertThat(
              HealthGrpc.newBlockingStub(client.channel())
                  .check(HealthCheckRequest.newBuilder().setService("plugin").build())
                  .getStatus())
          .isEqualTo(HealthCheckResponse.ServingStatus.SERVING);
    }
  }

  @Test
  void javaPluginCallsBackHostThroughBrokerAndMirrorsStdout() throws Exception {
    ByteArrayOutputStream stdout = new ByteArrayOutputStream();
    try (PluginClient client =
        PluginClient.builder(CounterPlugin.HANDSHAKE)
            .command(PeerPrograms.javaMain("dev.switchboard.plugin.examples.CounterPlugin"))
            .syncStdout(stdout)
            .build()
            .start()) {
      List<Long> sums = new ArrayList<>();
      AddHelperGrpc.AddHelperImplBase adder =
          new AddHelperGrpc.AddHelperImplBase() {
            @Override
            public void sum(SumRequest request, StreamObserver<SumResponse> responses) {
              synchronized (sums) {
                sums.add(request.getA() + request.getB());
              }
              responses.onNext(
                  SumResponse.newBuilder().setSum(request.getA() + request.getB()).build());
              responses.onCompleted();
            }
          };
      CounterGrpc.CounterBlockingStub counter = client.stub(CounterGrpc::newBlockingStub);
      long total = 0;
      for (int value = 1; value <= 3; value++) {
        // A broker id announces one connection: each Put gets the AddHelper under a fresh id.
        int adderId = client.broker().nextId();
        try (AutoCloseable served =
            client.broker().acceptAndServe(adderId, List.of(adder.bindService()))) {
          total =
              counter
                  .withDeadlineAfter(30, TimeUnit.SECONDS)
                  .put(
                      // The counter's PutRequest: the KV contract has one of that name too.
                      dev.switchboard.plugin.examples.counter.PutRequest.newBuilder()
                          .setKey("clicks")
                          .setValue(value)
                          .setAddHelperId(adderId)
                          .build())
                  .getTotal();
        }
      }
      assertThat(total).isEqualTo(6);
      assertThat(sums).containsExactly(1L, 3L, 6L);
      Await.until(
          "the plugin's stdout mirrored to the host",
          Duration.ofSeconds(10),
          () -> stdout.toString(StandardCharsets.UTF_8).contains("counter clicks = 6"));
      assertThat(stdout.toString(StandardCharsets.UTF_8))
          .contains("counter clicks = 1", "counter clicks = 3", "counter clicks = 6");
    }
  }

  @Test
  void dynamicServiceInPluginAndDynamicStubOnHost() throws Exception {
    try (PluginClient client =
        PluginClient.builder(KvPlugin.HANDSHAKE)
            .command(PeerPrograms.javaMain("dev.switchboard.plugin.FaultPlugin", "dynamic"))
            .build()
            .start()) {
      // A generated stub talks to the dynamic service...
      client
          .stub(KVGrpc::newBlockingStub)
          .put(PutRequest.newBuilder().setKey("d").setValue(ByteString.copyFromUtf8("yn")).build());
      // ...and a dynamic stub reads it back with the descriptor alone.
      var get =
          dev.switchboard.plugin.examples.kv.KvProto.getDescriptor()
              .findServiceByName("KV")
              .findMethodByName("Get");
      var request =
          com.google.protobuf.DynamicMessage.newBuilder(get.getInputType())
              .setField(get.getInputType().findFieldByName("key"), "d")
              .build();
      var response = client.dynamicStub().unary(get, request);
      assertThat(
              ((ByteString) response.getField(get.getOutputType().findFieldByName("value")))
                  .toStringUtf8())
          .isEqualTo("yn");
    }
  }

  @Test
  void rateLimitedPluginAnswersResourceExhausted() throws Exception {
    try (PluginClient client =
        PluginClient.builder(KvPlugin.HANDSHAKE)
            .command(PeerPrograms.javaMain("dev.switchboard.plugin.examples.KvPlugin"))
            .environment("PLUGIN_RATE_LIMIT_ENABLED", "true")
            .environment("PLUGIN_RATE_LIMIT_REQUESTS_PER_SECOND", "0.1")
            .environment("PLUGIN_RATE_LIMIT_BURST_CAPACITY", "2")
            .build()
            .start()) {
      KVGrpc.KVBlockingStub kv = client.stub(KVGrpc::newBlockingStub);
      kv.put(PutRequest.newBuilder().setKey("a").build());
      kv.put(PutRequest.newBuilder().setKey("b").build());
      org.assertj.core.api.Assertions.assertThatThrownBy(
              () -> kv.put(PutRequest.newBuilder().setKey("c").build()))
          .isInstanceOfSatisfying(
              io.grpc.StatusRuntimeException.class,
              e ->
                  assertThat(e.getStatus().getCode())
                      .isEqualTo(io.grpc.Status.Code.RESOURCE_EXHAUSTED));
      // go-plugin's own services are never limited: health still answers.
      assertThat(
              HealthGrpc.newBlockingStub(client.channel())
                  .check(HealthCheckRequest.newBuilder().setService("plugin").build())
                  .getStatus())
          .isEqualTo(HealthCheckResponse.ServingStatus.SERVING);
    }
  }

  @Test
  void retriesResourceExhaustedWithBackoff() throws Exception {
    java.util.Map<String, String> env = new java.util.HashMap<>(System.getenv());
    env.put("PLUGIN_CLIENT_RETRY_ENABLED", "true");
    env.put("PLUGIN_CLIENT_MAX_RETRIES", "5");
    env.put("PLUGIN_CLIENT_INITIAL_BACKOFF_MS", "200");
    env.put("PLUGIN_CLIENT_RETRY_JITTER_MS", "50");
    try (PluginClient client =
        PluginClient.builder(KvPlugin.HANDSHAKE)
            .command(PeerPrograms.javaMain("dev.switchboard.plugin.examples.KvPlugin"))
            .settings(PluginSettings.fromEnvironment(env))
            .environment("PLUGIN_RATE_LIMIT_ENABLED", "true")
            .environment("PLUGIN_RATE_LIMIT_REQUESTS_PER_SECOND", "4")
            .environment("PLUGIN_RATE_LIMIT_BURST_CAPACITY", "1")
            .build()
            .start()) {
      KVGrpc.KVBlockingStub kv =
          client.stub(KVGrpc::newBlockingStub).withDeadlineAfter(30, TimeUnit.SECONDS);
      // The bucket holds one token: the second call is refused once, then succeeds on a retry.
      kv.put(PutRequest.newBuilder().setKey("a").build());
      long start = System.nanoTime();
      kv.put(PutRequest.newBuilder().setKey("b").build());
      assertThat(Duration.ofNanos(System.nanoTime() - start))
          .isGreaterThanOrEqualTo(Duration.ofMillis(150));
    }
  }

  @Test
  void pluginListensInTheGivenSocketDirectory(
      @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
    try (PluginClient client =
        PluginClient.builder(KvPlugin.HANDSHAKE)
            .command(Peers.goPlugin().toString())
            .unixSocketDir(dir)
            .autoMtls(false)
            .build()
            .start()) {
      // go-plugin 1.0.1 ignores PLUGIN_UNIX_SOCKET_DIR; ours honours it.
      assertThat(client.reattachConfig().network()).isEqualTo("unix");
    }
    try (PluginClient client =
        PluginClient.builder(KvPlugin.HANDSHAKE)
            .command(PeerPrograms.javaMain("dev.switchboard.plugin.examples.KvPlugin"))
            .unixSocketDir(dir)
            .build()
            .start()) {
      assertThat(client.reattachConfig().address()).startsWith(dir.toString());
      client.stub(KVGrpc::newBlockingStub).put(PutRequest.newBuilder().setKey("a").build());
    }
  }

  @Test
  void pluginListensOnTcpWithinThePortRange() throws Exception {
    try (PluginClient client =
        PluginClient.builder(KvPlugin.HANDSHAKE)
            .command(PeerPrograms.javaMain("dev.switchboard.plugin.examples.KvPlugin"))
            .environment("PLUGIN_SERVER_TRANSPORTS", "tcp")
            .portRange(0, 0)
            .build()
            .start()) {
      ReattachConfig where = client.reattachConfig();
      assertThat(where.network()).isEqualTo("tcp");
      assertThat(where.address()).startsWith("127.0.0.1:");
      client.stub(KVGrpc::newBlockingStub).put(PutRequest.newBuilder().setKey("a").build());
    }
  }

  @Test
  void reattachesToRunningPlaintextPlugin() throws Exception {
    try (PluginClient first =
        PluginClient.builder(KvPlugin.HANDSHAKE)
            .command(PeerPrograms.javaMain("dev.switchboard.plugin.examples.KvPlugin"))
            .autoMtls(false)
            .build()
            .start()) {
      first
          .stub(KVGrpc::newBlockingStub)
          .put(
              PutRequest.newBuilder()
                  .setKey("kept")
                  .setValue(ByteString.copyFromUtf8("yes"))
                  .build());
      ReattachConfig config = ReattachConfig.parse(first.reattachConfig().toJson());
      assertThat(config.pid()).isEqualTo(first.pid());
      PluginClient second =
          PluginClient.builder(KvPlugin.HANDSHAKE).reattach(config).build().start();
      try {
        assertThat(
                second
                    .stub(KVGrpc::newBlockingStub)
                    .get(GetRequest.newBuilder().setKey("kept").build())
                    .getValue()
                    .toStringUtf8())
            .isEqualTo("yes");
      } finally {
        second.channel().shutdownNow();
      }
    }
  }
}
