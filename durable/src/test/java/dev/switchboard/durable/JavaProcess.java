package dev.switchboard.durable;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A {@code main} class of these tests run as a real JVM process, with its output collected. The one
 * place the durable tests launch processes, until the shared harness offers the same.
 */
final class JavaProcess implements AutoCloseable {
  private final Process process;
  private final List<String> stdout = new ArrayList<>();
  private final List<String> stderr = new ArrayList<>();
  private final Thread outReader;
  private final Thread errReader;

  private JavaProcess(Process process) {
    this.process = process;
    this.outReader = drain(process.getInputStream(), stdout);
    this.errReader = drain(process.getErrorStream(), stderr);
  }

  static JavaProcess start(Class<?> main, String... args) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-XX:TieredStopAtLevel=1");
    command.add("-XX:+UseSerialGC");
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(main.getName());
    command.addAll(List.of(args));
    return new JavaProcess(new ProcessBuilder(command).start());
  }

  private static Thread drain(java.io.InputStream in, List<String> lines) {
    Thread t =
        new Thread(
            () -> {
              try (BufferedReader r =
                  new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                  synchronized (lines) {
                    lines.add(line);
                    lines.notifyAll();
                  }
                }
              } catch (IOException e) {
                // the process went away; what was read stays
              }
            });
    t.setDaemon(true);
    t.start();
    return t;
  }

  /** The first stdout line starting with {@code prefix}, waiting up to {@code timeout}. */
  String awaitLine(String prefix, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (stdout) {
      while (true) {
        for (String line : stdout) {
          if (line.startsWith(prefix)) {
            return line;
          }
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new AssertionError(
              "no line starting with '"
                  + prefix
                  + "' within "
                  + timeout
                  + "; stdout "
                  + stdout
                  + ", stderr "
                  + stderr());
        }
        TimeUnit.NANOSECONDS.timedWait(stdout, left);
      }
    }
  }

  /** Waits for the process to exit and returns its exit code (137 after SIGKILL). */
  int exitCode(Duration timeout) throws InterruptedException {
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("process did not exit within " + timeout + "; stderr " + stderr());
    }
    outReader.join(5_000);
    errReader.join(5_000);
    return process.exitValue();
  }

  List<String> stdout() {
    synchronized (stdout) {
      return List.copyOf(stdout);
    }
  }

  List<String> stderr() {
    synchronized (stderr) {
      return List.copyOf(stderr);
    }
  }

  long pid() {
    return process.pid();
  }

  /** SIGKILL. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(10, TimeUnit.SECONDS);
  }

  /** Closes the process's stdin (peers here stop when it closes). */
  void closeStdin() throws IOException {
    process.getOutputStream().close();
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      try {
        closeStdin();
      } catch (IOException ignored) {
        // it is going away anyway
      }
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        kill();
      }
    }
  }
}
