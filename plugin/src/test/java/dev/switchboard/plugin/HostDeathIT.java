package dev.switchboard.plugin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.testing.PeerPrograms;
import dev.switchboard.testing.TestProcess;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A host that dies at any moment of a Java plugin's life leaves no plugin behind: killed with
 * SIGKILL before the plugin's JVM reaches {@code main}, during its TLS set-up, around its handshake
 * line or while it serves, the plugin ({@code bin/kv-plugin}) and everything it started are gone
 * within 3 s, and its unix socket with them. The hosts are go-plugin 1.0.1's (the Go KV host) and
 * ours ({@link HoldingHost}); the moments sweep 0..1 s after the launch in small steps, spread over
 * plaintext and AutoMTLS, TCP and unix sockets, plus the moment the plugin first served a call.
 *
 * <p>Every process of a trial carries a variable of its own (hosts hand their environment to their
 * plugins), so the check finds the plugin at any stage: the launcher script, the JVM, its children.
 */
class HostDeathIT {
  private static final String TRIAL = "SWITCHBOARD_HOST_DEATH_TRIAL";
  private static final Duration ORPHAN_LIMIT = Duration.ofSeconds(3);
  private static final Duration LATE_LIMIT = Duration.ofSeconds(15);
  private static final Duration START_LIMIT = Duration.ofSeconds(60);

  /** Trials run side by side: each one mostly waits, and the sweep must stay within a minute. */
  private static final int PARALLEL = 2;

  private static final int SWEEP_END_MS = 1000;
  private static final int SERVING = -1;

  private enum Host {
    GO,
    JAVA
  }

  private record Mode(boolean mtls, String transport) {
    @Override
    public String toString() {
      return (mtls ? "AutoMTLS" : "plaintext") + " over " + transport;
    }
  }

  private record Trial(Host host, Mode mode, int moment) {
    @Override
    public String toString() {
      String when = moment == SERVING ? "once serving" : moment + " ms after the launch";
      return host + " host, " + mode + ", SIGKILL " + when;
    }
  }

  private static final List<Mode> MODES =
      List.of(
          new Mode(false, "unix"),
          new Mode(true, "unix"),
          new Mode(false, "tcp"),
          new Mode(true, "tcp"));

  @BeforeAll
  static void peers() throws Exception {
    Peers.goHost();
    // Trains bin/kv-plugin's class-data-sharing archive now rather than inside a trial; run by
    // hand, the plugin explains it needs a host and exits 1.
    TestProcess.Result run =
        TestProcess.builder(Peers.javaKvPluginScript()).run(Duration.ofSeconds(120));
    assertThat(run.output()).as(run.toString()).contains("This binary is a plugin");
  }

  @Test
  void goHostSigkilledAtAnyMomentOfThePluginsStart() throws Exception {
    // Each mode every 100 ms from its own offset: together, every 25 ms from 0 to 1 s.
    sweep(Host.GO, 100);
  }

  @Test
  void javaHostSigkilledAtAnyMomentOfThePluginsStart() throws Exception {
    // A JVM host costs a second of CPU per trial: each mode every 200 ms, together every 50 ms.
    sweep(Host.JAVA, 200);
  }

  @Test
  void pluginEndsTheProcessesItStartedWhenItsHostDies() throws Exception {
    String id = UUID.randomUUID().toString();
    Path dir = Files.createTempDirectory(Path.of("/tmp"), "hd");
    String plugin =
        String.join(
            " ", PeerPrograms.javaMain("dev.switchboard.plugin.FaultPlugin", "spawn-child"));
    try (TestProcess host =
        TestProcess.builder(
                Peers.goHost().toString(), "-hold", "10m", "-cmd", plugin, "put", "k", "v")
            .env(TRIAL, id)
            .env("PLUGIN_UNIX_SOCKET_DIR", dir.toString())
            .start()) {
      host.awaitLine(Pattern.compile("^HOLDING"), START_LIMIT);
      assertThat(processesOf(id)).as("the plugin and its sleep child").hasSizeGreaterThan(2);
      assertThat(sigkillAndCheck("a plugin with a child process", host, id, dir)).isNull();
    } finally {
      deleteTree(dir);
    }
  }

  @Test
  void pluginOfAHostThatIsPid1ServesOn() throws Exception {
    Path unshare = PeerPrograms.onPath("unshare", "util-linux");
    List<String> command =
        List.of(
            unshare.toString(),
            "--pid",
            "--fork",
            "--mount-proc",
            Peers.goHost().toString(),
            "-mtls",
            "-n",
            "8",
            // Longer than the plugin's host watch takes to act on a host it believes gone.
            "-hold",
            "1500ms",
            "-cmd",
            String.join(" ", Peers.javaKvPluginScript()),
            "selftest");
    TestProcess.Result result =
        TestProcess.builder(command)
            .env("PLUGIN_SERVER_TRANSPORTS", "unix")
            .run(Duration.ofSeconds(120));
    assertThat(result.output())
        .as(result.toString())
        .contains("OK put+get", "OK concurrent 8", "HOLDING pid 1", "OK after hold");
    assertThat(result.exitCode()).as(result.toString()).isZero();
  }

  @Test
  void javaHostThatExitsEndsAGoPluginThatDoesNotWatchIt() throws Exception {
    // A Go plugin does not notice its host's death; our host's exit hook ends it on SIGTERM,
    // whether the plugin is still starting or serving.
    for (boolean serving : List.of(false, true)) {
      String id = UUID.randomUUID().toString();
      try (TestProcess host =
          TestProcess.builder(
                  PeerPrograms.javaMain(
                      "dev.switchboard.plugin.HoldingHost", "plain", Peers.goPlugin().toString()))
              .env(TRIAL, id)
              .start()) {
        host.awaitLine(Pattern.compile(serving ? "^PLUGIN_PID" : "^LAUNCHING"), START_LIMIT);
        host.handle().destroy(); // SIGTERM: shutdown hooks run
        host.awaitExit(Duration.ofSeconds(30));
        List<ProcessHandle> left = awaitNoneLeft(id, ORPHAN_LIMIT);
        assertThat(left)
            .as(
                "Go plugin processes after its Java host exited %s",
                serving ? "serving" : "starting")
            .extracting(HostDeathIT::describe)
            .isEmpty();
      }
    }
  }

  private static void sweep(Host host, int step) throws Exception {
    List<Trial> trials = new ArrayList<>();
    for (int m = 0; m < MODES.size(); m++) {
      Mode mode = MODES.get(m);
      trials.add(new Trial(host, mode, 0));
      for (int moment = m * step / MODES.size(); moment <= SWEEP_END_MS; moment += step) {
        if (moment > 0) {
          trials.add(new Trial(host, mode, moment));
        }
      }
      trials.add(new Trial(host, mode, SERVING));
    }
    ExecutorService pool = Executors.newFixedThreadPool(PARALLEL);
    try {
      List<Future<@Nullable String>> outcomes = new ArrayList<>();
      for (Trial trial : trials) {
        outcomes.add(pool.submit(() -> run(trial)));
      }
      List<String> failures = new ArrayList<>();
      for (Future<@Nullable String> outcome : outcomes) {
        String failure = outcome.get();
        if (failure != null) {
          failures.add(failure);
        }
      }
      assertThat(failures)
          .as("%d of %d trials left something behind", failures.size(), trials.size())
          .isEmpty();
    } finally {
      pool.shutdownNow();
    }
  }

  /** One trial: null when nothing was left behind, else what was. */
  private static @Nullable String run(Trial trial) throws Exception {
    String id = UUID.randomUUID().toString();
    // Short, for unix socket paths; the plugin's socket and anything else it makes go here.
    Path dir = Files.createTempDirectory(Path.of("/tmp"), "hd");
    List<String> plugin = Peers.javaKvPluginScript();
    List<String> command = new ArrayList<>();
    Pattern serving;
    if (trial.host() == Host.GO) {
      command.add(Peers.goHost().toString());
      if (trial.mode().mtls()) {
        command.add("-mtls");
      }
      command.addAll(List.of("-hold", "10m", "-cmd", String.join(" ", plugin), "put", "k", "v"));
      serving = Pattern.compile("^HOLDING");
    } else {
      List<String> args = new ArrayList<>();
      args.add(trial.mode().mtls() ? "mtls" : "plain");
      args.addAll(plugin);
      command.addAll(
          PeerPrograms.javaMain("dev.switchboard.plugin.HoldingHost", args.toArray(String[]::new)));
      serving = Pattern.compile("^PLUGIN_PID");
    }
    try (TestProcess host =
        TestProcess.builder(command)
            .name(trial.toString())
            .env(TRIAL, id)
            .env("PLUGIN_SERVER_TRANSPORTS", trial.mode().transport())
            .env("PLUGIN_UNIX_SOCKET_DIR", dir.toString())
            .env("TMPDIR", dir.toString())
            .start()) {
      if (trial.host() == Host.JAVA) {
        host.awaitLine(Pattern.compile("^LAUNCHING"), START_LIMIT);
      }
      if (trial.moment() == SERVING) {
        host.awaitLine(serving, START_LIMIT);
      } else {
        Thread.sleep(trial.moment());
      }
      return sigkillAndCheck(trial.toString(), host, id, dir);
    } finally {
      deleteTree(dir);
    }
  }

  /**
   * SIGKILLs {@code host} alone; null when none of the trial's processes is left {@link
   * #ORPHAN_LIMIT} later and {@code dir} is empty, else what was left.
   */
  private static @Nullable String sigkillAndCheck(
      String trial, TestProcess host, String id, Path dir) throws Exception {
    host.handle().destroyForcibly();
    long killed = System.nanoTime();
    List<ProcessHandle> left = awaitNoneLeft(id, ORPHAN_LIMIT);
    if (!left.isEmpty()) {
      List<String> described = left.stream().map(HostDeathIT::describe).toList();
      // How late, if at all: a slow exit and one that never comes are different bugs.
      List<ProcessHandle> stayed = awaitNoneLeft(id, LATE_LIMIT);
      String outcome =
          stayed.isEmpty()
              ? "gone only after " + (System.nanoTime() - killed) / 1_000_000 + " ms"
              : "still there after " + LATE_LIMIT.toSeconds() + " s";
      stayed.forEach(ProcessHandle::destroyForcibly);
      return trial
          + ": still running "
          + ORPHAN_LIMIT.toSeconds()
          + " s after the host died ("
          + outcome
          + "): "
          + described;
    }
    List<String> files = filesIn(dir);
    if (!files.isEmpty()) {
      return trial + ": left " + files + " in its socket directory";
    }
    return null;
  }

  /** Waits up to {@code limit} for the trial's processes to end; those still alive. */
  private static List<ProcessHandle> awaitNoneLeft(String id, Duration limit)
      throws InterruptedException {
    long deadline = System.nanoTime() + limit.toNanos();
    while (true) {
      List<ProcessHandle> left = processesOf(id);
      if (left.isEmpty() || System.nanoTime() > deadline) {
        return left;
      }
      Thread.sleep(20);
    }
  }

  /** The live processes whose environment has the trial's variable (zombies have none left). */
  private static List<ProcessHandle> processesOf(String id) {
    String wanted = "\0" + TRIAL + "=" + id + "\0";
    List<ProcessHandle> found = new ArrayList<>();
    try (DirectoryStream<Path> processes = Files.newDirectoryStream(Path.of("/proc"))) {
      for (Path process : processes) {
        String name = process.getFileName().toString();
        if (!name.chars().allMatch(Character::isDigit)) {
          continue;
        }
        try {
          String environment =
              "\0"
                  + new String(
                      Files.readAllBytes(process.resolve("environ")), StandardCharsets.ISO_8859_1);
          if (environment.contains(wanted)) {
            ProcessHandle.of(Long.parseLong(name)).ifPresent(found::add);
          }
        } catch (IOException gone) {
          // Ended while we looked, or not ours to read.
        }
      }
    } catch (IOException e) {
      throw new AssertionError("cannot list /proc", e);
    }
    return found;
  }

  private static String describe(ProcessHandle process) {
    return process.pid()
        + " "
        + process.info().commandLine().orElse("(command line unknown)")
        + " threads "
        + threads(process.pid());
  }

  /** The process's thread names (a JVM's as the kernel keeps them: 15 characters). */
  private static List<String> threads(long pid) {
    List<String> names = new ArrayList<>();
    try (DirectoryStream<Path> tasks =
        Files.newDirectoryStream(Path.of("/proc/" + pid + "/task"))) {
      for (Path task : tasks) {
        names.add(Files.readString(task.resolve("comm")).strip());
      }
    } catch (IOException gone) {
      // Ended meanwhile.
    }
    return names;
  }

  private static List<String> filesIn(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.map(file -> file.getFileName().toString()).toList();
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(file);
      }
    }
  }
}
