package dev.switchboard.plugin;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Every example main runs as its users would run it. */
class ExamplesIT {
  @Test
  void kvHostLoadsTheGoPlugin() throws Exception {
    Peers.Result put =
        Peers.runProgram(
            Peers.javaMain(
                "dev.switchboard.plugin.examples.KvHost",
                Peers.goPlugin().toString(),
                "put",
                "a",
                "b"),
            120);
    assertThat(put.status()).as(put.output()).isZero();
    assertThat(put.output()).contains("put a");
  }

  @Test
  void kvHostReportsAMissingKeyWithExitOne() throws Exception {
    Peers.Result get =
        Peers.runProgram(
            Peers.javaMain(
                "dev.switchboard.plugin.examples.KvHost",
                "--no-mtls",
                String.join(" ", Peers.javaKvPluginScript()),
                "get",
                "nothing"),
            120);
    assertThat(get.status()).as(get.output()).isEqualTo(1);
    assertThat(get.output()).contains("NOT_FOUND");
  }

  @Test
  void kvPluginWarmupServesAndCallsItselfInBothModes() throws Exception {
    Peers.Result run =
        Peers.runProgram(Peers.javaMain("dev.switchboard.plugin.examples.KvPluginWarmup"), 120);
    assertThat(run.status()).as(run.output()).isZero();
    assertThat(run.output()).as("nothing a host could take for a handshake").doesNotContain("|");
  }

  @Test
  void counterHostServesTheAdderItsPluginCallsBack() throws Exception {
    String plugin =
        String.join(" ", Peers.javaMain("dev.switchboard.plugin.examples.CounterPlugin"));
    Peers.Result run =
        Peers.runProgram(
            Peers.javaMain("dev.switchboard.plugin.examples.CounterHost", plugin), 120);
    assertThat(run.status()).as(run.output()).isZero();
    assertThat(run.output())
        .contains(
            "host sees clicks = 1",
            "host sees clicks = 3",
            "host sees clicks = 6",
            "counter clicks = 6");
  }
}
