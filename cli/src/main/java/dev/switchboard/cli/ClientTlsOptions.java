package dev.switchboard.cli;

import dev.switchboard.runtime.Target;
import dev.switchboard.runtime.TlsConfig;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Option;

/**
 * {@code --plaintext}, {@code --cacert}, {@code --cert}, {@code --key}: how a command secures the
 * connections it makes, the flags of grpcurl. Use it as a {@code @Mixin}; {@link
 * #forTarget(Target)} turns the flags into the channel's {@link TlsConfig}.
 *
 * <p>One rule for every command:
 *
 * <ol>
 *   <li>{@code --plaintext}: no TLS (and no {@code --cacert}, {@code --cert} or {@code --key}).
 *   <li>{@code --cacert}, or {@code --cert} with {@code --key}: TLS with those files.
 *   <li>Neither: plaintext for {@code unix:} and {@code inproc:} targets and for loopback hosts
 *       ({@code localhost}, {@code 127.0.0.0/8}, {@code ::1}), whose traffic never leaves the
 *       machine (and whose certificates no public CA signs); TLS with the JDK's trust store for
 *       every other host.
 * </ol>
 *
 * <p>Every PEM file is read when the command dials; a missing or unreadable file, a half pair or a
 * key that does not belong to its certificate is one line naming the flag and the file (exit 2).
 */
public final class ClientTlsOptions {
  private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

  @Option(
      names = "--plaintext",
      description =
          "No TLS. Default for unix: and inproc: targets and loopback hosts (localhost, 127.0.0.1,"
              + " ::1); other hosts use TLS unless this is given.")
  boolean plaintext;

  @Option(
      names = "--cacert",
      paramLabel = "FILE",
      description =
          "Use TLS, verifying the server against the CA certificates in this PEM file (default: the"
              + " JDK's trust store). The server's certificate must name the host dialled.")
  @Nullable Path cacert;

  @Option(
      names = "--cert",
      paramLabel = "FILE",
      description =
          "Use TLS and present this PEM certificate chain as the client (mutual TLS); needs --key.")
  @Nullable Path cert;

  @Option(
      names = "--key",
      paramLabel = "FILE",
      description = "PEM private key for --cert (unencrypted).")
  @Nullable Path key;

  private @Nullable Boolean dialledPlaintext;

  /**
   * The TLS config for a channel to {@code target}, or empty for plaintext, by the rule above.
   *
   * @throws BadInputException naming the flag (and file) at fault
   */
  public Optional<TlsConfig> forTarget(Target target) throws BadInputException {
    Path certFile = cert;
    Path keyFile = key;
    Path ca = cacert;
    if (certFile == null && keyFile != null) {
      throw new BadInputException(
          "--key needs --cert (the certificate chain that goes with the key)");
    }
    if (certFile != null && keyFile == null) {
      throw new BadInputException("--cert needs --key (the private key of the certificate)");
    }
    boolean files = ca != null || certFile != null;
    if (plaintext && files) {
      throw new BadInputException("--plaintext cannot be combined with --cacert, --cert or --key");
    }
    if (plaintext || (!files && plaintextByDefault(target))) {
      dialledPlaintext = true;
      return Optional.empty();
    }
    if (target.kind() == Target.Kind.IN_PROCESS) {
      throw new BadInputException(
          "--cacert, --cert and --key do not apply to the in-process target " + target);
    }
    dialledPlaintext = false;
    TlsConfig trust =
        ca == null
            ? TlsConfig.systemTrust()
            : TlsFiles.read("--cacert", () -> TlsConfig.trustOnly(ca));
    if (certFile == null || keyFile == null) {
      return Optional.of(trust);
    }
    TlsConfig identity = TlsFiles.identity("--cert", certFile, "--key", keyFile);
    return Optional.of(ca == null ? identity : identity.trusting(ca));
  }

  /** Whether {@code target} is dialled without TLS when no TLS flag is given. */
  static boolean plaintextByDefault(Target target) {
    return target.kind() != Target.Kind.TCP || isLoopback(target.host());
  }

  /** Decided on the literal text, never through DNS. */
  static boolean isLoopback(String host) {
    String name = host.toLowerCase(Locale.ROOT);
    if (name.equals("localhost") || name.endsWith(".localhost")) {
      return true;
    }
    if (IPV4.matcher(name).matches()) {
      return name.startsWith("127.");
    }
    if (name.indexOf(':') < 0) {
      return false;
    }
    try {
      return InetAddress.getByName(name).isLoopbackAddress(); // an IPv6 literal: no lookup
    } catch (UnknownHostException e) {
      return false;
    }
  }

  /**
   * The transport's TLS failures name neither the cause nor the flag that fixes it; these are the
   * ones met when client and server disagree (grpc-java 1.85 with Netty's BoringSSL). Empty when no
   * hint applies.
   */
  String hint(String statusLine) {
    Boolean plain = dialledPlaintext;
    if (plain == null) {
      return "";
    }
    // A TLS server drops a plaintext HTTP/2 preface: the client sees the close or a reset.
    if (plain
        && statusLine.startsWith("UNAVAILABLE")
        && (statusLine.contains("Network closed for unknown reason")
            || statusLine.contains("Connection reset by peer"))) {
      return "; if the server speaks TLS, give --cacert FILE (this target is dialled in plaintext"
          + " by default)";
    }
    if (statusLine.contains("not an SSL/TLS record")) {
      return "; the server does not speak TLS on this port: add --plaintext";
    }
    if (statusLine.contains("CERTIFICATE_REQUIRED")) {
      return "; the server requires a client certificate: give --cert FILE --key FILE";
    }
    if (statusLine.contains("unable to find valid certification path")
        || statusLine.contains("PKIX")
        || statusLine.contains("trust anchors")) {
      return cacert == null
          ? "; the server's certificate is not trusted by the JDK's trust store: give --cacert FILE"
          : "; the server's certificate is not signed by a CA in --cacert";
    }
    return "";
  }
}
