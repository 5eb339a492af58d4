package dev.switchboard.plugin.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Map;
import org.slf4j.Logger;

/**
 * The host side of plugin logging: each stderr line that is an hclog JSON entry is re-logged
 * through SLF4J at its level, with its key/value pairs appended; other lines are logged the way
 * go-plugin's {@code logStderr} does it, by their {@code [LEVEL]} prefix, else at debug.
 */
public final class HclogRelay {
  private final ObjectMapper json = new ObjectMapper();
  private final Logger logger;

  public HclogRelay(Logger logger) {
    this.logger = logger;
  }

  public void relay(String line) {
    if (line.startsWith("{")) {
      try {
        JsonNode entry = json.readTree(line);
        JsonNode level = entry.get("@level");
        JsonNode message = entry.get("@message");
        if (entry.isObject() && level != null && message != null) {
          StringBuilder text = new StringBuilder(message.asText());
          for (Map.Entry<String, JsonNode> field : entry.properties()) {
            if (!field.getKey().startsWith("@")) {
              JsonNode value = field.getValue();
              text.append(' ')
                  .append(field.getKey())
                  .append('=')
                  .append(value.isTextual() ? value.asText() : value.toString());
            }
          }
          JsonNode module = entry.get("@module");
          String prefix =
              module != null && !module.asText().isEmpty() ? module.asText() + ": " : "";
          log(level.asText(), prefix + text);
          return;
        }
      } catch (java.io.IOException | RuntimeException notJson) {
        // Fall through: a line that merely starts with '{' is plain output.
      }
    }
    if (line.startsWith("[TRACE]")) {
      logger.trace("{}", line);
    } else if (line.startsWith("[DEBUG]")) {
      logger.debug("{}", line);
    } else if (line.startsWith("[INFO]")) {
      logger.info("{}", line);
    } else if (line.startsWith("[WARN]")) {
      logger.warn("{}", line);
    } else if (line.startsWith("[ERROR]")) {
      logger.error("{}", line);
    } else {
      logger.debug("{}", line);
    }
  }

  private void log(String level, String text) {
    switch (level.toLowerCase(java.util.Locale.ROOT)) {
      case "trace" -> logger.trace("{}", text);
      case "debug" -> logger.debug("{}", text);
      case "info" -> logger.info("{}", text);
      case "warn", "warning" -> logger.warn("{}", text);
      case "error", "fatal", "critical" -> logger.error("{}", text);
      default -> logger.debug("{}", text);
    }
  }
}
