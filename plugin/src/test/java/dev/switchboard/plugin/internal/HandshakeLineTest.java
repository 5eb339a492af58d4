package dev.switchboard.plugin.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class HandshakeLineTest {
  @Test
  void printsSixFieldsWithEmptyCertificateLikeGoPlugin() {
    HandshakeLine line = new HandshakeLine(1, 5, "unix", "/tmp/plugin123", "grpc", null);
    assertThat(line.format()).isEqualTo("1|5|unix|/tmp/plugin123|grpc|");
  }

  @Test
  void parsesFullLineWithCertificate() {
    String cert = "A".repeat(60);
    HandshakeLine line = HandshakeLine.parse("1|2|tcp|127.0.0.1:1234|grpc|" + cert + "\n");
    assertThat(line).isEqualTo(new HandshakeLine(1, 2, "tcp", "127.0.0.1:1234", "grpc", cert));
  }

  @Test
  void shortExtraFieldIsNotACertificate() {
    assertThat(HandshakeLine.parse("1|1|unix|/p|grpc|xyz").certificate()).isNull();
  }

  @Test
  void protocolDefaultsToNetrpcWhenAbsent() {
    assertThat(HandshakeLine.parse("1|1|unix|/p").protocol()).isEqualTo("netrpc");
  }

  @Test
  void explainsBadFields() {
    assertThatThrownBy(() -> HandshakeLine.parse("1|1|unix")).hasMessageContaining("at least 4");
    assertThatThrownBy(() -> HandshakeLine.parse("x|1|unix|/p"))
        .hasMessageContaining("'x' is not a number");
    assertThatThrownBy(() -> HandshakeLine.parse("1|1|udp|/p"))
        .hasMessageContaining("unknown network 'udp'");
  }

  @Test
  void recognisesHandshakeShapedLines() {
    assertThat(HandshakeLine.looksLikeHandshake("1|1|unix|/p|grpc|")).isTrue();
    assertThat(HandshakeLine.looksLikeHandshake("starting up | please wait")).isFalse();
    assertThat(HandshakeLine.looksLikeHandshake("hello")).isFalse();
  }
}
