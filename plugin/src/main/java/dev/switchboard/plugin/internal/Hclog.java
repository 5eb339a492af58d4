package dev.switchboard.plugin.internal;

import java.io.PrintStream;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Locale;

/**
 * Writes hclog-compatible JSON log lines, the format go-plugin hosts parse from a plugin's stderr
 * ({@code log_entry.go}): {@code @level}, {@code @message}, {@code @module} and {@code @timestamp}
 * with six fractional digits (hclog's {@code 2006-01-02T15:04:05.000000Z07:00}), then the key/value
 * pairs. One line per entry, written to the process's real stderr.
 */
public final class Hclog {
  /** The levels hclog knows, in order. */
  public enum Level {
    TRACE,
    DEBUG,
    INFO,
    WARN,
    ERROR;

    String json() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  private final PrintStream out;
  private final Clock clock;
  private final Level threshold;

  public Hclog(PrintStream out, Clock clock, Level threshold) {
    this.out = out;
    this.clock = clock;
    this.threshold = threshold;
  }

  public boolean enabled(Level level) {
    return level.compareTo(threshold) >= 0;
  }

  /** Logs one entry; {@code keyValues} alternate keys and values. */
  public void log(Level level, String module, String message, Object... keyValues) {
    if (!enabled(level)) {
      return;
    }
    out.println(format(level, module, message, keyValues));
    out.flush();
  }

  String format(Level level, String module, String message, Object... keyValues) {
    StringBuilder json = new StringBuilder(128);
    json.append("{\"@level\":\"").append(level.json()).append("\",\"@message\":");
    quote(json, message);
    if (!module.isEmpty()) {
      json.append(",\"@module\":");
      quote(json, module);
    }
    json.append(",\"@timestamp\":\"");
    timestamp(json, clock.instant());
    json.append('"');
    for (int i = 0; i + 1 < keyValues.length; i += 2) {
      json.append(',');
      quote(json, String.valueOf(keyValues[i]));
      json.append(':');
      Object value = keyValues[i + 1];
      if (value instanceof Number || value instanceof Boolean) {
        json.append(value);
      } else {
        quote(json, String.valueOf(value));
      }
    }
    return json.append('}').toString();
  }

  /**
   * hclog's {@code 2006-01-02T15:04:05.000000Z07:00} in UTC, written by hand: a DateTimeFormatter
   * costs a plugin's cold start tens of milliseconds of pattern parsing and class loading.
   */
  static void timestamp(StringBuilder json, Instant instant) {
    LocalDateTime t =
        LocalDateTime.ofEpochSecond(instant.getEpochSecond(), instant.getNano(), ZoneOffset.UTC);
    int year = t.getYear();
    if (year < 0 || year > 9999) {
      json.append(instant);
      return;
    }
    digits(json, year, 4).append('-');
    digits(json, t.getMonthValue(), 2).append('-');
    digits(json, t.getDayOfMonth(), 2).append('T');
    digits(json, t.getHour(), 2).append(':');
    digits(json, t.getMinute(), 2).append(':');
    digits(json, t.getSecond(), 2).append('.');
    digits(json, t.getNano() / 1000, 6).append('Z');
  }

  private static StringBuilder digits(StringBuilder json, int value, int width) {
    for (int divisor = (int) Math.pow(10, width - 1); divisor > 0; divisor /= 10) {
      json.append((char) ('0' + value / divisor % 10));
    }
    return json;
  }

  static void quote(StringBuilder json, String text) {
    json.append('"');
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '"' -> json.append("\\\"");
        case '\\' -> json.append("\\\\");
        case '\n' -> json.append("\\n");
        case '\r' -> json.append("\\r");
        case '\t' -> json.append("\\t");
        default -> {
          if (c < 0x20) {
            json.append(String.format("\\u%04x", (int) c));
          } else {
            json.append(c);
          }
        }
      }
    }
    json.append('"');
  }
}
