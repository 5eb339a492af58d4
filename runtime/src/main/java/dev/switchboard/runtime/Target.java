package dev.switchboard.runtime;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Where a server listens or a channel connects. One syntax everywhere:
 *
 * <ul>
 *   <li>{@code host:port} — TCP; IPv6 literals in brackets ({@code [::1]:8443}); port 0 lets a
 *       server pick a free port;
 *   <li>{@code unix:/path/to.sock} — a unix domain socket (absolute or relative path);
 *   <li>{@code inproc:name} — an in-process transport inside this JVM.
 * </ul>
 *
 * <p>Immutable and thread-safe. {@link #toString()} gives the canonical syntax back, so {@code
 * Target.parse(t.toString()).equals(t)}.
 */
public final class Target {

  /** The transport a target selects. */
  public enum Kind {
    /** TCP with HTTP/2 over netty. */
    TCP,
    /** A unix domain socket with HTTP/2 over netty's epoll transport. */
    UNIX,
    /** grpc-java's in-process transport. */
    IN_PROCESS
  }

  private static final String UNIX_PREFIX = "unix:";
  private static final String INPROC_PREFIX = "inproc:";

  private final Kind kind;
  private final @Nullable String host;
  private final int port;
  private final @Nullable Path path;
  private final @Nullable String name;

  private Target(
      Kind kind, @Nullable String host, int port, @Nullable Path path, @Nullable String name) {
    this.kind = kind;
    this.host = host;
    this.port = port;
    this.path = path;
    this.name = name;
  }

  /**
   * Parses {@code host:port}, {@code unix:/path} or {@code inproc:name}.
   *
   * @throws IllegalArgumentException naming the text and what is wrong with it
   */
  public static Target parse(String text) {
    Objects.requireNonNull(text, "text");
    String trimmed = text.strip();
    if (trimmed.isEmpty()) {
      throw new IllegalArgumentException(
          "empty target: expected host:port, unix:/path or inproc:name");
    }
    String lower = trimmed.toLowerCase(Locale.ROOT);
    if (lower.startsWith(UNIX_PREFIX)) {
      String rest = trimmed.substring(UNIX_PREFIX.length());
      // Accept the gRPC naming form unix:///abs/path as well as unix:/abs/path.
      if (rest.startsWith("//")) {
        rest = rest.substring(2);
      }
      if (rest.isEmpty()) {
        throw new IllegalArgumentException(
            "target '" + text + "': unix target needs a socket path, e.g. unix:/tmp/app.sock");
      }
      return unix(Path.of(rest));
    }
    if (lower.startsWith(INPROC_PREFIX)) {
      String rest = trimmed.substring(INPROC_PREFIX.length());
      if (rest.isEmpty()) {
        throw new IllegalArgumentException(
            "target '" + text + "': inproc target needs a name, e.g. inproc:demo");
      }
      return inProcess(rest);
    }
    if (trimmed.contains("://")) {
      throw new IllegalArgumentException(
          "target '"
              + text
              + "': URI schemes other than unix: and inproc: are not supported; use host:port, unix:/path or inproc:name");
    }
    return parseHostPort(text, trimmed);
  }

  private static Target parseHostPort(String original, String text) {
    String host;
    String portText;
    if (text.startsWith("[")) {
      int close = text.indexOf(']');
      if (close < 0) {
        throw new IllegalArgumentException(
            "target '" + original + "': IPv6 address is missing its closing ']'");
      }
      host = text.substring(1, close);
      String rest = text.substring(close + 1);
      if (!rest.startsWith(":")) {
        throw new IllegalArgumentException(
            "target '" + original + "': expected ':port' after the IPv6 address");
      }
      portText = rest.substring(1);
    } else {
      int colon = text.lastIndexOf(':');
      if (colon < 0) {
        throw new IllegalArgumentException(
            "target '" + original + "': expected host:port, unix:/path or inproc:name");
      }
      host = text.substring(0, colon);
      portText = text.substring(colon + 1);
      if (host.indexOf(':') >= 0) {
        throw new IllegalArgumentException(
            "target '" + original + "': write IPv6 addresses in brackets, e.g. [::1]:50051");
      }
    }
    if (host.isEmpty()) {
      throw new IllegalArgumentException("target '" + original + "': host is empty");
    }
    int port;
    try {
      port = Integer.parseInt(portText);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "target '" + original + "': port '" + portText + "' is not a number");
    }
    return tcp(host, port);
  }

  /**
   * A TCP target.
   *
   * @throws IllegalArgumentException if the host is empty or the port is outside 0..65535
   */
  public static Target tcp(String host, int port) {
    Objects.requireNonNull(host, "host");
    if (host.isEmpty()) {
      throw new IllegalArgumentException("tcp target: host is empty");
    }
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException(
          "tcp target " + host + ": port " + port + " is outside 0..65535");
    }
    return new Target(Kind.TCP, host, port, null, null);
  }

  /** A unix domain socket target. */
  public static Target unix(Path path) {
    Objects.requireNonNull(path, "path");
    if (path.toString().isEmpty()) {
      throw new IllegalArgumentException("unix target: socket path is empty");
    }
    return new Target(Kind.UNIX, null, -1, path, null);
  }

  /** An in-process target: servers and channels in this JVM meet by name. */
  public static Target inProcess(String name) {
    Objects.requireNonNull(name, "name");
    if (name.isEmpty()) {
      throw new IllegalArgumentException("inproc target: name is empty");
    }
    return new Target(Kind.IN_PROCESS, null, -1, null, name);
  }

  /** The transport this target selects. */
  public Kind kind() {
    return kind;
  }

  /**
   * The host of a TCP target.
   *
   * @throws IllegalStateException if this is not a TCP target
   */
  public String host() {
    return require(host, Kind.TCP, "host");
  }

  /**
   * The port of a TCP target (0 before a server has bound one).
   *
   * @throws IllegalStateException if this is not a TCP target
   */
  public int port() {
    require(host, Kind.TCP, "port");
    return port;
  }

  /**
   * The socket path of a unix target.
   *
   * @throws IllegalStateException if this is not a unix target
   */
  public Path path() {
    return require(path, Kind.UNIX, "path");
  }

  /**
   * The name of an in-process target.
   *
   * @throws IllegalStateException if this is not an in-process target
   */
  public String name() {
    return require(name, Kind.IN_PROCESS, "name");
  }

  /** The same TCP target with another port; used by servers to report the port they bound. */
  Target withPort(int newPort) {
    return tcp(host(), newPort);
  }

  private <T> T require(@Nullable T value, Kind expected, String what) {
    if (value == null || kind != expected) {
      throw new IllegalStateException(this + " is a " + kind + " target and has no " + what);
    }
    return value;
  }

  @Override
  public boolean equals(@Nullable Object other) {
    return other instanceof Target that
        && kind == that.kind
        && port == that.port
        && Objects.equals(host, that.host)
        && Objects.equals(path, that.path)
        && Objects.equals(name, that.name);
  }

  @Override
  public int hashCode() {
    return Objects.hash(kind, host, port, path, name);
  }

  /**
   * The canonical syntax: {@code host:port}, {@code [v6]:port}, {@code unix:/path} or {@code
   * inproc:name}.
   */
  @Override
  public String toString() {
    return switch (kind) {
      case TCP -> (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
      case UNIX -> UNIX_PREFIX + path;
      case IN_PROCESS -> INPROC_PREFIX + name;
    };
  }
}
