package dev.switchboard.runtime.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.runtime.DevCertificates;
import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.CertificateException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.Test;

class PinnedTrustManagerTest {
  private static final DevCertificates DEV = DevCertificates.generate();

  @Test
  void acceptsExactlyThePinnedCertificateInEitherRole() throws Exception {
    X509Certificate pinned = DEV.serverCertificate();
    PinnedTrustManager trust = new PinnedTrustManager(pinned);
    trust.checkClientTrusted(new X509Certificate[] {pinned}, "EC");
    trust.checkServerTrusted(new X509Certificate[] {pinned, DEV.caCertificate()}, "EC");
    assertThat(trust.getAcceptedIssuers()).containsExactly(pinned);

    // Signed by the same CA, for the same names: still not the pinned certificate.
    assertThatThrownBy(
            () -> trust.checkClientTrusted(new X509Certificate[] {DEV.clientCertificate()}, "EC"))
        .isInstanceOf(CertificateException.class)
        .hasMessage(
            "the peer's certificate is not the one pinned for this connection (peer subject"
                + " CN=switchboard-dev-client)");
    assertThatThrownBy(() -> trust.checkServerTrusted(new X509Certificate[0], "EC"))
        .isInstanceOf(CertificateException.class)
        .hasMessage("the peer sent no certificate");
  }

  @Test
  void aPinnedCertificateOutsideItsValidityIsRefused() throws Exception {
    KeyPair pair = KeyPairGenerator.getInstance("EC").generateKeyPair();
    X500Name name = new X500Name("CN=expired");
    Instant now = Instant.now();
    X509Certificate expired =
        new JcaX509CertificateConverter()
            .getCertificate(
                new JcaX509v3CertificateBuilder(
                        name,
                        BigInteger.ONE,
                        Date.from(now.minus(Duration.ofDays(2))),
                        Date.from(now.minus(Duration.ofDays(1))),
                        name,
                        pair.getPublic())
                    .build(
                        new JcaContentSignerBuilder("SHA256withECDSA").build(pair.getPrivate())));
    PinnedTrustManager trust = new PinnedTrustManager(expired);
    assertThatThrownBy(() -> trust.checkServerTrusted(new X509Certificate[] {expired}, "EC"))
        .isInstanceOf(CertificateExpiredException.class);
  }
}
