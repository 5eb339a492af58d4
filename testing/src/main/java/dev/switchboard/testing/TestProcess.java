package dev.switchboard.testing;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.MatchResult;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real process a test runs: a peer, a server, a command-line tool. Its stdout and stderr are read
 * as they arrive, kept whole for the test to assert on, and logged line by line at DEBUG (logger
 * {@code dev.switchboard.testing.TestProcess}), so a passing run stays quiet. Every failure this
 * class reports (a line that never came, a port that never opened, a run that never ended) names
 * the process and quotes its last lines of output.
 *
 * <pre>{@code
 * try (TestProcess server = TestProcess.builder(PeerPrograms.javaMain(Main.class.getName()))
 *         .name("server").start()) {
 *   int port = Integer.parseInt(
 *       server.awaitLine(Pattern.compile("listening on port (\\d+)"), Duration.ofSeconds(30)).group(1));
 *   ...
 * }   // SIGTERM to the process and its children, SIGKILL after 5 s
 * }</pre>
 *
 * <p>Thread-safe: the output may be read while the process runs.
 */
public final class TestProcess implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(TestProcess.class);

  /** How many lines a failure message quotes. */
  static final int TAIL_LINES = 40;

  private static final Duration DEFAULT_GRACE = Duration.ofSeconds(5);
  private static final Duration KILL_WAIT = Duration.ofSeconds(10);
  private static final Duration PUMP_WAIT = Duration.ofSeconds(5);

  private final String name;
  private final String description;
  private final Process process;
  private final Writer stdin;
  private final List<Thread> pumps = new ArrayList<>();
  private final @Nullable Writer outputFile;

  // Guarded by this; waiters are woken on every line and at the end of each stream.
  private final StringBuilder stdout = new StringBuilder();
  private final StringBuilder stderr = new StringBuilder();
  private final List<String> lines = new ArrayList<>();
  private int openStreams = 2;

  private TestProcess(Builder builder, Process process, @Nullable Writer outputFile) {
    this.name = builder.name();
    this.description = describe(builder.command);
    this.process = process;
    this.stdin = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
    this.outputFile = outputFile;
  }

  /** A process that will run {@code command} (program first). */
  public static Builder builder(List<String> command) {
    return new Builder(command);
  }

  /** A process that will run {@code command} (program first). */
  public static Builder builder(String... command) {
    return new Builder(List.of(command));
  }

  /** How to start a {@link TestProcess}. */
  public static final class Builder {
    private final List<String> command;
    private @Nullable String name;
    private final Map<String, String> environment = new LinkedHashMap<>();
    private @Nullable Path directory;
    private @Nullable Path outputFile;

    private Builder(List<String> command) {
      if (command.isEmpty()) {
        throw new IllegalArgumentException("empty command");
      }
      this.command = List.copyOf(command);
    }

    /** The name logs and failure messages use; the program's file name by default. */
    public Builder name(String name) {
      this.name = name;
      return this;
    }

    /** An environment variable added to (or replacing one of) this JVM's environment. */
    public Builder env(String variable, String value) {
      environment.put(variable, value);
      return this;
    }

    /** Environment variables added to (or replacing those of) this JVM's environment. */
    public Builder env(Map<String, String> variables) {
      environment.putAll(variables);
      return this;
    }

    /** The working directory; this JVM's by default. */
    public Builder directory(Path directory) {
      this.directory = directory;
      return this;
    }

    /**
     * Also writes every line of output, stdout and stderr as they interleave, to {@code file}
     * (replaced if it exists), for runs whose logs a person reads afterwards.
     */
    public Builder outputFile(Path file) {
      this.outputFile = file;
      return this;
    }

    /**
     * Starts the process. Its stdin stays open for {@link TestProcess#stdin()}.
     *
     * @throws UncheckedIOException if the program cannot be started (missing, not executable)
     */
    public TestProcess start() {
      ProcessBuilder builder = new ProcessBuilder(command);
      builder.environment().putAll(environment);
      if (directory != null) {
        builder.directory(directory.toFile());
      }
      Writer file = null;
      Process process;
      try {
        if (outputFile != null) {
          file = Files.newBufferedWriter(outputFile, StandardCharsets.UTF_8);
        }
        process = builder.start();
      } catch (IOException e) {
        closeQuietly(file);
        throw new UncheckedIOException("could not start " + name() + ": " + describe(command), e);
      }
      TestProcess started = new TestProcess(this, process, file);
      log.debug("started {} (pid {}): {}", started.name, process.pid(), started.description);
      started.pump("stdout", process.getInputStream(), started.stdout);
      started.pump("stderr", process.getErrorStream(), started.stderr);
      return started;
    }

    /**
     * Starts the process with stdin closed and waits for it to exit.
     *
     * @throws AssertionError if it runs longer than {@code timeout} (it is killed, with its whole
     *     tree, and the message quotes its last lines)
     */
    public Result run(Duration timeout) {
      try (TestProcess process = start()) {
        process.closeStdin();
        process.awaitExit(timeout);
        return process.result();
      }
    }

    private String name() {
      return name != null ? name : Path.of(command.get(0)).getFileName().toString();
    }
  }

  /**
   * A finished run: its exit code and everything it printed.
   *
   * @param name the process's name
   * @param exitCode the exit code
   * @param stdout everything printed on stdout, exactly
   * @param stderr everything printed on stderr, exactly
   * @param output the lines of both, in the order they arrived
   */
  public record Result(String name, int exitCode, String stdout, String stderr, String output) {
    /**
     * This result if the exit code is 0.
     *
     * @throws AssertionError naming the process, its exit code and its output otherwise
     */
    public Result assertSuccess() {
      if (exitCode != 0) {
        throw new AssertionError(this);
      }
      return this;
    }

    /** The name, the exit code and the output: a readable failure description. */
    @Override
    public String toString() {
      return name
          + " exited with "
          + exitCode
          + (output.isEmpty() ? ", printing nothing" : ":\n" + output);
    }
  }

  private void pump(String stream, InputStream in, StringBuilder exact) {
    Thread thread =
        new Thread(
            () -> {
              StringBuilder line = new StringBuilder();
              char[] buffer = new char[8192];
              try (Reader reader = new InputStreamReader(in, StandardCharsets.UTF_8)) {
                int read;
                while ((read = reader.read(buffer)) >= 0) {
                  synchronized (this) {
                    exact.append(buffer, 0, read);
                  }
                  for (int i = 0; i < read; i++) {
                    char c = buffer[i];
                    if (c == '\n') {
                      line(stream, line);
                    } else if (c != '\r') {
                      line.append(c);
                    }
                  }
                }
              } catch (IOException e) {
                // The process went away mid-read; what arrived is all there is.
                log.debug("{} {}: {}", name, stream, e.toString());
              } finally {
                if (line.length() > 0) {
                  line(stream, line);
                }
                synchronized (this) {
                  openStreams--;
                  notifyAll();
                }
              }
            },
            "process-" + name + "-" + stream);
    thread.setDaemon(true);
    pumps.add(thread);
    thread.start();
  }

  private void line(String stream, StringBuilder line) {
    String text = line.toString();
    line.setLength(0);
    log.debug("{} {}: {}", name, stream, text);
    synchronized (this) {
      lines.add(text);
      if (outputFile != null) {
        try {
          outputFile.write(text);
          outputFile.write('\n');
          outputFile.flush();
        } catch (IOException e) {
          log.debug("{}: writing the output file failed: {}", name, e.toString());
        }
      }
      notifyAll();
    }
  }

  /** The name given to the builder, or the program's file name. */
  public String name() {
    return name;
  }

  /** The process id. */
  public long pid() {
    return process.pid();
  }

  /** The process's handle, to ask the OS about it (CPU time, children). */
  public ProcessHandle handle() {
    return process.toHandle();
  }

  /** Whether the process is still running. */
  public boolean isAlive() {
    return process.isAlive();
  }

  /** The exit code, once the process has exited. */
  public Optional<Integer> exitCode() {
    return process.isAlive() ? Optional.empty() : Optional.of(process.exitValue());
  }

  /** The process's stdin (UTF-8); closing it closes the process's stdin. */
  public Writer stdin() {
    return stdin;
  }

  /** Closes the process's stdin, as at the end of piped input. */
  public void closeStdin() {
    closeQuietly(stdin);
  }

  /** Everything printed on stdout so far, exactly. */
  public synchronized String stdout() {
    return stdout.toString();
  }

  /** Everything printed on stderr so far, exactly. */
  public synchronized String stderr() {
    return stderr.toString();
  }

  /** The lines of stdout and stderr so far, in the order they arrived, each ending in a newline. */
  public synchronized String output() {
    StringBuilder all = new StringBuilder();
    for (String line : lines) {
      all.append(line).append('\n');
    }
    return all.toString();
  }

  /** The last lines of output, for failure messages. */
  public synchronized String tail() {
    List<String> last = lines.subList(Math.max(0, lines.size() - TAIL_LINES), lines.size());
    String skipped =
        lines.size() > TAIL_LINES ? "[" + (lines.size() - TAIL_LINES) + " lines before]\n" : "";
    return last.isEmpty() ? "(no output)" : skipped + String.join("\n", last);
  }

  /**
   * Waits for a line of output (stdout or stderr, from the first line on) in which {@code pattern}
   * is found, and returns the match, so groups can be read: {@code awaitLine(Pattern.compile("port
   * (\\d+)"), timeout).group(1)}.
   *
   * @throws AssertionError if the output ends (the process exited) or {@code timeout} passes first;
   *     the message quotes the last lines
   */
  public MatchResult awaitLine(Pattern pattern, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    int next = 0;
    synchronized (this) {
      while (true) {
        for (; next < lines.size(); next++) {
          Matcher matcher = pattern.matcher(lines.get(next));
          if (matcher.find()) {
            return matcher.toMatchResult();
          }
        }
        if (openStreams == 0) {
          break;
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new AssertionError(
              describeFailure("printed no line matching /" + pattern + "/ within " + timeout));
        }
        waitNanos(left);
      }
    }
    awaitQuietly(process, Duration.ofSeconds(2));
    throw new AssertionError(
        describeFailure("ended its output without a line matching /" + pattern + "/"));
  }

  /**
   * Waits until something accepts TCP connections on the loopback address's {@code port}, for peers
   * that do not print when they are ready (or print before they bind).
   *
   * @throws AssertionError if the process exits or {@code timeout} passes first
   */
  public void awaitListening(int port, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      if (!process.isAlive()) {
        throw new AssertionError(describeFailure("exited before listening on port " + port));
      }
      try (Socket socket = new Socket()) {
        socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 500);
        return;
      } catch (IOException notYet) {
        if (System.nanoTime() > deadline) {
          throw new AssertionError(
              describeFailure("did not listen on port " + port + " within " + timeout));
        }
        Await.pause(Duration.ofMillis(50));
      }
    }
  }

  /**
   * Waits for the process to exit and for its output to be read to the end.
   *
   * @return the exit code
   * @throws AssertionError if it runs longer than {@code timeout}; the process and its tree are
   *     then killed, and the message quotes the last lines
   */
  public int awaitExit(Duration timeout) {
    if (!awaitQuietly(process, timeout)) {
      kill();
      throw new AssertionError(describeFailure("did not exit within " + timeout + "; killed it"));
    }
    for (Thread pump : pumps) {
      try {
        pump.join(PUMP_WAIT.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(name + ": interrupted while reading its output", e);
      }
    }
    return process.exitValue();
  }

  /** The finished run; call after {@link #awaitExit}. */
  public Result result() {
    if (process.isAlive()) {
      throw new IllegalStateException(name + " is still running");
    }
    return new Result(name, process.exitValue(), stdout(), stderr(), output());
  }

  /**
   * SIGKILL to every process of the tree, children first (so none is re-parented out of reach),
   * then waits for them to go. No shutdown hooks run: use this to simulate a crash. Safe to call
   * any number of times.
   */
  public void kill() {
    Set<ProcessHandle> tree = tree();
    tree.forEach(ProcessHandle::destroyForcibly);
    if (!awaitAll(tree, KILL_WAIT)) {
      log.warn("{}: processes still alive {} after SIGKILL", name, KILL_WAIT);
    }
  }

  /**
   * SIGTERM to every process of the tree, children first, and SIGKILL to those still alive after
   * {@code grace}. Safe to call any number of times.
   */
  public void stop(Duration grace) {
    Set<ProcessHandle> tree = tree();
    tree.forEach(ProcessHandle::destroy);
    if (!awaitAll(tree, grace)) {
      log.debug("{}: still alive {} after SIGTERM; sending SIGKILL", name, grace);
      // Children it started while stopping are killed too.
      tree.addAll(tree());
      tree.forEach(ProcessHandle::destroyForcibly);
      awaitAll(tree, KILL_WAIT);
    }
  }

  /** {@link #stop stop(5 s)}: SIGTERM to the tree, then SIGKILL. Safe to call more than once. */
  @Override
  public void close() {
    stop(DEFAULT_GRACE);
    closeStdin();
    closeQuietly(outputFile);
  }

  /** The live descendants, deepest first, then the process itself. */
  private Set<ProcessHandle> tree() {
    List<ProcessHandle> descendants = new ArrayList<>(process.descendants().toList());
    Collections.reverse(descendants);
    Set<ProcessHandle> tree = new LinkedHashSet<>(descendants);
    tree.add(process.toHandle());
    return tree;
  }

  private static boolean awaitAll(Set<ProcessHandle> tree, Duration wait) {
    long deadline = System.nanoTime() + wait.toNanos();
    for (ProcessHandle handle : tree) {
      long left = deadline - System.nanoTime();
      try {
        handle.onExit().get(Math.max(0, left), TimeUnit.NANOSECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      } catch (Exception timeout) {
        return tree.stream().noneMatch(ProcessHandle::isAlive);
      }
    }
    return true;
  }

  private static boolean awaitQuietly(Process process, Duration wait) {
    try {
      return process.waitFor(wait.toNanos(), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while waiting for a process", e);
    }
  }

  private void waitNanos(long nanos) {
    try {
      TimeUnit.NANOSECONDS.timedWait(this, nanos);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(name + ": interrupted while waiting for its output", e);
    }
  }

  private String describeFailure(String what) {
    String state =
        process.isAlive() ? "still running" : "exited with status " + process.exitValue();
    return name
        + " (pid "
        + process.pid()
        + ", "
        + state
        + ") "
        + what
        + "\n  command: "
        + description
        + "\n  last lines:\n    "
        + tail().replace("\n", "\n    ");
  }

  @Override
  public String toString() {
    return name + " (pid " + process.pid() + ")";
  }

  /**
   * A command as failure messages show it: a class path longer than a line is shortened to its
   * number of entries, so that messages stay readable.
   */
  static String describe(List<String> command) {
    List<String> shown = new ArrayList<>(command.size());
    for (int i = 0; i < command.size(); i++) {
      String arg = command.get(i);
      boolean classPath =
          i > 0 && (command.get(i - 1).equals("-cp") || command.get(i - 1).equals("-classpath"));
      if (classPath && arg.length() > 100) {
        shown.add("<class path of " + arg.split(File.pathSeparator, -1).length + " entries>");
      } else {
        shown.add(arg);
      }
    }
    return String.join(" ", shown);
  }

  private static void closeQuietly(@Nullable Writer writer) {
    if (writer == null) {
      return;
    }
    try {
      writer.close();
    } catch (IOException ignored) {
      // The process has gone; nothing is left to flush to.
    }
  }
}
