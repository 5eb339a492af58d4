package dev.switchboard.plugin.internal;

import org.jspecify.annotations.Nullable;

/**
 * The one line a plugin prints on stdout: {@code CORE|APP-VERSION|NETWORK|ADDRESS|PROTOCOL|CERT}.
 *
 * <p>Parsing follows go-plugin's {@code client.go}: split into at most six fields, at least four
 * are required, the protocol defaults to {@code netrpc} when absent, and the certificate counts
 * only when it is longer than 50 characters (shorter values are the unused extra data of older
 * plugins). Printing always writes six fields, with an empty CERT when there is none, exactly as
 * go-plugin's {@code server.go} does.
 */
public record HandshakeLine(
    int coreVersion,
    int appVersion,
    String network,
    String address,
    String protocol,
    @Nullable String certificate) {

  /** go-plugin's CoreProtocolVersion; it has been 1 since the first release. */
  public static final int CORE_VERSION = 1;

  public String format() {
    return coreVersion
        + "|"
        + appVersion
        + "|"
        + network
        + "|"
        + address
        + "|"
        + protocol
        + "|"
        + (certificate == null ? "" : certificate);
  }

  /** True when the line has the shape of a handshake (so it is not stdout noise). */
  public static boolean looksLikeHandshake(String line) {
    String trimmed = line.trim();
    int bar = trimmed.indexOf('|');
    return bar > 0 && trimmed.substring(0, bar).chars().allMatch(Character::isDigit);
  }

  /** Parses a line; throws IllegalArgumentException saying which field is wrong. */
  public static HandshakeLine parse(String line) {
    String trimmed = line.trim();
    String[] parts = trimmed.split("\\|", 6);
    if (parts.length < 4) {
      throw new IllegalArgumentException(
          "expected at least 4 '|'-separated fields (CORE|APP-VERSION|NETWORK|ADDRESS|grpc|CERT), got "
              + parts.length);
    }
    int core = number(parts[0], "core protocol version (field 1)");
    int app = number(parts[1], "app protocol version (field 2)");
    String network = parts[2];
    if (!network.equals("unix") && !network.equals("tcp")) {
      throw new IllegalArgumentException(
          "unknown network '" + network + "' (field 3); expected unix or tcp");
    }
    String address = parts[3];
    if (address.isEmpty()) {
      throw new IllegalArgumentException("empty address (field 4)");
    }
    String protocol = parts.length >= 5 ? parts[4] : "netrpc";
    String cert = parts.length >= 6 && parts[5].length() > 50 ? parts[5] : null;
    return new HandshakeLine(core, app, network, address, protocol, cert);
  }

  private static int number(String text, String what) {
    try {
      return Integer.parseInt(text.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("the " + what + " '" + text + "' is not a number");
    }
  }
}
