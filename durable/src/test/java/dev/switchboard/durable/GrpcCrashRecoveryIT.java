package dev.switchboard.durable;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.runtime.SwitchboardServer;
import dev.switchboard.testing.PeerPrograms;
import dev.switchboard.testing.TestProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The crash tests over gRPC: a worker process making unary calls to a server that counts effects by
 * their {@code idempotency-key} metadata is SIGKILLed at each point of a call; re-running it must
 * end with every effect applied exactly once, the same results as a run that never crashed, and no
 * request for calls the oplog already held.
 */
class GrpcCrashRecoveryIT {
  static final Duration WAIT = Duration.ofSeconds(60);

  @TempDir Path dir;
  final GrpcEffects effects = new GrpcEffects();
  SwitchboardServer server;

  @BeforeEach
  void startPeer() throws Exception {
    server = SwitchboardServer.builder("127.0.0.1:0").service(effects.service()).build().start();
  }

  @AfterEach
  void stopPeer() {
    server.close();
  }

  private TestProcess worker(String crash) {
    return TestProcess.builder(
            PeerPrograms.javaMain(
                CrashingWorker.class.getName(),
                "sqlite:" + dir,
                String.valueOf(server.port()),
                "order-42",
                crash,
                "--grpc"))
        .name("worker")
        .start();
  }

  @ParameterizedTest(name = "SIGKILL at call #{0} {1}")
  @CsvSource({"4, after-intent", "4, after-send", "4, after-response", "4, after-commit"})
  void everyEffectHappensExactlyOnceWhereverTheWorkerDies(int seq, String point) {
    try (TestProcess crashed = worker(seq + ":" + point)) {
      assertThat(crashed.awaitExit(WAIT))
          .as("killed by SIGKILL: %s", crashed.stderr())
          .isEqualTo(137);
    }
    int requestsBefore = effects.requests();

    try (TestProcess rerun = worker("none")) {
      assertThat(rerun.awaitExit(WAIT)).as("%s", rerun.stderr()).isZero();
      assertThat(rerun.stdout().lines().toList()).containsSubsequence(CrashRecoveryIT.CLEAN_RUN);
    }

    assertThat(effects.effects()).containsEntry("e0", 1).containsEntry("e1", 1);
    // The re-run sent only what the oplog did not hold as committed: the interrupted call (if it
    // never committed) and the gRPC calls after it (#1, #2, #4 and #5 are calls; #3 and #6 are
    // not).
    int callsAfter = (int) List.of(1, 2, 4, 5).stream().filter(s -> s > seq).count();
    boolean interruptedCallResent = !point.equals("after-commit");
    assertThat(effects.requests() - requestsBefore)
        .as("requests the re-run sent")
        .isEqualTo(callsAfter + (interruptedCallResent ? 1 : 0));
  }
}
