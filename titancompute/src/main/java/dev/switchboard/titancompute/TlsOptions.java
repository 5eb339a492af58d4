package dev.switchboard.titancompute;

import dev.switchboard.runtime.TlsConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.util.Optional;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The TLS options of {@code bin/titan}, in one place: {@link Server} for what a coordinator or
 * agent serves, {@link Client} for its outgoing links. The client flags are the ones {@code sb}
 * (and grpcurl) use, so a user meets one vocabulary; unlike {@code sb}, titan stays plaintext
 * unless given a certificate flag, so that existing scripts and the demo keep working.
 *
 * <p>Every PEM file is read when the command starts, and a bad one is a one-line usage error that
 * names the flag and the file (exit 2), never a failed handshake later.
 */
final class TlsOptions {
  private TlsOptions() {}

  /** {@code --tls-cert}, {@code --tls-key}, {@code --client-ca}: serve TLS, optionally mTLS. */
  static final class Server {
    @Spec(Spec.Target.MIXEE)
    private @Nullable CommandSpec spec;

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

    /** The server's TLS config, or empty for plaintext. */
    Optional<TlsConfig> config() {
      if (cert == null && key == null) {
        if (clientCa != null) {
          throw bad(
              spec,
              "--client-ca needs --tls-cert and --tls-key (client certificates are checked only over TLS)");
        }
        return Optional.empty();
      }
      if (cert == null || key == null) {
        throw bad(
            spec,
            cert == null
                ? "--tls-key needs --tls-cert (the certificate chain that goes with the key)"
                : "--tls-cert needs --tls-key (the private key of the certificate)");
      }
      Path certFile = cert;
      Path keyFile = key;
      // The chain is read alone first, so that a failure is blamed on the right flag.
      read(spec, "--tls-cert", () -> TlsConfig.trustOnly(certFile));
      TlsConfig config = read(spec, "--tls-key", () -> TlsConfig.fromPem(certFile, keyFile));
      checkPair(spec, config, "--tls-key", keyFile, "--tls-cert", certFile);
      Path ca = clientCa;
      if (ca != null) {
        config =
            read(spec, "--client-ca", () -> TlsConfig.fromPem(certFile, keyFile).trusting(ca))
                .requireClientAuth();
      }
      return Optional.of(config);
    }
  }

  /**
   * {@code --cacert}, {@code --cert}, {@code --key}, {@code --plaintext}: how to reach a server.
   */
  static final class Client {
    @Spec(Spec.Target.MIXEE)
    private @Nullable CommandSpec spec;

    @Option(
        names = "--cacert",
        paramLabel = "FILE",
        description =
            "Use TLS, verifying the server against the CA certificates in this PEM file. "
                + "The server certificate must name the host dialled (for agents: the host they advertise). "
                + "Default: plaintext.")
    @Nullable Path cacert;

    @Option(
        names = "--cert",
        paramLabel = "FILE",
        description =
            "Use TLS and present this PEM certificate chain as the client (mutual TLS); needs --key. "
                + "Without --cacert the server is verified against the JDK's trust store.")
    @Nullable Path cert;

    @Option(
        names = "--key",
        paramLabel = "FILE",
        description = "PEM private key for --cert (unencrypted).")
    @Nullable Path key;

    @Option(
        names = "--plaintext",
        description =
            "No TLS (the default; accepted so that sb-style command lines work unchanged).")
    boolean plaintext;

    /** True when this client dials without TLS (no certificate flag was given). */
    boolean dialsPlaintext() {
      return cacert == null && cert == null;
    }

    /** The client's TLS config, or empty for plaintext. */
    Optional<TlsConfig> config() {
      if ((cert == null) != (key == null)) {
        throw bad(
            spec,
            cert == null
                ? "--key needs --cert (the certificate chain that goes with the key)"
                : "--cert needs --key (the private key of the certificate)");
      }
      if (cacert == null && cert == null) {
        return Optional.empty();
      }
      if (plaintext) {
        throw bad(spec, "--plaintext cannot be combined with --cacert, --cert or --key");
      }
      Path ca = cacert;
      TlsConfig trust =
          ca == null
              ? TlsConfig.systemTrust()
              : read(spec, "--cacert", () -> TlsConfig.trustOnly(ca));
      Path certFile = cert;
      Path keyFile = key;
      if (certFile == null || keyFile == null) {
        return Optional.of(trust);
      }
      read(spec, "--cert", () -> TlsConfig.trustOnly(certFile));
      TlsConfig identity = read(spec, "--key", () -> TlsConfig.fromPem(certFile, keyFile));
      checkPair(spec, identity, "--key", keyFile, "--cert", certFile);
      return Optional.of(ca == null ? identity : identity.trusting(ca));
    }
  }

  /** Runs a PEM read; its error (which names the file) becomes a usage error naming the flag. */
  private static TlsConfig read(
      @Nullable CommandSpec spec, String flag, Supplier<TlsConfig> reading) {
    try {
      return reading.get();
    } catch (IllegalArgumentException e) {
      throw bad(spec, flag + ": " + e.getMessage());
    }
  }

  /**
   * A key that does not belong to the certificate would only fail later, in every handshake, with a
   * message that names neither file; a test signature finds it now.
   */
  private static void checkPair(
      @Nullable CommandSpec spec,
      TlsConfig config,
      String keyFlag,
      Path keyFile,
      String certFlag,
      Path certFile) {
    PrivateKey key = config.privateKey().orElseThrow();
    X509Certificate leaf = config.certificateChain().get(0);
    String algorithm =
        switch (key.getAlgorithm()) {
          case "EC", "ECDSA" -> "SHA256withECDSA";
          case "RSA" -> "SHA256withRSA";
          case "Ed25519", "EdDSA" -> "Ed25519";
          default -> null; // not one we can test here; the handshake will tell
        };
    if (algorithm == null) {
      return;
    }
    boolean matches;
    try {
      byte[] probe = "titancompute key check".getBytes(StandardCharsets.US_ASCII);
      Signature signer = Signature.getInstance(algorithm);
      signer.initSign(key);
      signer.update(probe);
      byte[] signature = signer.sign();
      Signature verifier = Signature.getInstance(algorithm);
      verifier.initVerify(leaf.getPublicKey());
      verifier.update(probe);
      matches = verifier.verify(signature);
    } catch (GeneralSecurityException e) {
      matches = false; // e.g. an EC key beside an RSA certificate
    }
    if (!matches) {
      throw bad(
          spec,
          keyFlag
              + ": "
              + keyFile
              + " is not the private key of the first certificate in "
              + certFlag
              + " "
              + certFile
              + " ("
              + leaf.getSubjectX500Principal().getName()
              + ")");
    }
  }

  private static RuntimeException bad(@Nullable CommandSpec spec, String message) {
    if (spec == null) {
      return new IllegalArgumentException(message);
    }
    return new ParameterException(spec.commandLine(), message);
  }
}
