package dev.switchboard.runtime;

import java.nio.charset.StandardCharsets;
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
 *   <li>{@code unix:/path/to.sock} — a unix domain socket (absolute or relative path, at most
 *       {@link #MAX_UNIX_PATH_BYTES} bytes);
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

  /**
   * The longest unix socket path this OS takes, in bytes of UTF-8: {@code sizeof(sockaddr_un.
   * sun_path)} less its terminating NUL, so 107 on Linux and 103 on macOS and the BSDs.
   */
  public static final int MAX_UNIX_PATH_BYTES =
      System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux") ? 107 : 103;

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

  /**
   * A unix domain socket target.
   *
   * @throws IllegalArgumentException if the path is empty or longer than {@link
   *     #MAX_UNIX_PATH_BYTES}, naming the path, its length and the limit
   */
  public static Target unix(Path path) {
    Objects.requireNonNull(path, "path");
    String text = path.toString();
    if (text.isEmpty()) {
      throw new IllegalArgumentException("unix target: socket path is empty");
    }
    int length = text.getBytes(StandardCharsets.UTF_8).length;
    if (length > MAX_UNIX_PATH_BYTES) {
      throw new IllegalArgumentException(
          "unix socket path is "
              + length
              + " bytes, longer than the OS limit of "
              + MAX_UNIX_PATH_BYTES
              + ": "
              + path
              + " (use a shorter path, e.g. under /tmp)");
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
      case TCP -> {
        String tcpHost = Objects.requireNonNull(host, "a TCP target has a host");
        yield (tcpHost.indexOf(':') >= 0 ? "[" + tcpHost + "]" : tcpHost) + ":" + port;
      }
      case UNIX -> UNIX_PREFIX + path;
      case IN_PROCESS -> INPROC_PREFIX + name;
    };
  }
}
