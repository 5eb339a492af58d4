package dev.switchboard.plugin.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.util.List;
import org.junit.jupiter.api.Test;

class AutoMtlsTest {
  @Test
  void certificateHasGoPluginShape() throws Exception {
    AutoMtls.Identity identity = AutoMtls.generate();
    X509Certificate cert = identity.certificate();
    assertThat(cert.getPublicKey()).isInstanceOf(ECPublicKey.class);
    assertThat(((ECPublicKey) cert.getPublicKey()).getParams().getCurve().getField().getFieldSize()).isEqualTo(521);
    assertThat(cert.getSubjectX500Principal().getName()).contains("CN=localhost");
    assertThat(cert.getSubjectAlternativeNames()).containsExactly(List.of(2, "localhost"));
    assertThat(cert.getBasicConstraints()).isGreaterThanOrEqualTo(0);
    assertThat(cert.getExtendedKeyUsage()).contains("1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2");
    assertThat(cert.getSigAlgName()).isEqualTo("SHA512withECDSA");
    cert.verify(cert.getPublicKey());
  }

  @Test
  void handshakeFieldIsUnpaddedStandardBase64OfDer() throws Exception {
    AutoMtls.Identity identity = AutoMtls.generate();
    String field = identity.handshakeField();
    assertThat(field).doesNotContain("=", "\n", "-", "_");
    assertThat(AutoMtls.parseHandshakeField(field)).isEqualTo(identity.certificate());
    assertThat(AutoMtls.parsePem(identity.certificatePem())).isEqualTo(identity.certificate());
  }
}
