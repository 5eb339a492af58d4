package dev.switchboard.interop.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.interop.internal.InteropFlags.UsageException;
import java.util.Set;
import org.junit.jupiter.api.Test;

class InteropFlagsTest {
  private static final Set<String> KNOWN = Set.of("port", "use_tls", "test_case");

  @Test
  void readsGrpcJavaStyleFlagsWithDefaults() throws UsageException {
    InteropFlags flags =
        InteropFlags.parse(new String[] {"--port=0", "--use_tls=false", "--test_case=a=b"}, KNOWN);
    assertThat(flags.integer("port", 8080)).isZero();
    assertThat(flags.bool("use_tls", true)).isFalse();
    assertThat(flags.string("test_case", "empty_unary")).isEqualTo("a=b");
    assertThat(InteropFlags.parse(new String[0], KNOWN).bool("use_tls", true)).isTrue();
  }

  @Test
  void rejectsUnknownMalformedAndMistypedFlagsNamingThem() throws UsageException {
    assertThatThrownBy(() -> InteropFlags.parse(new String[] {"--prot=1"}, KNOWN))
        .isInstanceOf(UsageException.class)
        .hasMessage("unknown argument --prot");
    assertThatThrownBy(() -> InteropFlags.parse(new String[] {"--port"}, KNOWN))
        .hasMessageContaining("'--port'")
        .hasMessageContaining("--key=value");
    assertThatThrownBy(() -> InteropFlags.parse(new String[] {"port=1"}, KNOWN))
        .hasMessageContaining("'port=1'");
    InteropFlags flags = InteropFlags.parse(new String[] {"--port=x", "--use_tls=yes"}, KNOWN);
    assertThatThrownBy(() -> flags.integer("port", 0)).hasMessage("--port=x: not a number");
    assertThatThrownBy(() -> flags.bool("use_tls", true))
        .hasMessage("--use_tls=yes: expected true or false");
  }
}
