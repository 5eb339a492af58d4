package dev.switchboard.plugin.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class HclogTest {
  @Test
  void writesHclogJsonWithSixFractionalDigits() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    Clock clock = Clock.fixed(Instant.parse("2026-01-02T03:04:05.123456789Z"), ZoneOffset.UTC);
    Hclog hclog =
        new Hclog(new PrintStream(bytes, true, StandardCharsets.UTF_8), clock, Hclog.Level.INFO);
    hclog.log(Hclog.Level.WARN, "kv", "said \"hi\"\n", "count", 3, "who", "me");
    hclog.log(Hclog.Level.DEBUG, "kv", "filtered");
    assertThat(bytes.toString(StandardCharsets.UTF_8))
        .isEqualTo(
            "{\"@level\":\"warn\",\"@message\":\"said \\\"hi\\\"\\n\",\"@module\":\"kv\","
                + "\"@timestamp\":\"2026-01-02T03:04:05.123456Z\",\"count\":3,\"who\":\"me\"}\n");
  }

  @Test
  void timestampKeepsLeadingZerosAndSixDigits() {
    StringBuilder json = new StringBuilder();
    Hclog.timestamp(json, Instant.parse("0987-11-02T03:04:05Z"));
    json.append(' ');
    Hclog.timestamp(json, Instant.parse("2026-12-31T23:59:59.000001999Z"));
    assertThat(json).hasToString("0987-11-02T03:04:05.000000Z 2026-12-31T23:59:59.000001Z");
  }
}
