package dev.switchboard.plugin.internal;

import java.io.PrintStream;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * Writes hclog-compatible JSON log lines, the format go-plugin hosts parse from a plugin's stderr
 * ({@code log_entry.go}): {@code @level}, {@code @message}, {@code @module} and {@code @timestamp}
 * with six fractional digits (hclog's {@code 2006-01-02T15:04:05.000000Z07:00}), then the
 * key/value pairs. One line per entry, written to the process's real stderr.
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

  static final DateTimeFormatter TIMESTAMP =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSSXXX").withZone(ZoneOffset.UTC);

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
    json.append(",\"@timestamp\":\"").append(TIMESTAMP.format(clock.instant())).append('"');
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
