package dev.switchboard.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.testing.PeerPrograms;
import dev.switchboard.testing.TestProcess;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Unix-socket servers and channels ask netty for no option unix sockets lack. grpc-java asks every
 * connection for SO_KEEPALIVE, and netty warns once per connection that a domain socket has no such
 * option; the runtime removes the request at the source instead of hiding the warning, so nothing
 * reaches the stderr of a process whose logging shows warnings.
 */
class UnixSocketQuietIT {

  @Test
  void unixConnectionsLeaveStderrWithoutAWordAboutSoKeepalive(@TempDir Path dir) {
    TestProcess.Result run =
        TestProcess.builder(
                PeerPrograms.javaMain(
                    UnixSocketCall.class.getName(), dir.resolve("quiet.sock").toString()))
            .run(Duration.ofSeconds(60));
    assertThat(run.exitCode()).as(run.output()).isZero();
    assertThat(run.stderr())
        .doesNotContain("SO_KEEPALIVE")
        .doesNotContain("Unknown channel option");
  }
}
