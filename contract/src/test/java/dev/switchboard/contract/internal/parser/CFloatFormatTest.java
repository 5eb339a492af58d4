package dev.switchboard.contract.internal.parser;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Expected strings are what C's printf("%.*g") prints for the same double. */
class CFloatFormatTest {
  @ParameterizedTest
  @CsvSource({
    "100000, 6, 100000",
    "1000000, 6, 1e+06",
    "0.0001, 6, 0.0001",
    "0.00001, 6, 1e-05",
    "123456792, 9, 123456792",
    "0.1, 15, 0.1",
    "0.1, 17, 0.10000000000000001",
    "1.5e-7, 15, 1.5e-07",
    "-2.5, 6, -2.5",
    "1e100, 15, 1e+100",
    "9.999995, 6, 10",
    "123456.5, 6, 123456",
    "0, 6, 0",
    "-0.0, 6, -0"
  })
  void matchesCPercentG(double value, int precision, String expected) {
    assertThat(CFloatFormat.percentG(value, precision)).isEqualTo(expected);
  }

  @ParameterizedTest
  @CsvSource({
    "0.1, 0.1",
    "3.4028235e38, 3.40282347e+38",
    "1e-45, 1.40129846e-45",
    "1e10, 1e+10",
    "0.333333333, 0.333333343"
  })
  void floatsWidenWhenTheShortFormDoesNotRoundTrip(float value, String expected) {
    assertThat(CFloatFormat.formatFloat(value)).isEqualTo(expected);
  }
}
