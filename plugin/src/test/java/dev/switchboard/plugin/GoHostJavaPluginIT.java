package dev.switchboard.plugin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.testing.TestProcess;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A Go host built on Debian's go-plugin 1.0.1 loads our Java KV plugin: put, get, a 3 MB value and
 * 50 concurrent put+get pairs, with AutoMTLS on and off.
 */
class GoHostJavaPluginIT {
  private static List<String> selftest(boolean mtls, List<String> plugin) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(Peers.goHost().toString());
    if (mtls) {
      command.add("-mtls");
    }
    command.addAll(List.of("-n", "50", "-cmd", String.join(" ", plugin), "selftest"));
    return command;
  }

  @Test
  void goHostLoadsJavaPluginWithAutoMtls() throws Exception {
    TestProcess.Result result =
        TestProcess.builder(selftest(true, Peers.javaKvPluginScript()))
            .run(Duration.ofSeconds(180));
    assertThat(result.output()).contains("OK put+get", "OK 3MB 3145728", "OK concurrent 50");
    assertThat(result.exitCode()).as(result.output()).isZero();
  }

  @Test
  void goHostLoadsJavaPluginInPlaintext() throws Exception {
    List<String> plugin = List.of("java", "-jar", Peers.TARGET.resolve("kv-plugin.jar").toString());
    TestProcess.Result result =
        TestProcess.builder(selftest(false, plugin)).run(Duration.ofSeconds(180));
    assertThat(result.output()).contains("OK put+get", "OK 3MB 3145728", "OK concurrent 50");
    assertThat(result.exitCode()).as(result.output()).isZero();
  }
}
