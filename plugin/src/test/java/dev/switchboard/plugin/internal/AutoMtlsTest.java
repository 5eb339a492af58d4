package dev.switchboard.plugin.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.util.List;
import org.junit.jupiter.api.Test;

class AutoMtlsTest {
  @Test
  void certificateHasGoPluginShape() throws Exception {
    long before = System.currentTimeMillis();
    AutoMtls.Identity identity = AutoMtls.generate();
    X509Certificate cert = identity.certificate();
    assertThat(cert.getVersion()).isEqualTo(3);
    assertThat(cert.getPublicKey()).isInstanceOf(ECPublicKey.class);
    assertThat(((ECPublicKey) cert.getPublicKey()).getParams().getCurve().getField().getFieldSize())
        .isEqualTo(256);
    assertThat(cert.getSubjectX500Principal().getName()).isEqualTo("CN=localhost,O=Switchboard");
    assertThat(cert.getIssuerX500Principal()).isEqualTo(cert.getSubjectX500Principal());
    assertThat(cert.getSubjectAlternativeNames()).containsExactly(List.of(2, "localhost"));
    assertThat(cert.getBasicConstraints()).isEqualTo(Integer.MAX_VALUE);
    // digitalSignature, keyEncipherment, keyAgreement, keyCertSign, as go-plugin's mtls.go.
    assertThat(cert.getKeyUsage()).startsWith(true, false, true, false, true, true);
    assertThat(cert.getCriticalExtensionOIDs()).containsExactlyInAnyOrder("2.5.29.19", "2.5.29.15");
    assertThat(cert.getExtendedKeyUsage())
        .containsExactly("1.3.6.1.5.5.7.3.2", "1.3.6.1.5.5.7.3.1");
    assertThat(cert.getSigAlgName()).isEqualTo("SHA256withECDSA");
    assertThat(cert.getNotBefore().getTime()).isBetween(before - 31_000, before - 29_000);
    assertThat(cert.getNotAfter().getTime()).isGreaterThan(before + 3650L * 24 * 3600 * 1000);
    assertThat(cert.getSerialNumber().signum()).isPositive();
    cert.verify(cert.getPublicKey());
    cert.checkValidity();
  }

  @Test
  void goPluginCurveIsAvailableForPeersAndTests() throws Exception {
    X509Certificate cert = AutoMtls.generate("secp521r1").certificate();
    assertThat(((ECPublicKey) cert.getPublicKey()).getParams().getCurve().getField().getFieldSize())
        .isEqualTo(521);
    assertThat(cert.getSigAlgName()).isEqualTo("SHA512withECDSA");
    cert.verify(cert.getPublicKey());
    assertThatThrownBy(() -> AutoMtls.generate("secp224r1"))
        .hasMessageContaining("unsupported AutoMTLS curve secp224r1");
  }

  @Test
  void timesFollowRfc5280() {
    // 2049-12-31T23:59:59Z is the last UTCTime; 2050-01-01T00:00:00Z is GeneralizedTime.
    assertThat(SelfSignedCertificate.time(2524607999L))
        .startsWith(0x17, 13)
        .endsWith("491231235959Z".getBytes(StandardCharsets.US_ASCII));
    assertThat(SelfSignedCertificate.time(2524608000L))
        .startsWith(0x18, 15)
        .endsWith("20500101000000Z".getBytes(StandardCharsets.US_ASCII));
  }

  @Test
  void longContentsGetLongFormLengths() {
    byte[] encoded = SelfSignedCertificate.tlv(0x04, new byte[300]);
    assertThat(encoded).startsWith(0x04, 0x82, 0x01, 0x2c);
    assertThat(encoded).hasSize(304);
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
