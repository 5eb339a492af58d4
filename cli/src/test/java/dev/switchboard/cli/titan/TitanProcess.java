package dev.switchboard.cli.titan;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code bin/titan} as a real process: the shaded jar in its own JVM, stdout read line by line,
 * stderr kept in a file for failure messages. {@link #close()} is safe to call twice.
 */
public final class TitanProcess implements AutoCloseable {
  private final Process process;
  private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
  private final List<String> seen = new ArrayList<>();
  private final Path stderr;
  private final String name;

  private TitanProcess(String name, Process process, Path stderr) {
    this.name = name;
    this.process = process;
    this.stderr = stderr;
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader in =
                  new BufferedReader(
                      new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                  lines.add(line);
                }
              } catch (IOException ignored) {
                // process gone
              }
            },
            "titan-stdout-" + name);
    reader.setDaemon(true);
    reader.start();
  }

  /** The jar that failsafe builds before the integration tests run. */
  public static Path jar() {
    String jar = System.getProperty("titan.jar");
    if (jar == null || !Files.isRegularFile(Path.of(jar))) {
      throw new IllegalStateException(
          "titan.jar not found (system property titan.jar="
              + jar
              + "); run the integration tests through mvn verify, which builds it");
    }
    return Path.of(jar);
  }

  public static TitanProcess start(Path workDir, String name, String... args) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(ProcessHandle.current().info().command().orElse("java"));
    // Test JVMs are short-lived and the machine is small: the quick JIT tier and a small heap start
    // fastest.
    command.addAll(
        List.of(
            "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx256m", "-jar", jar().toString()));
    command.addAll(List.of(args));
    Path err = workDir.resolve(name + ".stderr");
    Process p = new ProcessBuilder(command).redirectError(err.toFile()).start();
    return new TitanProcess(name, p, err);
  }

  /** Waits for a stdout line matching {@code regex}; returns the match. */
  public Matcher awaitLine(String regex, Duration timeout) throws InterruptedException {
    Pattern pattern = Pattern.compile(regex);
    for (String line : seen) {
      Matcher m = pattern.matcher(line);
      if (m.find()) {
        return m;
      }
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      long left = deadline - System.nanoTime();
      String line = left > 0 ? lines.poll(left, TimeUnit.NANOSECONDS) : null;
      if (line == null) {
        throw new AssertionError(
            name
                + ": no stdout line matching /"
                + regex
                + "/ within "
                + timeout
                + "; alive="
                + process.isAlive()
                + "; stdout so far: "
                + seen
                + "; stderr: "
                + stderrText());
      }
      seen.add(line);
      Matcher m = pattern.matcher(line);
      if (m.find()) {
        return m;
      }
    }
  }

  /** Waits for the process to exit; returns its exit code. */
  public int awaitExit(Duration timeout) throws InterruptedException {
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new AssertionError(
          name + " did not exit within " + timeout + "; stderr: " + stderrText());
    }
    return process.exitValue();
  }

  /** Everything printed on stdout so far (after the process exited: all of it). */
  public String stdout() throws InterruptedException {
    Thread.sleep(50);
    lines.drainTo(seen);
    return String.join("\n", seen);
  }

  public String stderrText() {
    try {
      return Files.readString(stderr);
    } catch (IOException e) {
      return "(stderr unreadable: " + e + ")";
    }
  }

  /** SIGKILL: no shutdown hooks, no goodbye to peers. */
  public void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(10, TimeUnit.SECONDS);
  }

  public long pid() {
    return process.pid();
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      process.destroy();
      try {
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
          process.destroyForcibly();
          process.waitFor(5, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        process.destroyForcibly();
        Thread.currentThread().interrupt();
      }
    }
  }
}
