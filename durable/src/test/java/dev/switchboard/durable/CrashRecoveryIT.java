package dev.switchboard.durable;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.testing.EffectServer;
import dev.switchboard.testing.PeerPrograms;
import dev.switchboard.testing.TestProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A worker process making plain HTTP calls to a stateful peer process is SIGKILLed at each point of
 * a call; re-running it must end with every effect applied exactly once, the same results as a run
 * that never crashed, and no request for calls the oplog already held.
 */
class CrashRecoveryIT {
  static final Duration WAIT = Duration.ofSeconds(60);
  static final List<String> CLEAN_RUN =
      List.of(
          "#1 ok e0 applied #1",
          "#2 ok 1",
          "#3 local e0",
          "#4 ok e1 applied #1",
          "#5 ok 1",
          "#6 local e1");

  @TempDir Path dir;
  TestProcess server;
  int port;

  @BeforeEach
  void startPeer() throws Exception {
    server = peer("effect-server", EffectServer.class);
    port =
        Integer.parseInt(
            server.awaitLine(line("listening "), WAIT).group().substring("listening ".length()));
  }

  @AfterEach
  void stopPeer() throws Exception {
    server.close();
  }

  private TestProcess worker(String crash, String... more) throws Exception {
    String[] args = new String[4 + more.length];
    args[0] = "sqlite:" + dir;
    args[1] = String.valueOf(port);
    args[2] = "order-42";
    args[3] = crash;
    System.arraycopy(more, 0, args, 4, more.length);
    return peer("worker", CrashingWorker.class, args);
  }

  private Map<String, String> stats() throws Exception {
    java.net.http.HttpClient client = java.net.http.HttpClient.newHttpClient();
    String body =
        client
            .send(
                java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create("http://127.0.0.1:" + port + "/stats"))
                    .build(),
                java.net.http.HttpResponse.BodyHandlers.ofString())
            .body();
    Map<String, String> stats = new TreeMap<>();
    for (String line : body.split("\n")) {
      int space = line.lastIndexOf(' ');
      stats.put(line.substring(0, space), line.substring(space + 1));
    }
    return stats;
  }

  @ParameterizedTest(name = "SIGKILL at call #{0} {1}")
  @CsvSource({
    "4, after-intent",
    "4, after-send",
    "4, after-response",
    "4, after-commit",
    "2, after-send",
    "2, after-response",
    "3, after-commit"
  })
  void everyEffectHappensExactlyOnceWhereverTheWorkerDies(int seq, String point) throws Exception {
    TestProcess crashed = worker(seq + ":" + point);
    assertThat(crashed.awaitExit(WAIT))
        .as("killed by SIGKILL: %s", crashed.stderr())
        .isEqualTo(137);
    int requestsBefore = Integer.parseInt(stats().get("requests"));

    TestProcess rerun = worker("none");
    assertThat(rerun.awaitExit(WAIT)).as("%s", rerun.stderr()).isZero();
    assertThat(rerun.stdout().lines().toList()).containsSubsequence(CLEAN_RUN);

    Map<String, String> stats = stats();
    assertThat(stats).containsEntry("effect e0", "1").containsEntry("effect e1", "1");
    // The re-run sent only what the oplog did not hold as committed: the interrupted call (if it
    // never committed) and the calls after it.
    int requestsOfRerun = Integer.parseInt(stats.get("requests")) - requestsBefore;
    int httpCallsAfter = (int) List.of(1, 2, 4, 5).stream().filter(s -> s > seq).count();
    boolean interruptedCallResent = !point.equals("after-commit");
    assertThat(requestsOfRerun).isEqualTo(httpCallsAfter + (interruptedCallResent ? 1 : 0));
  }

  @Test
  void replayNeedsNoPeerAtAll() throws Exception {
    TestProcess first = worker("none");
    assertThat(first.awaitExit(WAIT)).isZero();
    server.close();
    // The peer is gone: a replay that sent anything would fail to connect.
    TestProcess replay = worker("none");
    assertThat(replay.awaitExit(WAIT)).as("%s", replay.stderr()).isZero();
    assertThat(replay.stdout().lines().toList()).containsSubsequence(CLEAN_RUN);
  }

  @Test
  void aNotIdempotentCallCutOffInFlightIsReportedUncertainNotRepeated() throws Exception {
    TestProcess crashed = worker("4:after-send", "--not-idempotent");
    assertThat(crashed.awaitExit(WAIT)).isEqualTo(137);
    TestProcess rerun = worker("none", "--not-idempotent");
    assertThat(rerun.awaitExit(WAIT)).isEqualTo(3);
    assertThat(rerun.stderr())
        .contains("worker order-42: call #4 POST /effects/e1")
        .contains("may or may not have taken effect");
    Map<String, String> stats = stats();
    assertThat(stats).containsEntry("effect e1", "1");
    assertThat(stats.entrySet().stream().filter(e -> e.getKey().startsWith("key ")))
        .allSatisfy(e -> assertThat(e.getValue()).isEqualTo("1"));
  }

  static TestProcess peer(String name, Class<?> main, String... args) {
    return TestProcess.builder(PeerPrograms.javaMain(main.getName(), args)).name(name).start();
  }

  static java.util.regex.Pattern line(String prefix) {
    return java.util.regex.Pattern.compile("^" + java.util.regex.Pattern.quote(prefix) + ".*");
  }
}
