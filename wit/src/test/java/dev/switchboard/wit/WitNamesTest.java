package dev.switchboard.wit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.wit.internal.WitNames;
import org.junit.jupiter.api.Test;

class WitNamesTest {
  @Test
  void writesNamesAsAPersonWould() {
    assertThat(WitNames.kebab("GRPCBin")).isEqualTo("grpc-bin");
    assertThat(WitNames.kebab("f_int32")).isEqualTo("f-int32");
    assertThat(WitNames.kebab("HTTPServer2")).isEqualTo("http-server2");
    assertThat(WitNames.kebab("userId")).isEqualTo("user-id");
    assertThat(WitNames.kebab("X-RateLimit-Limit")).isEqualTo("x-rate-limit-limit");
    assertThat(WitNames.kebab("int32Value")).isEqualTo("int32-value");
    assertThat(WitNames.kebab("SERVING_STATUS")).isEqualTo("serving-status");
    assertThat(WitNames.kebab("+1")).isEqualTo("plus1");
    assertThat(WitNames.kebab("-1")).isEqualTo("minus1");
    assertThat(WitNames.kebab("200")).isEqualTo("n200");
    assertThat(WitNames.kebab("")).isEqualTo("unnamed");
  }

  @Test
  void escapesKeywordsOnly() {
    assertThat(WitNames.escape("record")).isEqualTo("%record");
    assertThat(WitNames.escape("list")).isEqualTo("%list");
    assertThat(WitNames.escape("offset")).isEqualTo("offset");
  }

  @Test
  void shortensLongNamesDeterministicallyAndDistinctly() {
    String a = WitNames.kebab("a".repeat(10) + "_" + "very_long_name_".repeat(8) + "one");
    String b = WitNames.kebab("a".repeat(10) + "_" + "very_long_name_".repeat(8) + "two");
    assertThat(a)
        .hasSizeLessThanOrEqualTo(64)
        .isNotEqualTo(b)
        .matches("[a-z][a-z0-9]*(-[a-z0-9]+)*");
    assertThat(a)
        .isEqualTo(WitNames.kebab("a".repeat(10) + "_" + "very_long_name_".repeat(8) + "one"));
  }
}
