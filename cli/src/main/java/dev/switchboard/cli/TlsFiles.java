package dev.switchboard.cli;

import dev.switchboard.runtime.TlsConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Reads the PEM files that TLS flags name, at start, and blames the right flag: every problem is
 * one line that starts with the flag and names the file. {@link ClientTlsOptions} and {@link
 * ServerTlsOptions} share it.
 */
final class TlsFiles {
  private TlsFiles() {}

  /**
   * Runs a PEM read; its {@link IllegalArgumentException}, which names the file, becomes bad input
   * naming the flag.
   */
  static TlsConfig read(String flag, Supplier<TlsConfig> reading) throws BadInputException {
    try {
      return reading.get();
    } catch (IllegalArgumentException e) {
      throw new BadInputException(flag + ": " + e.getMessage());
    }
  }

  /** A certificate chain and its key: the chain is read alone first, to blame the right flag. */
  static TlsConfig identity(String certFlag, Path cert, String keyFlag, Path key)
      throws BadInputException {
    read(certFlag, () -> TlsConfig.trustOnly(cert));
    TlsConfig identity = read(keyFlag, () -> TlsConfig.fromPem(cert, key));
    checkPair(identity, keyFlag, key, certFlag, cert);
    return identity;
  }

  /**
   * A key that does not belong to the certificate would only fail later, in every handshake, with a
   * message that names neither file; a test signature finds it now.
   */
  private static void checkPair(
      TlsConfig config, String keyFlag, Path keyFile, String certFlag, Path certFile)
      throws BadInputException {
    PrivateKey key = config.privateKey().orElseThrow();
    X509Certificate leaf = config.certificateChain().get(0);
    String algorithm = signatureAlgorithm(key);
    if (algorithm == null) {
      return; // not one we can test here; the handshake will tell
    }
    boolean matches;
    try {
      byte[] probe = "switchboard key check".getBytes(StandardCharsets.US_ASCII);
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
      throw new BadInputException(
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

  private static @Nullable String signatureAlgorithm(PrivateKey key) {
    return switch (key.getAlgorithm()) {
      case "EC", "ECDSA" -> "SHA256withECDSA";
      case "RSA" -> "SHA256withRSA";
      case "Ed25519", "EdDSA" -> "Ed25519";
      default -> null;
    };
  }
}
