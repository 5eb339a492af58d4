package dev.switchboard.plugin;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Settings read from {@code PLUGIN_*} environment variables, named as pyvider-rpcplugin names them
 * so one environment configures Python and Java plugins alike. Every variable is optional; a value
 * that does not parse is an IllegalArgumentException naming the variable and the value.
 *
 * <table>
 *   <caption>Variables</caption>
 *   <tr><td>PLUGIN_HANDSHAKE_TIMEOUT</td><td>seconds the host waits for the handshake line (60)</td></tr>
 *   <tr><td>PLUGIN_SERVER_TRANSPORTS</td><td>plugin side: unix, tcp in order of preference (unix,tcp)</td></tr>
 *   <tr><td>PLUGIN_CLIENT_TRANSPORTS</td><td>host side: transports it accepts (unix,tcp)</td></tr>
 *   <tr><td>PLUGIN_AUTO_MTLS</td><td>host side: offer AutoMTLS (true)</td></tr>
 *   <tr><td>PLUGIN_RATE_LIMIT_ENABLED</td><td>plugin side: token bucket on (false)</td></tr>
 *   <tr><td>PLUGIN_RATE_LIMIT_REQUESTS_PER_SECOND</td><td>refill rate (100)</td></tr>
 *   <tr><td>PLUGIN_RATE_LIMIT_BURST_CAPACITY</td><td>bucket size (200)</td></tr>
 *   <tr><td>PLUGIN_CLIENT_RETRY_ENABLED</td><td>host side: retry unary calls (false)</td></tr>
 *   <tr><td>PLUGIN_CLIENT_MAX_RETRIES</td><td>retries after the first attempt (3)</td></tr>
 *   <tr><td>PLUGIN_CLIENT_INITIAL_BACKOFF_MS</td><td>first backoff (100)</td></tr>
 *   <tr><td>PLUGIN_CLIENT_MAX_BACKOFF_MS</td><td>backoff cap (5000)</td></tr>
 *   <tr><td>PLUGIN_CLIENT_RETRY_JITTER_MS</td><td>random extra delay, 0..jitter (100)</td></tr>
 *   <tr><td>PLUGIN_CLIENT_RETRY_TOTAL_TIMEOUT_S</td><td>give up after (30)</td></tr>
 *   <tr><td>PLUGIN_GRPC_GRACE_PERIOD</td><td>seconds between Shutdown and SIGTERM, and of server drain (2)</td></tr>
 *   <tr><td>PLUGIN_GRPC_MAX_MESSAGE_SIZE</td><td>bytes; Switchboard's own (go-plugin's math.MaxInt32)</td></tr>
 *   <tr><td>PLUGIN_LOG_LEVEL</td><td>plugin side: lowest hclog level written (INFO)</td></tr>
 * </table>
 */
public record PluginSettings(
    Duration handshakeTimeout,
    List<String> serverTransports,
    List<String> clientTransports,
    boolean autoMtls,
    boolean rateLimitEnabled,
    double rateLimitRequestsPerSecond,
    double rateLimitBurstCapacity,
    boolean retryEnabled,
    int maxRetries,
    Duration initialBackoff,
    Duration maxBackoff,
    Duration retryJitter,
    Duration retryTotalTimeout,
    Duration gracePeriod,
    int maxMessageSize,
    String logLevel) {

  public PluginSettings {
    serverTransports = List.copyOf(serverTransports);
    clientTransports = List.copyOf(clientTransports);
  }

  /** The defaults, as if no variable were set. */
  public static PluginSettings defaults() {
    return fromEnvironment(Map.of());
  }

  public static PluginSettings fromEnvironment(Map<String, String> env) {
    return new PluginSettings(
        seconds(env, "PLUGIN_HANDSHAKE_TIMEOUT", 60),
        transports(env, "PLUGIN_SERVER_TRANSPORTS"),
        transports(env, "PLUGIN_CLIENT_TRANSPORTS"),
        bool(env, "PLUGIN_AUTO_MTLS", true),
        bool(env, "PLUGIN_RATE_LIMIT_ENABLED", false),
        positive(env, "PLUGIN_RATE_LIMIT_REQUESTS_PER_SECOND", 100),
        positive(env, "PLUGIN_RATE_LIMIT_BURST_CAPACITY", 200),
        bool(env, "PLUGIN_CLIENT_RETRY_ENABLED", false),
        (int) nonNegative(env, "PLUGIN_CLIENT_MAX_RETRIES", 3),
        Duration.ofMillis((long) positive(env, "PLUGIN_CLIENT_INITIAL_BACKOFF_MS", 100)),
        Duration.ofMillis((long) positive(env, "PLUGIN_CLIENT_MAX_BACKOFF_MS", 5000)),
        Duration.ofMillis((long) nonNegative(env, "PLUGIN_CLIENT_RETRY_JITTER_MS", 100)),
        seconds(env, "PLUGIN_CLIENT_RETRY_TOTAL_TIMEOUT_S", 30),
        seconds(env, "PLUGIN_GRPC_GRACE_PERIOD", 2),
        (int)
            Math.min(
                Integer.MAX_VALUE,
                positive(env, "PLUGIN_GRPC_MAX_MESSAGE_SIZE", Integer.MAX_VALUE)),
        level(env));
  }

  private static @Nullable String value(Map<String, String> env, String name) {
    String value = env.get(name);
    return value == null || value.isBlank() ? null : value.trim();
  }

  private static boolean bool(Map<String, String> env, String name, boolean fallback) {
    String value = value(env, name);
    if (value == null) {
      return fallback;
    }
    return switch (value.toLowerCase(Locale.ROOT)) {
      case "true", "1", "yes", "on" -> true;
      case "false", "0", "no", "off" -> false;
      default ->
          throw new IllegalArgumentException(
              name + "='" + value + "' is not a boolean (true/false)");
    };
  }

  private static double number(Map<String, String> env, String name, double fallback) {
    String value = value(env, name);
    if (value == null) {
      return fallback;
    }
    try {
      return Double.parseDouble(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + "='" + value + "' is not a number");
    }
  }

  private static double positive(Map<String, String> env, String name, double fallback) {
    double number = number(env, name, fallback);
    if (!(number > 0)) {
      throw new IllegalArgumentException(name + "=" + number + " must be greater than 0");
    }
    return number;
  }

  private static double nonNegative(Map<String, String> env, String name, double fallback) {
    double number = number(env, name, fallback);
    if (!(number >= 0)) {
      throw new IllegalArgumentException(name + "=" + number + " must not be negative");
    }
    return number;
  }

  private static Duration seconds(Map<String, String> env, String name, double fallback) {
    return Duration.ofNanos((long) (positive(env, name, fallback) * 1e9));
  }

  /** pyvider accepts "unix,tcp" and the JSON list form ["unix","tcp"]. */
  private static List<String> transports(Map<String, String> env, String name) {
    String value = value(env, name);
    if (value == null) {
      return List.of("unix", "tcp");
    }
    List<String> result = new ArrayList<>();
    for (String part : value.replaceAll("[\\[\\]\"' ]", "").split(",", -1)) {
      if (part.isEmpty()) {
        continue;
      }
      String transport = part.toLowerCase(Locale.ROOT);
      if (!transport.equals("unix") && !transport.equals("tcp")) {
        throw new IllegalArgumentException(
            name + "='" + value + "': unknown transport '" + part + "' (unix, tcp)");
      }
      result.add(transport);
    }
    if (result.isEmpty()) {
      throw new IllegalArgumentException(name + "='" + value + "' names no transport");
    }
    return result;
  }

  /** The hclog level {@code PLUGIN_LOG_LEVEL} names (INFO when unset). */
  static String level(Map<String, String> env) {
    String value = value(env, "PLUGIN_LOG_LEVEL");
    if (value == null) {
      return "INFO";
    }
    String level = value.toUpperCase(Locale.ROOT);
    return switch (level) {
      case "TRACE", "DEBUG", "INFO", "WARN", "ERROR" -> level;
      case "WARNING" -> "WARN";
      case "CRITICAL", "FATAL" -> "ERROR";
      default ->
          throw new IllegalArgumentException(
              "PLUGIN_LOG_LEVEL='"
                  + value
                  + "' is not one of TRACE, DEBUG, INFO, WARNING, ERROR, CRITICAL");
    };
  }
}
