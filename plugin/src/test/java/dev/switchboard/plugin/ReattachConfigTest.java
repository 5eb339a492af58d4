package dev.switchboard.plugin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ReattachConfigTest {
  @Test
  void roundTripsTerraformShape() {
    ReattachConfig config = new ReattachConfig("grpc", 5, "unix", "/tmp/plugin1", 42, false);
    assertThat(ReattachConfig.parse(config.toJson())).isEqualTo(config);
  }

  @Test
  void parsesProvidersMapCaseInsensitively() {
    var all =
        ReattachConfig.parseAll(
            "{\"registry.terraform.io/hashicorp/kv\":{\"protocol\":\"grpc\",\"protocolVersion\":6,"
                + "\"pid\":7,\"test\":true,\"addr\":{\"network\":\"tcp\",\"string\":\"127.0.0.1:1\"}}}");
    assertThat(all.get("registry.terraform.io/hashicorp/kv"))
        .isEqualTo(new ReattachConfig("grpc", 6, "tcp", "127.0.0.1:1", 7, true));
  }

  @Test
  void missingFieldIsLocated() {
    assertThatThrownBy(() -> ReattachConfig.parse("{\"Pid\":1}"))
        .hasMessageContaining("$.Addr is missing");
  }
}
