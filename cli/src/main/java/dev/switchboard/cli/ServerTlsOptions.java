package dev.switchboard.cli;

import dev.switchboard.runtime.TlsConfig;
import java.nio.file.Path;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Option;

/**
 * {@code --tls-cert}, {@code --tls-key}, {@code --client-ca}: the TLS of a server a command runs (a
 * coordinator, an agent, a hub). Plaintext unless {@code --tls-cert} and {@code --tls-key} are
 * given; mutual TLS with {@code --client-ca}. Use it as a {@code @Mixin}.
 *
 * <p>Every PEM file is read by {@link #config()} when the command starts; a missing or unreadable
 * file, a half pair or a key that does not belong to its certificate is one line that names the
 * flag and the file (exit 2), never a failed handshake later.
 */
public final class ServerTlsOptions {
  @Option(
      names = "--tls-cert",
      paramLabel = "FILE",
      description =
          "Serve TLS with this PEM certificate chain (leaf first); needs --tls-key. "
              + "Without it the server speaks plaintext.")
  @Nullable Path cert;

  @Option(
      names = "--tls-key",
      paramLabel = "FILE",
      description = "PEM private key of --tls-cert (PKCS#8, PKCS#1 or SEC1; unencrypted).")
  @Nullable Path key;

  @Option(
      names = "--client-ca",
      paramLabel = "FILE",
      description =
          "Require client certificates signed by a CA in this PEM file (mutual TLS); "
              + "needs --tls-cert.")
  @Nullable Path clientCa;

  /**
   * The server's TLS config, or empty for plaintext.
   *
   * @throws BadInputException naming the flag and the file at fault
   */
  public Optional<TlsConfig> config() throws BadInputException {
    Path certFile = cert;
    Path keyFile = key;
    Path ca = clientCa;
    if (certFile == null && keyFile == null) {
      if (ca != null) {
        throw new BadInputException(
            "--client-ca needs --tls-cert and --tls-key (client certificates are checked only over"
                + " TLS)");
      }
      return Optional.empty();
    }
    if (certFile == null) {
      throw new BadInputException(
          "--tls-key needs --tls-cert (the certificate chain that goes with the key)");
    }
    if (keyFile == null) {
      throw new BadInputException(
          "--tls-cert needs --tls-key (the private key of the certificate)");
    }
    TlsConfig config = TlsFiles.identity("--tls-cert", certFile, "--tls-key", keyFile);
    if (ca != null) {
      TlsConfig identity = config;
      config = TlsFiles.read("--client-ca", () -> identity.trusting(ca)).requireClientAuth();
    }
    return Optional.of(config);
  }

  /** {@code ""}, {@code " (TLS)"} or {@code " (mTLS)"}: for a "listening on" line. */
  public String label() {
    return cert == null ? "" : clientCa == null ? " (TLS)" : " (mTLS)";
  }
}
