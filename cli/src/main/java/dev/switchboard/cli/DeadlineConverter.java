package dev.switchboard.cli;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * {@code --deadline} values: a number and a unit, {@code 250ms}, {@code 5s}, {@code 1.5s}, {@code
 * 2m}, {@code 1h}.
 */
final class DeadlineConverter implements ITypeConverter<Duration> {
  private static final Pattern FORMAT = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|s|m|h)");

  @Override
  public Duration convert(String value) {
    Matcher matcher = FORMAT.matcher(value.trim());
    if (!matcher.matches()) {
      throw new TypeConversionException(
          "'"
              + value
              + "' is not a duration: write a number and a unit, e.g. 500ms, 5s, 1.5s, 2m or 1h");
    }
    BigDecimal amount = new BigDecimal(matcher.group(1));
    BigDecimal millisPerUnit =
        switch (matcher.group(2)) {
          case "ms" -> BigDecimal.ONE;
          case "s" -> BigDecimal.valueOf(1_000);
          case "m" -> BigDecimal.valueOf(60_000);
          default -> BigDecimal.valueOf(3_600_000);
        };
    Duration duration =
        Duration.ofNanos(
            amount.multiply(millisPerUnit).multiply(BigDecimal.valueOf(1_000_000)).longValue());
    if (duration.isZero()) {
      throw new TypeConversionException("'" + value + "': a deadline must be longer than zero");
    }
    return duration;
  }
}
