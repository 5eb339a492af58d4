package dev.switchboard.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TlsConfigTest {

  private static final DevCertificates DEV = DevCertificates.generate();

  @Test
  void devServerCertificateCoversLocalNamesAndIsSignedByTheCa() throws Exception {
    X509Certificate server = DEV.serverCertificate();
    server.verify(DEV.caCertificate().getPublicKey());
    server.checkValidity();
    assertThat(server.getSubjectAlternativeNames().stream().map(entry -> (Object) entry.get(1)))
        .containsExactlyInAnyOrder((Object) "localhost", "127.0.0.1", "0:0:0:0:0:0:0:1");
    assertThat(server.getExtendedKeyUsage()).contains("1.3.6.1.5.5.7.3.1");
    DEV.clientCertificate().verify(DEV.caCertificate().getPublicKey());
    assertThat(DEV.clientCertificate().getExtendedKeyUsage()).contains("1.3.6.1.5.5.7.3.2");
    assertThat(DEV.caCertificate().getBasicConstraints()).isGreaterThanOrEqualTo(0);
  }

  @Test
  void writesPemFilesOwnerOnlyThatReadBack(@TempDir Path dir) throws Exception {
    Path out = dir.resolve("certs");
    DEV.writePem(out);
    for (String name :
        List.of(
            DevCertificates.CA_CERT,
            DevCertificates.SERVER_CERT,
            DevCertificates.SERVER_KEY,
            DevCertificates.CLIENT_CERT,
            DevCertificates.CLIENT_KEY)) {
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(out.resolve(name))))
          .as(name)
          .isEqualTo("rw-------");
    }
    assertThat(Files.readString(out.resolve(DevCertificates.SERVER_KEY)))
        .startsWith("-----BEGIN PRIVATE KEY-----");

    TlsConfig server =
        TlsConfig.fromPem(out.resolve("server.pem"), out.resolve("server.key"))
            .trusting(out.resolve("ca.pem"))
            .requireClientAuth();
    assertThat(server.certificateChain()).containsExactly(DEV.serverCertificate());
    assertThat(server.privateKey()).isPresent();
    assertThat(server.trustedCertificates()).contains(List.of(DEV.caCertificate()));
    assertThat(server.clientAuthRequired()).isTrue();

    TlsConfig client = TlsConfig.trustOnly(out.resolve("ca.pem"));
    assertThat(client.certificateChain()).isEmpty();
    assertThat(client.privateKey()).isEmpty();
  }

  @Test
  void writingAgainReplacesFiles(@TempDir Path dir) throws Exception {
    DEV.writePem(dir);
    DevCertificates other = DevCertificates.generate();
    other.writePem(dir);
    assertThat(TlsConfig.trustOnly(dir.resolve("ca.pem")).trustedCertificates().orElseThrow())
        .containsExactly(other.caCertificate());
  }

  @Test
  void badFilesAreNamedInTheError(@TempDir Path dir) throws Exception {
    Path missing = dir.resolve("missing.pem");
    assertThatThrownBy(() -> TlsConfig.trustOnly(missing))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(missing.toString())
        .hasMessageContaining("no such file");

    Path notPem = dir.resolve("not.pem");
    Files.writeString(notPem, "hello\n");
    assertThatThrownBy(() -> TlsConfig.trustOnly(notPem))
        .hasMessageContaining(notPem.toString())
        .hasMessageContaining("no 'BEGIN CERTIFICATE' block");

    DEV.writePem(dir);
    // A certificate where the key should be.
    assertThatThrownBy(
            () -> TlsConfig.fromPem(dir.resolve("server.pem"), dir.resolve("server.pem")))
        .hasMessageContaining(dir.resolve("server.pem") + ": no unencrypted private key found");
  }

  @Test
  void inMemoryTrustNeedsACertificate() {
    assertThatThrownBy(() -> TlsConfig.trustOnly(new X509Certificate[0]))
        .hasMessageContaining("at least one CA certificate");
  }
}
