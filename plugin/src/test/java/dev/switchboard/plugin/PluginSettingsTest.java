package dev.switchboard.plugin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PluginSettingsTest {
  @Test
  void defaultsMatchGoPlugin() {
    PluginSettings settings = PluginSettings.defaults();
    assertThat(settings.handshakeTimeout()).isEqualTo(Duration.ofMinutes(1));
    assertThat(settings.maxMessageSize()).isEqualTo(Integer.MAX_VALUE);
    assertThat(settings.serverTransports()).containsExactly("unix", "tcp");
    assertThat(settings.rateLimitEnabled()).isFalse();
  }

  @Test
  void readsPyviderVariables() {
    PluginSettings settings =
        PluginSettings.fromEnvironment(
            Map.of(
                "PLUGIN_HANDSHAKE_TIMEOUT", "2.5",
                "PLUGIN_SERVER_TRANSPORTS", "[\"tcp\"]",
                "PLUGIN_RATE_LIMIT_ENABLED", "true",
                "PLUGIN_RATE_LIMIT_REQUESTS_PER_SECOND", "5",
                "PLUGIN_CLIENT_MAX_RETRIES", "7",
                "PLUGIN_LOG_LEVEL", "warning"));
    assertThat(settings.handshakeTimeout()).isEqualTo(Duration.ofMillis(2500));
    assertThat(settings.serverTransports()).isEqualTo(List.of("tcp"));
    assertThat(settings.rateLimitEnabled()).isTrue();
    assertThat(settings.rateLimitRequestsPerSecond()).isEqualTo(5);
    assertThat(settings.maxRetries()).isEqualTo(7);
    assertThat(settings.logLevel()).isEqualTo("WARN");
  }

  @Test
  void badValuesNameTheVariable() {
    assertThatThrownBy(() -> PluginSettings.fromEnvironment(Map.of("PLUGIN_AUTO_MTLS", "maybe")))
        .hasMessageContaining("PLUGIN_AUTO_MTLS='maybe'");
    assertThatThrownBy(
            () -> PluginSettings.fromEnvironment(Map.of("PLUGIN_SERVER_TRANSPORTS", "udp")))
        .hasMessageContaining("unknown transport 'udp'");
    assertThatThrownBy(
            () -> PluginSettings.fromEnvironment(Map.of("PLUGIN_HANDSHAKE_TIMEOUT", "-1")))
        .hasMessageContaining("PLUGIN_HANDSHAKE_TIMEOUT");
  }
}
