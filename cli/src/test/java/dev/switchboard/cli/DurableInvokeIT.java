package dev.switchboard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.testing.EffectServer;
import dev.switchboard.testing.HoldingProxy;
import dev.switchboard.testing.PeerPrograms;
import dev.switchboard.testing.TestProcess;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code sb invoke --worker --oplog} as a user meets a crash: the sb process is SIGKILLed while its
 * call is in flight (the effect server has applied it; a proxy holds its answer back), and running
 * the same command again resumes the call with the same idempotency key, so the effect is applied
 * exactly once. A different call at that point is a divergence. {@code sb oplog show} and {@code
 * replay} read the history back, and no credential is ever stored.
 */
class DurableInvokeIT {
  private static final Path JAR =
      Path.of(System.getProperty("sb.jar", "target/sb.jar")).toAbsolutePath();
  private static final Duration TIMEOUT = Duration.ofSeconds(60);
  private static final String TOKEN = "tok-9f3c1d7e";
  private static final Pattern KEY = Pattern.compile("key: +([0-9a-f-]{36})");

  @TempDir Path dir;

  @Test
  void killedMidCallResumesWithTheSameKeyAndTheEffectHappensOnce() throws Exception {
    try (EffectServer effects = EffectServer.start();
        HoldingProxy proxy = HoldingProxy.start(effects.port())) {
      SbRun wit =
          SbRun.run(
              "wit",
              "--openapi",
              effects.openApiUrl(),
              "-o",
              dir.resolve("wit").toString(),
              "--binding");
      assertThat(wit.exit()).as(wit.toString()).isZero();
      String binding = dir.resolve("wit/binding.json").toString();
      String oplog = "sqlite:" + dir.resolve("oplog");
      List<String> durable =
          List.of(
              "--binding",
              binding,
              "--base-url",
              "http://127.0.0.1:" + proxy.port(),
              "--bearer-token-env",
              "EFFECTS_TOKEN",
              "--worker",
              "order-42",
              "--oplog",
              oplog,
              "--honours-idempotency-keys");

      // 1. The call reaches the peer, which applies it; its answer is held; sb is killed.
      CountDownLatch held = new CountDownLatch(1);
      proxy.holdNextResponse(held::countDown);
      try (TestProcess first = start(invoke(durable, "effects-resource.post", "\"e1\""))) {
        assertThat(held.await(TIMEOUT.toSeconds(), TimeUnit.SECONDS))
            .as("the peer answered through the proxy:%n%s", first.output())
            .isTrue();
        first.kill();
      }
      assertThat(effects.stats()).containsEntry("effect e1", "1");

      // 2. The oplog shows the open intent and the key it carried, without the token.
      TestProcess.Result open = sb(List.of("oplog", "show", "--oplog", oplog, "order-42"));
      assertThat(open.exitCode()).as(open.toString()).isZero();
      assertThat(open.stdout())
          .contains("#1 effects-resource.post  keyed", "request:   \"e1\"", "(open intent")
          .doesNotContain(TOKEN);
      Matcher key = KEY.matcher(open.stdout());
      assertThat(key.find()).as(open.stdout()).isTrue();
      String idempotencyKey = key.group(1);
      assertThat(effects.stats()).containsEntry("key " + idempotencyKey, "1");

      // 3. A different call where the interrupted one stands is a divergence, and sends nothing.
      int requests = effects.requests();
      TestProcess.Result other = sb(invoke(durable, "effects-resource.post", "\"e2\""));
      assertThat(other.exitCode()).as(other.toString()).isEqualTo(ExitCode.BAD_INPUT);
      assertThat(other.stderr()).contains("diverged from its oplog at #1", "\"e1\"", "\"e2\"");
      assertThat(effects.requests()).isEqualTo(requests);

      // 4. The same command again resumes the call with its key: the peer answers as the first
      // time and applies nothing more.
      TestProcess.Result resumed = sb(invoke(durable, "effects-resource.post", "\"e1\""));
      assertThat(resumed.exitCode()).as(resumed.toString()).isZero();
      assertThat(resumed.stdout()).isEqualTo("\"e1 applied #1\"\n");
      assertThat(resumed.stderr()).contains("resumed the interrupted call #1", idempotencyKey);
      assertThat(effects.stats())
          .containsEntry("effect e1", "1")
          .containsEntry("key " + idempotencyKey, "2");
      assertThat(effects.process().output())
          .as("the token really was sent, with the key, both times")
          .contains(
              "request POST /effects/e1 key=" + idempotencyKey + " authorization=Bearer " + TOKEN);

      // 5. A further run is the worker's next call: a new entry with a new key.
      TestProcess.Result next = sb(invoke(durable, "effects-resource.get", "\"e1\""));
      assertThat(next.exitCode()).as(next.toString()).isZero();
      assertThat(next.stdout()).isEqualTo("\"1\"\n");

      TestProcess.Result shown = sb(List.of("oplog", "show", "--oplog", oplog, "order-42"));
      assertThat(shown.stdout())
          .startsWith("worker order-42: 2 entries\n")
          .contains(
              "result:    ok(\"e1 applied #1\")",
              "#2 effects-resource.get  idempotent",
              "ok(\"1\")")
          .doesNotContain(TOKEN);
      assertThat(storedBytesContain(dir.resolve("oplog"), TOKEN))
          .as("the token in the oplog's files")
          .isFalse();

      // 6. Replay re-checks the history against the binding without calling anything.
      proxy.close();
      requests = effects.requests();
      TestProcess.Result replay =
          sb(List.of("oplog", "replay", "--oplog", oplog, "--binding", binding, "order-42"));
      assertThat(replay.exitCode()).as(replay.toString()).isZero();
      assertThat(replay.stdout())
          .isEqualTo(
              "#1 effects-resource.post -> ok(\"e1 applied #1\")\n"
                  + "#2 effects-resource.get -> ok(\"1\")\n"
                  + "worker order-42: 2 calls replayed without calling anything; the history"
                  + " matches "
                  + binding
                  + "\n");
      assertThat(effects.requests()).isEqualTo(requests);
    }
  }

  private static boolean storedBytesContain(Path directory, String secret) throws Exception {
    byte[] needle = secret.getBytes(StandardCharsets.UTF_8);
    try (Stream<Path> files = Files.walk(directory)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        String bytes = new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1);
        if (bytes.contains(new String(needle, StandardCharsets.ISO_8859_1))) {
          return true;
        }
      }
    }
    return false;
  }

  private static List<String> invoke(List<String> options, String function, String arg) {
    List<String> line = new ArrayList<>(List.of("invoke"));
    line.addAll(options);
    line.add(function);
    line.add(arg);
    return line;
  }

  private static TestProcess start(List<String> args) {
    List<String> command = new ArrayList<>(List.of("-jar", JAR.toString()));
    command.addAll(args);
    return TestProcess.builder(PeerPrograms.java(command.toArray(String[]::new)))
        .name("sb")
        .env("EFFECTS_TOKEN", TOKEN)
        .start();
  }

  private static TestProcess.Result sb(List<String> args) {
    try (TestProcess sb = start(args)) {
      sb.closeStdin();
      sb.awaitExit(TIMEOUT);
      return sb.result();
    }
  }
}
