package dev.switchboard.benchmarks.grpc;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * {@code --name=value} flags, the syntax grpc-java's benchmark programs take, so that one command
 * line style runs the anchor and ours. A bare {@code --name} means {@code true}.
 */
final class Flags {

  private final Map<String, String> values;

  private Flags(Map<String, String> values) {
    this.values = values;
  }

  /**
   * @throws IllegalArgumentException naming the argument that is not a flag or not one of {@code
   *     known}
   */
  static Flags parse(String[] args, Set<String> known) {
    Map<String, String> values = new LinkedHashMap<>();
    for (String arg : args) {
      if (!arg.startsWith("--")) {
        throw new IllegalArgumentException("not a --flag: " + arg);
      }
      int eq = arg.indexOf('=');
      String name = eq < 0 ? arg.substring(2) : arg.substring(2, eq);
      if (!known.contains(name)) {
        throw new IllegalArgumentException("unknown flag --" + name + "; known: " + known);
      }
      values.put(name, eq < 0 ? "true" : arg.substring(eq + 1));
    }
    return new Flags(values);
  }

  boolean has(String name) {
    return values.containsKey(name);
  }

  String get(String name, String defaultValue) {
    return values.getOrDefault(name, defaultValue);
  }

  int getInt(String name, int defaultValue) {
    String value = values.get(name);
    if (value == null) {
      return defaultValue;
    }
    try {
      return Integer.parseInt(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "--" + name + " needs a whole number, got '" + value + "'");
    }
  }
}
