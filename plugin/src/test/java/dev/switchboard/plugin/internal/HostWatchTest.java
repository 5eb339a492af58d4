package dev.switchboard.plugin.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * How the watch finds its host, on a real child process of this JVM: the child's stdout and stderr
 * are pipes whose read ends this JVM holds, as a host holds its plugin's.
 */
class HostWatchTest {
  private static final long SELF = ProcessHandle.current().pid();

  @Test
  void theParentHoldsTheReadEndsOfTheChildsStdioPipes() throws Exception {
    Process child = new ProcessBuilder("sleep", "30").start();
    try {
      Set<String> pipes = HostWatch.stdioPipes(child.pid());
      assertThat(pipes).hasSize(2).allMatch(pipe -> pipe.startsWith("pipe:["));
      assertThat(HostWatch.readsAny(SELF, pipes)).isTrue();
      // Seen from the child: its parent is the reader, and so is any ancestor's search.
      assertThat(HostWatch.readingAncestor(ProcessHandle.current(), pipes))
          .isEqualTo(ProcessHandle.current());
      // The child itself holds the write ends only: it does not read its own output.
      assertThat(HostWatch.readsAny(child.pid(), pipes)).isFalse();
    } finally {
      child.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void noReaderIsLeftOnceTheReadEndsAreClosed() throws Exception {
    Process child = new ProcessBuilder("sleep", "30").start();
    try {
      Set<String> pipes = HostWatch.stdioPipes(child.pid());
      child.getInputStream().close();
      child.getErrorStream().close();
      assertThat(HostWatch.readsAny(SELF, pipes)).isFalse();
      assertThat(HostWatch.readingAncestor(ProcessHandle.current(), pipes)).isNull();
    } finally {
      child.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void stdioThatIsNotAPipeGivesNoEvidence() throws Exception {
    Process child =
        new ProcessBuilder("sleep", "30")
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
    try {
      assertThat(HostWatch.stdioPipes(child.pid())).isEmpty();
    } finally {
      child.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }
}
