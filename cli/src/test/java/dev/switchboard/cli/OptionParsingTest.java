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
  void durationsAreNumbersWithUnitsOrIso() {
    DurationConverter converter = new DurationConverter();

    assertThat(converter.convert("250ms")).isEqualTo(Duration.ofMillis(250));
    assertThat(converter.convert("5s")).isEqualTo(Duration.ofSeconds(5));
    assertThat(converter.convert("1.5s")).isEqualTo(Duration.ofMillis(1500));
    assertThat(converter.convert("2m")).isEqualTo(Duration.ofMinutes(2));
    assertThat(converter.convert("1h")).isEqualTo(Duration.ofHours(1));
    assertThat(converter.convert("1m30s")).isEqualTo(Duration.ofSeconds(90));
    assertThat(converter.convert("1h0.5m250ms")).isEqualTo(Duration.ofMillis(3_630_250));
    assertThat(converter.convert(" PT3S ")).isEqualTo(Duration.ofSeconds(3));
    assertThat(converter.convert("0ms")).isZero();
    for (String bad : new String[] {"5", "soon", "5 s", "-1s", "PT-3S", "1d", "s", ""}) {
      assertThatThrownBy(() -> converter.convert(bad))
          .as(bad)
          .isInstanceOf(TypeConversionException.class)
          .hasMessageContaining("'" + bad + "' is not a duration: write a number and a unit");
    }
    assertThatThrownBy(() -> converter.convert("9999999999h"))
        .isInstanceOf(TypeConversionException.class)
        .hasMessageContaining("too long");
  }

  @Test
  void deadlinesAndTimeoutsMustBeLongerThanZero() {
    DurationConverter positive = new DurationConverter.Positive();

    assertThat(positive.convert("1ms")).isEqualTo(Duration.ofMillis(1));
    assertThatThrownBy(() -> positive.convert("0s"))
        .isInstanceOf(TypeConversionException.class)
        .hasMessage("'0s': must be longer than zero");
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
    // For TLS failures the innermost cause says what went wrong; the layers between repeat it.
    assertThat(
            Failures.describe(
                Status.UNAVAILABLE
                    .withDescription("io exception")
                    .withCause(
                        new java.io.IOException(
                            "PKIX path building failed",
                            new IllegalStateException(
                                "wrapper",
                                new java.security.cert.CertPathValidatorException(
                                    "unable to find valid certification path"))))))
        .isEqualTo(
            "UNAVAILABLE: io exception (PKIX path building failed; unable to find valid"
                + " certification path)");
  }
}
