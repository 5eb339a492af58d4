package dev.switchboard.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TargetTest {

  @Test
  void parsesHostAndPort() {
    Target target = Target.parse("localhost:50051");
    assertThat(target.kind()).isEqualTo(Target.Kind.TCP);
    assertThat(target.host()).isEqualTo("localhost");
    assertThat(target.port()).isEqualTo(50051);
    assertThat(target).isEqualTo(Target.tcp("localhost", 50051));
  }

  @Test
  void parsesBracketedIpv6() {
    Target target = Target.parse("[::1]:8443");
    assertThat(target.host()).isEqualTo("::1");
    assertThat(target.port()).isEqualTo(8443);
    assertThat(target.toString()).isEqualTo("[::1]:8443");
  }

  @Test
  void parsesUnixPaths() {
    assertThat(Target.parse("unix:/tmp/app.sock").path()).isEqualTo(Path.of("/tmp/app.sock"));
    assertThat(Target.parse("unix:///tmp/app.sock").path()).isEqualTo(Path.of("/tmp/app.sock"));
    assertThat(Target.parse("unix:relative.sock").path()).isEqualTo(Path.of("relative.sock"));
    assertThat(Target.parse("unix:/tmp/app.sock").kind()).isEqualTo(Target.Kind.UNIX);
  }

  @Test
  void unixPathsFitTheOsLimitInBytes() {
    // Linux's sun_path holds 108 bytes, macOS's 104, each with a terminating NUL.
    int limit =
        System.getProperty("os.name").toLowerCase(java.util.Locale.ROOT).contains("linux")
            ? 107
            : 103;
    assertThat(Target.MAX_UNIX_PATH_BYTES).isEqualTo(limit);
    String longest = "/tmp/" + "s".repeat(limit - 5);
    assertThat(Target.unix(Path.of(longest)).path().toString()).hasSize(limit);
    assertThatThrownBy(() -> Target.unix(Path.of(longest + "s")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "unix socket path is "
                + (limit + 1)
                + " bytes, longer than the OS limit of "
                + limit
                + ": "
                + longest
                + "s (use a shorter path, e.g. under /tmp)");
    // The limit counts UTF-8 bytes, not characters: 'é' takes two.
    String accented = "/tmp/" + "é".repeat((limit - 5) / 2 + 1);
    assertThatThrownBy(() -> Target.parse("unix:" + accented))
        .hasMessageContaining("longer than the OS limit");
  }

  @Test
  void parsesInProcessNames() {
    Target target = Target.parse("inproc:demo");
    assertThat(target.kind()).isEqualTo(Target.Kind.IN_PROCESS);
    assertThat(target.name()).isEqualTo("demo");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"localhost:0", "10.1.2.3:443", "[::1]:80", "unix:/run/x.sock", "inproc:a:b"})
  void toStringParsesBack(String text) {
    Target target = Target.parse(text);
    assertThat(target.toString()).isEqualTo(text);
    assertThat(Target.parse(target.toString())).isEqualTo(target);
  }

  @Test
  void rejectsBadTargetsWithTheReason() {
    assertThatThrownBy(() -> Target.parse("localhost"))
        .hasMessageContaining("'localhost'")
        .hasMessageContaining("expected host:port, unix:/path or inproc:name");
    assertThatThrownBy(() -> Target.parse("localhost:http"))
        .hasMessageContaining("port 'http' is not a number");
    assertThatThrownBy(() -> Target.parse("localhost:70000"))
        .hasMessageContaining("outside 0..65535");
    assertThatThrownBy(() -> Target.parse(":80")).hasMessageContaining("host is empty");
    assertThatThrownBy(() -> Target.parse("::1:80")).hasMessageContaining("brackets");
    assertThatThrownBy(() -> Target.parse("[::1:80")).hasMessageContaining("closing ']'");
    assertThatThrownBy(() -> Target.parse("unix:")).hasMessageContaining("needs a socket path");
    assertThatThrownBy(() -> Target.parse("inproc:")).hasMessageContaining("needs a name");
    assertThatThrownBy(() -> Target.parse(" ")).hasMessageContaining("empty target");
    assertThatThrownBy(() -> Target.parse("x")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Target.parse("dns:///example.com:443"))
        .hasMessageContaining("URI schemes");
  }

  @Test
  void accessorsOfOtherKindsFailClearly() {
    assertThatThrownBy(() -> Target.parse("inproc:x").port())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("inproc:x is a IN_PROCESS target and has no port");
    assertThatThrownBy(() -> Target.parse("localhost:1").path())
        .isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> Target.parse("unix:/a").name())
        .isInstanceOf(IllegalStateException.class);
  }
}
