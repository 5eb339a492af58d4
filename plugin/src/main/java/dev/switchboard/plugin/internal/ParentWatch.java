package dev.switchboard.plugin.internal;

import java.time.Duration;
import java.util.Optional;

/**
 * Ends a plugin whose host is gone. A host killed by SIGKILL cannot stop its plugin, and the plugin
 * is then re-parented (to init or a subreaper); polling the parent catches both the death of the
 * original parent and the change of parent id.
 */
public final class ParentWatch {
  static final Duration POLL = Duration.ofMillis(200);

  private ParentWatch() {}

  /** Starts a daemon thread that runs {@code onOrphaned} once when the parent goes away. */
  public static void start(Runnable onOrphaned) {
    Optional<ProcessHandle> parent = ProcessHandle.current().parent();
    if (parent.isEmpty()) {
      return;
    }
    ProcessHandle original = parent.get();
    long originalPid = original.pid();
    if (originalPid <= 1) {
      return; // Already orphaned or started by init: there is no host to watch.
    }
    Thread watcher =
        new Thread(
            () -> {
              while (true) {
                try {
                  Thread.sleep(POLL.toMillis());
                } catch (InterruptedException e) {
                  return;
                }
                long now = ProcessHandle.current().parent().map(ProcessHandle::pid).orElse(-1L);
                if (now != originalPid || !original.isAlive()) {
                  onOrphaned.run();
                  return;
                }
              }
            },
            "plugin-parent-watch");
    watcher.setDaemon(true);
    watcher.start();
  }
}
