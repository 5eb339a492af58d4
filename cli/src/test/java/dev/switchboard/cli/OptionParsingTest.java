package dev.switchboard.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.Metadata;
import io.grpc.Status;
import java.net.ConnectException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.TypeConversionException;

class OptionParsingTest {
  @Test
  void deadlinesTakeAUnit() {
    DeadlineConverter converter = new DeadlineConverter();

    assertThat(converter.convert("250ms")).isEqualTo(Duration.ofMillis(250));
    assertThat(converter.convert("5s")).isEqualTo(Duration.ofSeconds(5));
    assertThat(converter.convert("1.5s")).isEqualTo(Duration.ofMillis(1500));
    assertThat(converter.convert("2m")).isEqualTo(Duration.ofMinutes(2));
    assertThat(converter.convert("1h")).isEqualTo(Duration.ofHours(1));
    assertThatThrownBy(() -> converter.convert("5"))
        .isInstanceOf(TypeConversionException.class)
        .hasMessageContaining("'5' is not a duration");
    assertThatThrownBy(() -> converter.convert("0s"))
        .isInstanceOf(TypeConversionException.class)
        .hasMessageContaining("longer than zero");
  }

  @Test
  void headersAreNameColonValueAndBinaryOnesBase64() throws Exception {
    ConnectionOptions options = new ConnectionOptions();
    options.headers =
        List.of("Authorization: Bearer x:y", "trace-bin: AAEC", "url-bin: -_8", "empty:");

    Metadata metadata = Connection.parseHeaders(options);

    assertThat(metadata.get(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER)))
        .isEqualTo("Bearer x:y");
    assertThat(metadata.get(Metadata.Key.of("trace-bin", Metadata.BINARY_BYTE_MARSHALLER)))
        .containsExactly(0, 1, 2);
    assertThat(metadata.get(Metadata.Key.of("url-bin", Metadata.BINARY_BYTE_MARSHALLER)))
        .containsExactly((byte) 0xfb, (byte) 0xff);
    assertThat(metadata.get(Metadata.Key.of("empty", Metadata.ASCII_STRING_MARSHALLER))).isEmpty();
  }

  @Test
  void badHeadersNameTheFlag() {
    ConnectionOptions bin = new ConnectionOptions();
    bin.headers = List.of("x-bin: not base64!");
    ConnectionOptions name = new ConnectionOptions();
    name.headers = List.of("bad name: v");

    assertThatThrownBy(() -> Connection.parseHeaders(bin))
        .isInstanceOf(BadInputException.class)
        .hasMessageStartingWith(
            "-H 'x-bin: not base64!': the value of a -bin header must be base64");
    assertThatThrownBy(() -> Connection.parseHeaders(name))
        .isInstanceOf(BadInputException.class)
        .hasMessageStartingWith("-H 'bad name: v': ");
  }

  @Test
  void statusesPrintAsCodeAndMessageOnOneLine() {
    assertThat(Failures.describe(Status.NOT_FOUND.withDescription("no such thing")))
        .isEqualTo("NOT_FOUND: no such thing");
    assertThat(Failures.describe(Status.CANCELLED)).isEqualTo("CANCELLED");
    assertThat(
            Failures.describe(
                Status.UNAVAILABLE
                    .withDescription("io exception\nChannel Pipeline: [...]")
                    .withCause(new ConnectException("Connection refused: /127.0.0.1:1"))))
        .isEqualTo("UNAVAILABLE: io exception (Connection refused: /127.0.0.1:1)");
    assertThat(Failures.describe(Status.UNAVAILABLE.withCause(new ConnectException("refused"))))
        .isEqualTo("UNAVAILABLE: refused");
  }
}
