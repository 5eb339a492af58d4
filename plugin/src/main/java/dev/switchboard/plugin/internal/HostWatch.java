package dev.switchboard.plugin.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Ends a plugin whose host is gone, whenever the host died: before the plugin's JVM reached {@code
 * main}, during its start-up or while it serves.
 *
 * <p>The evidence is the host's end of the plugin's stdout and stderr pipes. A go-plugin host (and
 * {@code PluginClient}, and Python hosts) reads the plugin's stdout and stderr through pipes whose
 * read ends the host holds; the kernel closes them when the host dies, however it dies. So at start
 * the watch looks for the process that holds a read end of either pipe among the plugin's parent
 * and the parent's ancestors: the parent itself, or the host above a launcher script that did not
 * {@code exec}. None means the host died before the plugin got this far (the plugin was re-parented
 * to init or a subreaper, which never had the pipes), and the plugin ends at once. Otherwise it
 * polls every {@link #POLL}: the host is gone when the parent it started with has died or been
 * replaced, or when the reader has died.
 *
 * <p>The parent's process id alone cannot tell apart the two cases that matter: a plugin whose host
 * died before it looked sees init (or a subreaper) as its parent, exactly like a plugin that a
 * container's init, PID 1, really launched. Only the second has a parent that reads its pipes.
 *
 * <p>Without pipes on stdout and stderr (a plugin started by hand) there is no such evidence: the
 * watch then follows the parent it starts with, and watches nothing when that is already PID 1. A
 * parent outside the plugin's PID namespace cannot be looked at either, and is not watched.
 */
public final class HostWatch {
  static final Duration POLL = Duration.ofMillis(200);

  private static final Path PROC = Path.of("/proc");

  private HostWatch() {}

  /**
   * Starts a daemon thread that runs {@code onGone} once the host is gone, at once if it is gone
   * already.
   */
  public static void start(Runnable onGone) {
    Thread watcher = new Thread(new Watch(onGone), "plugin-host-watch");
    watcher.setDaemon(true);
    watcher.start();
  }

  /**
   * The watch runs beside the plugin's start, so it keeps to plain loops and classes the start
   * loads anyway: no lambdas or streams to bootstrap in a cold JVM.
   */
  private record Watch(Runnable onGone) implements Runnable {
    @Override
    public void run() {
      ProcessHandle self = ProcessHandle.current();
      ProcessHandle parent = self.parent().orElse(null);
      if (parent == null) {
        return; // The parent lives outside our PID namespace (or is gone): nothing to look at.
      }
      Set<String> pipes = stdioPipes(self.pid());
      ProcessHandle reader = null;
      if (!pipes.isEmpty()) {
        reader = readingAncestor(parent, pipes);
        if (reader == null) {
          onGone.run();
          return;
        }
      } else if (parent.pid() <= 1) {
        return; // No pipes and init for a parent: nothing tells a host is there to watch.
      }
      while (true) {
        try {
          Thread.sleep(POLL.toMillis());
        } catch (InterruptedException e) {
          return;
        }
        ProcessHandle now = self.parent().orElse(null);
        boolean parentGone = !parent.isAlive() || now == null || now.pid() != parent.pid();
        if (parentGone || (reader != null && !reader.isAlive())) {
          onGone.run();
          return;
        }
      }
    }
  }

  /**
   * The nearest of {@code parent} and its ancestors that holds one of {@code pipes} open for
   * reading: the host, directly or above a launcher that did not {@code exec}; null if none does.
   */
  static @Nullable ProcessHandle readingAncestor(ProcessHandle parent, Set<String> pipes) {
    for (ProcessHandle process = parent; process != null; process = process.parent().orElse(null)) {
      if (readsAny(process.pid(), pipes)) {
        return process;
      }
    }
    return null;
  }

  /**
   * The pipes on {@code pid}'s stdout and stderr, as {@code /proc} names them ({@code pipe:[N]});
   * empty when they are not pipes or {@code /proc} cannot tell.
   */
  static Set<String> stdioPipes(long pid) {
    Set<String> pipes = new LinkedHashSet<>();
    for (int fd = 1; fd <= 2; fd++) {
      String target = link(PROC.resolve(pid + "/fd/" + fd));
      if (target != null && target.startsWith("pipe:")) {
        pipes.add(target);
      }
    }
    return pipes;
  }

  /**
   * Whether {@code pid} holds one of {@code pipes} open for reading. The newest descriptors are
   * looked at first: a host made the plugin's pipes just before it started the plugin, and a JVM
   * host holds hundreds of older ones (its jars).
   */
  static boolean readsAny(long pid, Set<String> pipes) {
    Path process = PROC.resolve(Long.toString(pid));
    String[] names = process.resolve("fd").toFile().list();
    if (names == null) {
      return false; // Gone, or another user's process: it holds nothing we can see.
    }
    int[] descriptors = new int[names.length];
    for (int i = 0; i < names.length; i++) {
      try {
        descriptors[i] = Integer.parseInt(names[i]);
      } catch (NumberFormatException e) {
        descriptors[i] = -1;
      }
    }
    Arrays.sort(descriptors);
    for (int i = descriptors.length - 1; i >= 0 && descriptors[i] >= 0; i--) {
      String target = link(process.resolve("fd/" + descriptors[i]));
      if (target != null
          && pipes.contains(target)
          && readable(process.resolve("fdinfo/" + descriptors[i]))) {
        return true;
      }
    }
    return false;
  }

  /** Whether the descriptor {@code fdinfo} describes is open for reading (O_RDONLY or O_RDWR). */
  private static boolean readable(Path fdinfo) {
    try {
      for (String line : Files.readAllLines(fdinfo, StandardCharsets.US_ASCII)) {
        if (line.startsWith("flags:")) {
          int accessMode = Integer.parseInt(line.substring("flags:".length()).trim(), 8) & 3;
          return accessMode == 0 || accessMode == 2;
        }
      }
    } catch (IOException | SecurityException | NumberFormatException e) {
      // Closed meanwhile, or not ours to read.
    }
    return false;
  }

  private static @Nullable String link(Path path) {
    try {
      return Files.readSymbolicLink(path).toString();
    } catch (IOException | UnsupportedOperationException | SecurityException e) {
      return null;
    }
  }
}
