package dev.switchboard.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class TestProcessTest {
  private static final Duration WAIT = Duration.ofSeconds(20);

  @Test
  void runKeepsStdoutAndStderrExactlyAndTheirLinesInOrder() {
    TestProcess.Result result =
        TestProcess.builder("sh", "-c", "printf 'a\\nb'; echo oops >&2; exit 3").run(WAIT);

    assertThat(result.exitCode()).isEqualTo(3);
    assertThat(result.stdout()).isEqualTo("a\nb");
    assertThat(result.stderr()).isEqualTo("oops\n");
    assertThat(result.output().lines()).containsExactlyInAnyOrder("a", "b", "oops");
    assertThatThrownBy(result::assertSuccess)
        .hasMessageStartingWith("sh exited with 3:")
        .hasMessageContaining("oops");
  }

  @Test
  void awaitLineReturnsTheMatchAndFailsWithTheTailWhenTheOutputEnds() {
    try (TestProcess process =
        TestProcess.builder("sh", "-c", "echo starting; echo 'port 4242'; read x")
            .name("server")
            .env("UNUSED", "1")
            .start()) {
      assertThat(process.awaitLine(Pattern.compile("port (\\d+)"), WAIT).group(1))
          .isEqualTo("4242");
      process.closeStdin();
      assertThatThrownBy(() -> process.awaitLine(Pattern.compile("never"), WAIT))
          .hasMessageContaining("server (pid " + process.pid())
          .hasMessageContaining("exited with status 1")
          .hasMessageContaining("without a line matching /never/")
          .hasMessageContaining("    starting\n    port 4242");
    }
  }

  @Test
  void awaitLineTimesOutNamingWhatItWaitedFor() {
    try (TestProcess process = TestProcess.builder("sleep", "30").start()) {
      assertThatThrownBy(() -> process.awaitLine(Pattern.compile("ready"), Duration.ofMillis(200)))
          .hasMessageContaining("still running")
          .hasMessageContaining("printed no line matching /ready/ within PT0.2S")
          .hasMessageContaining("(no output)");
    }
  }

  @Test
  void killEndsTheWholeTreeAndIsIdempotent() {
    TestProcess process =
        TestProcess.builder("sh", "-c", "sleep 300 & echo child $!; wait").start();
    long child = Long.parseLong(process.awaitLine(Pattern.compile("child (\\d+)"), WAIT).group(1));
    ProcessHandle grandchild = ProcessHandle.of(child).orElseThrow();

    process.kill();
    process.kill();
    process.close();

    assertThat(process.isAlive()).isFalse();
    assertThat(grandchild.isAlive()).isFalse();
  }

  @Test
  void awaitListeningWaitsForThePortAndNotesAnEarlyExit() throws Exception {
    try (ServerSocket socket = new ServerSocket(0);
        TestProcess sleeper = TestProcess.builder("sleep", "30").start()) {
      sleeper.awaitListening(socket.getLocalPort(), WAIT);
    }
    int closed = FreePorts.pick();
    try (TestProcess quitter = TestProcess.builder("true").start()) {
      assertThatThrownBy(() -> quitter.awaitListening(closed, WAIT))
          .hasMessageContaining("exited before listening on port " + closed);
    }
  }

  @Test
  void awaitExitKillsARunThatOverstaysAndSaysSo() {
    assertThatThrownBy(
            () -> TestProcess.builder("sh", "-c", "echo hi; sleep 30").run(Duration.ofMillis(500)))
        .hasMessageContaining("did not exit within PT0.5S; killed it")
        .hasMessageContaining("hi");
  }

  @Test
  void longClassPathsAreShortenedInMessages() {
    String classPath = String.join(":", java.util.Collections.nCopies(30, "/some/long/jar.jar"));

    assertThat(TestProcess.describe(List.of("java", "-cp", classPath, "Main", "-x")))
        .isEqualTo("java -cp <class path of 30 entries> Main -x");
  }
}
