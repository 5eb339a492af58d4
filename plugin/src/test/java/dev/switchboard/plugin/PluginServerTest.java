package dev.switchboard.plugin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.plugin.examples.kv.KVGrpc;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The plugin side in this JVM, with its environment and stdio given explicitly. */
class PluginServerTest {
  private static final HandshakeConfig HANDSHAKE = HandshakeConfig.of("TEST_COOKIE", "yes", 1);

  @Test
  void wrongCookieExplainsForHumansAndExitsOne() {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int status =
        PluginServer.builder(HANDSHAKE)
            .protocol(services -> services.service(new KVGrpc.KVImplBase() {}))
            .environment(Map.of("TEST_COOKIE", "no"))
            .stdout(new PrintStream(out, true, StandardCharsets.UTF_8))
            .stderr(new PrintStream(err, true, StandardCharsets.UTF_8))
            .watchParent(false)
            .build()
            .serve();
    assertThat(status).isEqualTo(1);
    assertThat(out.toString(StandardCharsets.UTF_8)).isEmpty();
    assertThat(err.toString(StandardCharsets.UTF_8))
        .startsWith("This binary is a plugin. These are not meant to be executed directly.");
  }

  @Test
  void badSettingIsAStartFailure() {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status =
        PluginServer.builder(HANDSHAKE)
            .protocol(services -> {})
            .environment(Map.of("TEST_COOKIE", "yes", "PLUGIN_RATE_LIMIT_ENABLED", "sometimes"))
            .stdout(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8))
            .stderr(new PrintStream(err, true, StandardCharsets.UTF_8))
            .watchParent(false)
            .build()
            .serve();
    assertThat(status).isEqualTo(1);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .contains("\"@level\":\"error\"", "PLUGIN_RATE_LIMIT_ENABLED='sometimes'");
  }

  @Test
  void negotiatesNewestCommonVersionElseOldest() {
    PluginServer server =
        PluginServer.builder(HANDSHAKE)
            .protocol(1, services -> {})
            .protocol(3, services -> {})
            .protocol(5, services -> {})
            .build();
    org.slf4j.Logger log = org.slf4j.helpers.NOPLogger.NOP_LOGGER;
    assertThat(server.negotiate("1,3,4", log)).isEqualTo(3);
    assertThat(server.negotiate("5,x", log)).isEqualTo(5);
    assertThat(server.negotiate("7", log)).isEqualTo(1);
    assertThat(server.negotiate(null, log)).isEqualTo(1);
  }
}
