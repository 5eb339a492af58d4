package dev.switchboard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.testing.PeerPrograms;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

/** sb plugin against a real plugin process: the Java KV plugin of the plugin module. */
class PluginCommandIT {
  private static final String KV_PLUGIN =
      String.join(" ", PeerPrograms.javaMain("dev.switchboard.plugin.examples.KvPlugin"));

  private record Run(int status, String out, String err) {}

  private static Run sb(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int status = Sb.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
    return new Run(status, out.toString(), err.toString());
  }

  @Test
  void callsUnaryMethodOverAutoMtlsAndPrintsJson() {
    Run run =
        sb(
            "plugin",
            "call",
            "--cmd",
            KV_PLUGIN,
            "--magic-cookie",
            "BASIC_PLUGIN=hello",
            "proto.KV/Put",
            "-d",
            "{\"key\": \"a\", \"value\": \"aGk=\"}");
    assertThat(run.status()).as(run.err()).isZero();
    assertThat(run.out()).isEqualTo("{}" + System.lineSeparator());
  }

  @Test
  void rpcFailureExitsOneWithStatus() {
    Run run =
        sb(
            "plugin",
            "call",
            "--cmd",
            KV_PLUGIN,
            "--magic-cookie",
            "BASIC_PLUGIN=hello",
            "--no-mtls",
            "proto.KV/Get",
            "-d",
            "{\"key\": \"missing\"}");
    assertThat(run.status()).isEqualTo(1);
    assertThat(run.err()).contains("NOT_FOUND", "no value for key 'missing'");
  }

  @Test
  void wrongCookieIsUnavailableWithThePluginsExplanation() {
    Run run = sb("plugin", "list", "--cmd", KV_PLUGIN, "--magic-cookie", "BASIC_PLUGIN=wrong");
    assertThat(run.status()).isEqualTo(1);
    assertThat(run.err()).contains("UNAVAILABLE", "exit status 1", "This binary is a plugin");
  }

  @Test
  void listsServicesThroughReflection() {
    Run run = sb("plugin", "list", "--cmd", KV_PLUGIN, "--magic-cookie", "BASIC_PLUGIN=hello");
    assertThat(run.status()).as(run.err()).isZero();
    assertThat(run.out().lines())
        .contains(
            "proto.KV",
            "grpc.health.v1.Health",
            "plugin.GRPCBroker",
            "plugin.GRPCController",
            "plugin.GRPCStdio");
    Run methods =
        sb(
            "plugin",
            "list",
            "--cmd",
            KV_PLUGIN,
            "--magic-cookie",
            "BASIC_PLUGIN=hello",
            "proto.KV");
    assertThat(methods.out().lines()).containsExactly("proto.KV.Get", "proto.KV.Put");
  }

  @Test
  void badCookieSyntaxIsUsageError() {
    Run run = sb("plugin", "list", "--cmd", KV_PLUGIN, "--magic-cookie", "nocookie");
    assertThat(run.status()).isEqualTo(2);
    assertThat(run.err()).contains("--magic-cookie");
  }
}
