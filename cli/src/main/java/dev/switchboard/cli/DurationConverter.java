package dev.switchboard.cli;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * The one duration syntax of every command line here: numbers with units, {@code 250ms}, {@code
 * 5s}, {@code 1.5s}, {@code 2m}, {@code 1h}, also combined ({@code 1m30s}), or ISO-8601 ({@code
 * PT5S}). Zero is allowed ({@code 0ms}, e.g. "no pause"); negative durations are not. Options that
 * need a duration longer than zero (deadlines, timeouts, intervals) use {@link Positive}.
 *
 * <pre>{@code
 * @Option(names = "--deadline", converter = DurationConverter.Positive.class) Duration deadline;
 * }</pre>
 */
public class DurationConverter implements ITypeConverter<Duration> {
  private static final Pattern PART = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|s|m|h)");
  private static final Pattern WHOLE = Pattern.compile("(?:\\d+(?:\\.\\d+)?(?:ms|s|m|h))+");
  private static final BigDecimal NANOS_PER_MILLI = BigDecimal.valueOf(1_000_000);

  @Override
  public Duration convert(String value) {
    return parse(value);
  }

  /**
   * Parses {@code value}.
   *
   * @throws TypeConversionException saying what a duration looks like
   */
  public static Duration parse(String value) {
    String text = value.strip();
    if (WHOLE.matcher(text).matches()) {
      BigDecimal nanos = BigDecimal.ZERO;
      Matcher part = PART.matcher(text);
      while (part.find()) {
        BigDecimal millis =
            switch (part.group(2)) {
              case "ms" -> BigDecimal.ONE;
              case "s" -> BigDecimal.valueOf(1_000);
              case "m" -> BigDecimal.valueOf(60_000);
              default -> BigDecimal.valueOf(3_600_000);
            };
        nanos = nanos.add(new BigDecimal(part.group(1)).multiply(millis).multiply(NANOS_PER_MILLI));
      }
      if (nanos.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) > 0) {
        throw new TypeConversionException("'" + value + "' is too long a duration");
      }
      return Duration.ofNanos(nanos.longValue());
    }
    if (text.startsWith("P") || text.startsWith("p")) {
      try {
        Duration iso = Duration.parse(text);
        if (!iso.isNegative()) {
          return iso;
        }
      } catch (DateTimeParseException e) {
        // Not ISO either: the message below says what is accepted.
      }
    }
    throw new TypeConversionException(
        "'"
            + value
            + "' is not a duration: write a number and a unit, e.g. 500ms, 5s, 1.5s, 2m, 1h or 1m30s"
            + " (ISO-8601 such as PT5S works too)");
  }

  /** The same syntax, for options where zero makes no sense (deadlines, timeouts, intervals). */
  public static final class Positive extends DurationConverter {
    @Override
    public Duration convert(String value) {
      Duration duration = parse(value);
      if (duration.isZero()) {
        throw new TypeConversionException("'" + value + "': must be longer than zero");
      }
      return duration;
    }
  }
}
