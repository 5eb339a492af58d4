package dev.switchboard.plugin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import dev.switchboard.plugin.examples.KvPlugin;
import dev.switchboard.plugin.examples.kv.KVGrpc;
import dev.switchboard.plugin.examples.kv.PutRequest;
import dev.switchboard.testing.PeerPrograms;
import dev.switchboard.testing.TestProcess;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Plugins and hosts that fail, in named modes, against real processes. */
class FaultsIT {
  private static PluginClient.Builder fault(String mode) {
    return PluginClient.builder(KvPlugin.HANDSHAKE)
        .command(PeerPrograms.javaMain("dev.switchboard.plugin.FaultPlugin", mode))
        .name("fault." + mode);
  }

  @Test
  void wrongCookieExplainsAndReportsExitStatus() {
    PluginClient client =
        PluginClient.builder(HandshakeConfig.of("BASIC_PLUGIN", "goodbye", 1))
            .command(PeerPrograms.javaMain("dev.switchboard.plugin.examples.KvPlugin"))
            .build();
    assertThatThrownBy(client::start)
        .isInstanceOf(PluginException.class)
        .hasMessageContaining("exited before we could connect (exit status 1)")
        .hasMessageContaining(
            "This binary is a plugin. These are not meant to be executed directly.");
  }

  @Test
  void goPluginWithWrongCookieToo() throws Exception {
    PluginClient client =
        PluginClient.builder(HandshakeConfig.of("BASIC_PLUGIN", "nope", 1))
            .command(Peers.goPlugin().toString())
            .build();
    assertThatThrownBy(client::start)
        .hasMessageContaining("exit status 1")
        .hasMessageContaining("This binary is a plugin");
  }

  @Test
  void versionMismatchNamesBothLists() {
    PluginClient client = fault("v2").protocolVersions(3, 4).build();
    assertThatThrownBy(client::start)
        .isInstanceOf(PluginException.class)
        .hasMessageContaining("plugin offers version(s) [2]")
        .hasMessageContaining("this host supports [3, 4]");
  }

  @Test
  void negotiatesNewestCommonVersion() throws Exception {
    try (PluginClient client = fault("v2").protocolVersions(1, 2).build().start()) {
      assertThat(client.protocolVersion()).isEqualTo(2);
    }
  }

  @Test
  void garbageWithoutHandshakeTimesOutWithTheNoise() {
    PluginClient client = fault("garbage").startTimeout(Duration.ofSeconds(3)).build();
    long start = System.nanoTime();
    assertThatThrownBy(client::start)
        .isInstanceOf(PluginException.class)
        .hasMessageContaining("timeout after 3000 ms")
        .hasMessageContaining("hello, I am not a handshake");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(20));
  }

  @Test
  void silentPluginTimesOut() {
    PluginClient client = fault("silent").startTimeout(Duration.ofSeconds(2)).build();
    assertThatThrownBy(client::start).hasMessageContaining("timeout after 2000 ms");
  }

  @Test
  void malformedLineIsDiagnosedWithStderr() {
    PluginClient client = fault("bad-line").build();
    assertThatThrownBy(client::start)
        .isInstanceOf(PluginException.class)
        .hasMessageContaining("unrecognized handshake line")
        .hasMessageContaining("'one' is not a number")
        .hasMessageContaining("I printed a bad line on purpose");
  }

  @Test
  void noiseBeforeHandshakeIsTolerated() throws Exception {
    try (PluginClient client = fault("noise").build().start()) {
      client
          .stub(KVGrpc::newBlockingStub)
          .put(PutRequest.newBuilder().setKey("a").setValue(ByteString.copyFromUtf8("b")).build());
    }
  }

  @Test
  void crashMidCallFailsFastWithUnavailableAndExitStatus() throws Exception {
    try (PluginClient client = fault("crash-on-put").build().start()) {
      KVGrpc.KVBlockingStub kv =
          client.stub(KVGrpc::newBlockingStub).withDeadlineAfter(30, TimeUnit.SECONDS);
      kv.put(PutRequest.newBuilder().setKey("fine").build());
      long start = System.nanoTime();
      assertThatThrownBy(() -> kv.put(PutRequest.newBuilder().setKey("crash").build()))
          .isInstanceOfSatisfying(
              StatusRuntimeException.class,
              e -> {
                assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
                assertThat(e.getStatus().getDescription()).contains("exited with status 3");
              });
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
      assertThat(client.exitCode()).contains(3);
      // Later calls fail at once with the same explanation.
      assertThatThrownBy(() -> kv.put(PutRequest.newBuilder().setKey("again").build()))
          .hasMessageContaining("exited with status 3");
    }
  }

  @Test
  void killEndsTheWholeProcessTreeAndIsIdempotent() throws Exception {
    PluginClient client = fault("spawn-child").build().start();
    long pid = client.pid();
    List<ProcessHandle> children = ProcessHandle.of(pid).orElseThrow().descendants().toList();
    assertThat(children).isNotEmpty();
    client.kill();
    client.kill();
    assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
    for (ProcessHandle child : children) {
      assertThat(child.isAlive()).as("child %d", child.pid()).isFalse();
    }
  }

  @Test
  void ignoresSigint() throws Exception {
    try (PluginClient client =
        PluginClient.builder(KvPlugin.HANDSHAKE)
            .command(PeerPrograms.javaMain("dev.switchboard.plugin.examples.KvPlugin"))
            .build()
            .start()) {
      TestProcess.builder("kill", "-INT", Long.toString(client.pid()))
          .run(Duration.ofSeconds(10))
          .assertSuccess();
      Thread.sleep(500);
      assertThat(client.exitCode()).isEmpty();
      client.stub(KVGrpc::newBlockingStub).put(PutRequest.newBuilder().setKey("still").build());
    }
  }
}
