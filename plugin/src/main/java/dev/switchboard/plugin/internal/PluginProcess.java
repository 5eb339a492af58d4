package dev.switchboard.plugin.internal;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;

/**
 * A launched plugin process seen from the host: its stdout is scanned for the handshake line (lines
 * before it are noise, logged and kept for the diagnosis), its stderr is re-logged through {@link
 * HclogRelay} and its tail kept for error messages, and the whole process tree can be terminated.
 */
public final class PluginProcess {
  static final int STDERR_TAIL_LINES = 40;
  static final int NOISE_LINES = 20;

  private final Process process;
  private final String name;
  private final Logger log;

  /** The handshake line, or empty once stdout has ended without one. */
  private final BlockingQueue<Optional<String>> candidates = new LinkedBlockingQueue<>();

  // Guarded by themselves.
  private final Deque<String> stderrTail = new ArrayDeque<>();
  private final List<String> noise = new ArrayList<>();
  private final CompletableFuture<Void> stderrDone = new CompletableFuture<>();

  private PluginProcess(Process process, String name, Logger log) {
    this.process = process;
    this.name = name;
    this.log = log;
  }

  /** Starts {@code command} with exactly {@code environment}. */
  public static PluginProcess start(
      List<String> command,
      Map<String, String> environment,
      String name,
      Logger log,
      Consumer<String> stdoutAfterHandshake)
      throws IOException {
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().clear();
    builder.environment().putAll(environment);
    builder.redirectInput(ProcessBuilder.Redirect.PIPE);
    Process process = builder.start();
    process.getOutputStream().close();
    PluginProcess plugin = new PluginProcess(process, name, log);
    plugin.pump(
        "stdout",
        process.getInputStream(),
        plugin.stdoutHandler(stdoutAfterHandshake),
        () -> plugin.candidates.add(Optional.empty()));
    HclogRelay relay = new HclogRelay(log);
    plugin.pump(
        "stderr",
        process.getErrorStream(),
        line -> {
          synchronized (plugin.stderrTail) {
            plugin.stderrTail.addLast(line);
            if (plugin.stderrTail.size() > STDERR_TAIL_LINES) {
              plugin.stderrTail.removeFirst();
            }
          }
          relay.relay(line);
        },
        () -> plugin.stderrDone.complete(null));
    return plugin;
  }

  private Consumer<String> stdoutHandler(Consumer<String> afterHandshake) {
    boolean[] found = {false};
    return line -> {
      if (found[0]) {
        afterHandshake.accept(line);
      } else if (HandshakeLine.looksLikeHandshake(line)) {
        found[0] = true;
        candidates.add(Optional.of(line));
      } else {
        // go-plugin takes the first line as the handshake; we tolerate output before it, and keep
        // the first lines of it for the diagnosis should the handshake never come.
        synchronized (noise) {
          if (noise.size() < NOISE_LINES) {
            log.warn("plugin {} printed before its handshake line: {}", name, line);
            noise.add(line);
          } else if (noise.size() == NOISE_LINES) {
            log.warn(
                "plugin {} keeps printing before its handshake line; not logging more of it", name);
            noise.add("...");
          }
        }
      }
    };
  }

  /** Reads {@code in} line by line on a daemon thread, then runs {@code atEnd}. */
  private void pump(String stream, InputStream in, Consumer<String> lines, Runnable atEnd) {
    Thread thread =
        new Thread(
            () -> {
              try (BufferedReader reader =
                  new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                String line;
                while ((line = reader.readLine()) != null) {
                  lines.accept(line);
                }
              } catch (IOException e) {
                log.debug("reading plugin {}: {}", stream, e.toString());
              } finally {
                atEnd.run();
              }
            },
            "plugin-" + name + "-" + stream);
    thread.setDaemon(true);
    thread.start();
  }

  /** The outcome of waiting for the handshake. */
  public sealed interface Start permits Line, Exited, TimedOut {}

  public record Line(String line) implements Start {}

  public record Exited(int status) implements Start {}

  public record TimedOut() implements Start {}

  /** Waits for the handshake line, the end of stdout (the plugin exited) or the timeout. */
  public Start awaitHandshake(Duration timeout) throws InterruptedException {
    Optional<String> line = candidates.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
    if (line == null) {
      return new TimedOut();
    }
    if (line.isEmpty()) {
      try {
        process.waitFor(2, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      if (!process.isAlive()) {
        awaitStderr();
        return new Exited(process.exitValue());
      }
      // stdout closed but the process lives on: it will never print the line.
      return new TimedOut();
    }
    return new Line(line.get());
  }

  /** Lets the stderr pump catch up so a diagnosis includes the plugin's last words. */
  public void awaitStderr() {
    try {
      stderrDone.get(500, TimeUnit.MILLISECONDS);
    } catch (Exception ignored) {
      // Whatever arrived so far is what we report.
    }
  }

  public String stderrTail() {
    synchronized (stderrTail) {
      return String.join("\n", stderrTail);
    }
  }

  public List<String> noise() {
    synchronized (noise) {
      return List.copyOf(noise);
    }
  }

  public long pid() {
    return process.pid();
  }

  public CompletableFuture<Process> onExit() {
    return process.onExit();
  }

  public Optional<Integer> exitCode() {
    return process.isAlive() ? Optional.empty() : Optional.of(process.exitValue());
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** The process and all its descendants, taken now (children re-parent once the plugin dies). */
  public List<ProcessHandle> tree() {
    List<ProcessHandle> tree = new ArrayList<>();
    tree.add(process.toHandle());
    process.descendants().forEach(tree::add);
    return tree;
  }

  /** SIGTERM to every process of {@code tree}, then SIGKILL to those alive after {@code wait}. */
  public static void terminate(List<ProcessHandle> tree, Duration wait, Logger log) {
    for (ProcessHandle handle : tree) {
      if (handle.isAlive()) {
        handle.destroy();
      }
    }
    if (!awaitAll(tree, wait)) {
      for (ProcessHandle handle : tree) {
        if (handle.isAlive()) {
          log.warn("plugin process {} ignored SIGTERM; sending SIGKILL", handle.pid());
          handle.destroyForcibly();
        }
      }
      awaitAll(tree, Duration.ofSeconds(5));
    }
  }

  static boolean awaitAll(List<ProcessHandle> tree, Duration wait) {
    long deadline = System.nanoTime() + wait.toNanos();
    for (ProcessHandle handle : tree) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return tree.stream().noneMatch(ProcessHandle::isAlive);
      }
      try {
        handle.onExit().get(left, TimeUnit.NANOSECONDS);
      } catch (Exception timeout) {
        return tree.stream().noneMatch(ProcessHandle::isAlive);
      }
    }
    return true;
  }
}
