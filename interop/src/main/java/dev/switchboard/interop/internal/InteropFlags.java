package dev.switchboard.interop.internal;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Flags in the exact syntax grpc-java's interop binaries take: every argument is {@code
 * --key=value} (and {@code --help}). Unknown keys are an error naming the key, as in grpc-java, so
 * a typo never silently runs a different configuration.
 */
public final class InteropFlags {
  private final Map<String, String> values;

  private InteropFlags(Map<String, String> values) {
    this.values = values;
  }

  /** Thrown for bad usage; the message says what is wrong and is meant for the user. */
  public static final class UsageException extends Exception {
    private static final long serialVersionUID = 1L;
    private final String message;

    UsageException(String message) {
      super(message);
      this.message = message;
    }

    /** What was wrong with the flags; empty for {@code --help}. */
    @Override
    public String getMessage() {
      return message;
    }
  }

  static InteropFlags parse(String[] args, Set<String> known) throws UsageException {
    Map<String, String> values = new LinkedHashMap<>();
    for (String arg : args) {
      if ("--help".equals(arg) || "-h".equals(arg)) {
        throw new UsageException("");
      }
      if (!arg.startsWith("--")) {
        throw new UsageException(
            "argument '" + arg + "': all arguments must look like --key=value");
      }
      int eq = arg.indexOf('=');
      if (eq < 0) {
        throw new UsageException(
            "argument '" + arg + "': all arguments must look like --key=value");
      }
      String key = arg.substring(2, eq);
      if (!known.contains(key)) {
        throw new UsageException("unknown argument --" + key);
      }
      values.put(key, arg.substring(eq + 1));
    }
    return new InteropFlags(values);
  }

  String string(String key, String defaultValue) {
    return values.getOrDefault(key, defaultValue);
  }

  boolean has(String key) {
    return values.containsKey(key);
  }

  int integer(String key, int defaultValue) throws UsageException {
    String value = values.get(key);
    if (value == null) {
      return defaultValue;
    }
    try {
      return Integer.parseInt(value.trim());
    } catch (NumberFormatException e) {
      throw new UsageException("--" + key + "=" + value + ": not a number");
    }
  }

  /** grpc-java reads booleans with Boolean.parseBoolean; we are stricter so typos are caught. */
  boolean bool(String key, boolean defaultValue) throws UsageException {
    String value = values.get(key);
    if (value == null) {
      return defaultValue;
    }
    return switch (value.trim().toLowerCase(Locale.ROOT)) {
      case "true" -> true;
      case "false" -> false;
      default -> throw new UsageException("--" + key + "=" + value + ": expected true or false");
    };
  }
}
