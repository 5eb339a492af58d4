package dev.switchboard.plugin;

/**
 * What host and plugin must agree on before they talk: the magic cookie (a UX guard against running
 * a plugin by hand, not security) and the default application protocol version.
 *
 * @param protocolVersion the version a plugin serves when it is built without versioned sets, and
 *     the version a host asks for when it names none
 * @param magicCookieKey the environment variable the host sets
 * @param magicCookieValue its value
 */
public record HandshakeConfig(int protocolVersion, String magicCookieKey, String magicCookieValue) {
  public HandshakeConfig {
    if (magicCookieKey.isEmpty() || magicCookieValue.isEmpty()) {
      throw new IllegalArgumentException("the magic cookie needs a non-empty key and value");
    }
    if (magicCookieKey.contains("=")) {
      throw new IllegalArgumentException(
          "the magic cookie key must not contain '=': " + magicCookieKey);
    }
    if (protocolVersion < 0) {
      throw new IllegalArgumentException("protocol version must be >= 0, got " + protocolVersion);
    }
  }

  public static HandshakeConfig of(
      String magicCookieKey, String magicCookieValue, int protocolVersion) {
    return new HandshakeConfig(protocolVersion, magicCookieKey, magicCookieValue);
  }

  /** Parses {@code KEY=VALUE} as given on a command line. */
  public static HandshakeConfig parseCookie(String keyEqualsValue, int protocolVersion) {
    int equals = keyEqualsValue.indexOf('=');
    if (equals <= 0 || equals == keyEqualsValue.length() - 1) {
      throw new IllegalArgumentException(
          "magic cookie must be KEY=VALUE, got '" + keyEqualsValue + "'");
    }
    return new HandshakeConfig(
        protocolVersion, keyEqualsValue.substring(0, equals), keyEqualsValue.substring(equals + 1));
  }
}
