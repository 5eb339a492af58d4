package dev.switchboard.plugin.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.runtime.Target;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ConnectionsTest {
  @Test
  void socketPathStaysInTheGivenDirectory() {
    Path path = Connections.socketPath(Path.of("/var/tmp"));
    assertThat(path.getParent()).isEqualTo(Path.of("/var/tmp"));
    assertThat(path.getFileName().toString()).startsWith("plugin");
  }

  @Test
  void tooLongSocketPathFallsBackToTmp() {
    Path path = Connections.socketPath(Path.of("/var/tmp/" + "d".repeat(120)));
    assertThat(path.getParent()).isEqualTo(Path.of("/tmp"));
    assertThat(path.toString().getBytes(StandardCharsets.UTF_8).length)
        .isLessThanOrEqualTo(Target.MAX_UNIX_PATH_BYTES);
  }

  @Test
  void pathAtTheOsLimitIsKept() {
    // "plugin" and up to 13 base-36 digits: the directory leaves room for the longest name.
    String dir = "/tmp/" + "d".repeat(Target.MAX_UNIX_PATH_BYTES - "/tmp/".length() - 20);
    Path path = Connections.socketPath(Path.of(dir));
    assertThat(path.getParent()).isEqualTo(Path.of(dir));
  }
}
