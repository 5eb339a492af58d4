package dev.switchboard.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Unix-socket servers and channels ask netty for no option unix sockets lack. grpc-java asks every
 * connection for SO_KEEPALIVE, and netty warns once per connection that a domain socket has no such
 * option; the runtime removes the request at the source instead of hiding the warning, so nothing
 * reaches stderr of a process that never configured its logging.
 */
class UnixSocketQuietIT {

  @Test
  void unixConnectionsLeaveStderrWithoutAWordAboutSoKeepalive(@TempDir Path dir) throws Exception {
    Process child =
        new ProcessBuilder(
                List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp",
                    System.getProperty("java.class.path"),
                    UnixSocketCall.class.getName(),
                    dir.resolve("quiet.sock").toString()))
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();
    String stderr = new String(child.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(child.waitFor(60, TimeUnit.SECONDS)).as("the child finishes").isTrue();
    assertThat(child.exitValue()).as(stderr).isZero();
    assertThat(stderr).doesNotContain("SO_KEEPALIVE").doesNotContain("Unknown channel option");
  }
}
