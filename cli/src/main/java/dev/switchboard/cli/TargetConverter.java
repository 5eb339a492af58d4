package dev.switchboard.cli;

import dev.switchboard.runtime.Target;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Targets on the command line: {@code host:port}, {@code unix:/path} or {@code inproc:name}, the
 * syntax of {@link Target#parse}. As a converter ({@code @Option(converter =
 * TargetConverter.class)}) a bad value is a usage error naming the option; {@link #parse(String,
 * String)} is the same for operands a command reads itself.
 */
public final class TargetConverter implements ITypeConverter<Target> {
  @Override
  public Target convert(String value) {
    try {
      return Target.parse(value);
    } catch (IllegalArgumentException e) {
      throw new TypeConversionException(String.valueOf(e.getMessage()));
    }
  }

  /**
   * Parses {@code text}, given for {@code what} (e.g. {@code TARGET}).
   *
   * @throws BadInputException {@code WHAT 'text': why}
   */
  public static Target parse(String what, String text) throws BadInputException {
    try {
      return Target.parse(text);
    } catch (IllegalArgumentException e) {
      throw new BadInputException(what + " '" + text + "': " + e.getMessage());
    }
  }
}
