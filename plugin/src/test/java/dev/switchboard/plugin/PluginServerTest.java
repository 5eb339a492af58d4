package dev.switchboard.plugin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.plugin.examples.kv.KVGrpc;
import dev.switchboard.plugin.internal.AutoMtls;
import io.grpc.netty.shaded.io.netty.util.internal.logging.InternalLoggerFactory;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Properties;
import java.util.TimeZone;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
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

  /**
   * A library changes no process-wide setting: serving, with AutoMTLS and without, leaves system
   * properties, netty's logging factory and java.util.logging's levels as they were, and gives
   * System.out and System.err back when it stops.
   */
  @Test
  void servingLeavesProcessWideSettingsAlone() throws Exception {
    // The JDK sets user.timezone itself the first time anything asks for the time zone.
    TimeZone.getDefault();
    Properties properties = (Properties) System.getProperties().clone();
    PrintStream out = System.out;
    PrintStream err = System.err;
    InternalLoggerFactory nettyLogging = InternalLoggerFactory.getDefaultFactory();
    java.util.logging.Level bootstrapLevel =
        java.util.logging.Logger.getLogger("io.grpc.netty.shaded.io.netty.bootstrap.Bootstrap")
            .getLevel();

    serveOnce(Map.of("TEST_COOKIE", "yes"));
    serveOnce(
        Map.of("TEST_COOKIE", "yes", "PLUGIN_CLIENT_CERT", AutoMtls.generate().certificatePem()));

    assertThat(System.getProperties()).isEqualTo(properties);
    assertThat(System.out).as("stdout is the plugin's only while it serves").isSameAs(out);
    assertThat(System.err).isSameAs(err);
    assertThat(InternalLoggerFactory.getDefaultFactory()).isSameAs(nettyLogging);
    assertThat(
            java.util.logging.Logger.getLogger("io.grpc.netty.shaded.io.netty.bootstrap.Bootstrap")
                .getLevel())
        .isEqualTo(bootstrapLevel);
  }

  /** Serves until the handshake line is out, then stops the plugin as a host's Shutdown would. */
  private static void serveOnce(Map<String, String> environment) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PluginServer server =
        PluginServer.builder(HANDSHAKE)
            .protocol(services -> services.service(new KVGrpc.KVImplBase() {}))
            .environment(environment)
            .stdout(new PrintStream(out, true, StandardCharsets.UTF_8))
            .stderr(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8))
            .watchParent(false)
            .build();
    CompletableFuture<Integer> status = CompletableFuture.supplyAsync(server::serve);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!out.toString(StandardCharsets.UTF_8).contains("\n") && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertThat(out.toString(StandardCharsets.UTF_8)).startsWith("1|1|unix|");
    server.stop();
    assertThat(status.get(30, TimeUnit.SECONDS)).isZero();
  }

  @Test
  void aHostCertificateThatIsNotPemIsAStartFailure() {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status =
        PluginServer.builder(HANDSHAKE)
            .protocol(services -> {})
            .environment(Map.of("TEST_COOKIE", "yes", "PLUGIN_CLIENT_CERT", "not a certificate"))
            .stdout(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8))
            .stderr(new PrintStream(err, true, StandardCharsets.UTF_8))
            .watchParent(false)
            .build()
            .serve();
    assertThat(status).isEqualTo(1);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .contains("\"@level\":\"error\"", "PLUGIN_CLIENT_CERT is not a PEM certificate");
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
