package dev.switchboard.plugin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.testing.PeerPrograms;
import dev.switchboard.testing.TestProcess;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Every example main runs as its users would run it. */
class ExamplesIT {
  @Test
  void kvHostLoadsTheGoPlugin() throws Exception {
    TestProcess.Result put =
        TestProcess.builder(
                PeerPrograms.javaMain(
                    "dev.switchboard.plugin.examples.KvHost",
                    Peers.goPlugin().toString(),
                    "put",
                    "a",
                    "b"))
            .run(Duration.ofSeconds(120));
    assertThat(put.exitCode()).as(put.output()).isZero();
    assertThat(put.output()).contains("put a");
  }

  @Test
  void kvHostReportsAMissingKeyWithExitOne() throws Exception {
    TestProcess.Result get =
        TestProcess.builder(
                PeerPrograms.javaMain(
                    "dev.switchboard.plugin.examples.KvHost",
                    "--no-mtls",
                    String.join(" ", Peers.javaKvPluginScript()),
                    "get",
                    "nothing"))
            .run(Duration.ofSeconds(120));
    assertThat(get.exitCode()).as(get.output()).isEqualTo(1);
    assertThat(get.output()).contains("NOT_FOUND");
  }

  @Test
  void kvPluginWarmupServesAndCallsItselfInBothModes() throws Exception {
    TestProcess.Result run =
        TestProcess.builder(PeerPrograms.javaMain("dev.switchboard.plugin.examples.KvPluginWarmup"))
            .run(Duration.ofSeconds(120));
    assertThat(run.exitCode()).as(run.output()).isZero();
    assertThat(run.stdout()).as("nothing a host could take for a handshake").doesNotContain("|");
  }

  @Test
  void counterHostServesTheAdderItsPluginCallsBack() throws Exception {
    String plugin =
        String.join(" ", PeerPrograms.javaMain("dev.switchboard.plugin.examples.CounterPlugin"));
    TestProcess.Result run =
        TestProcess.builder(
                PeerPrograms.javaMain("dev.switchboard.plugin.examples.CounterHost", plugin))
            .run(Duration.ofSeconds(120));
    assertThat(run.exitCode()).as(run.output()).isZero();
    assertThat(run.output())
        .contains(
            "host sees clicks = 1",
            "host sees clicks = 3",
            "host sees clicks = 6",
            "counter clicks = 6");
  }
}
