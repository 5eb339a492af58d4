package dev.switchboard.plugin.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class EndpointsTest {
  @Test
  void socketPathStaysInTheGivenDirectory() {
    Path path = Endpoints.socketPath("/var/tmp");
    assertThat(path.getParent()).isEqualTo(Path.of("/var/tmp"));
    assertThat(path.getFileName().toString()).startsWith("plugin");
  }

  @Test
  void tooLongSocketPathFallsBackToTmp() {
    Path path = Endpoints.socketPath("/var/tmp/" + "d".repeat(120));
    assertThat(path.getParent()).isEqualTo(Path.of("/tmp"));
    assertThat(path.toString().getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(107);
  }
}
