package dev.switchboard.runtime;

import static dev.switchboard.runtime.EchoFixtures.UNARY;
import static dev.switchboard.runtime.EchoFixtures.request;
import static dev.switchboard.runtime.EchoFixtures.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.math.BigInteger;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Peers that made throwaway self-signed certificates for each other and trust exactly one
 * certificate each (go-plugin's AutoMTLS shape), and TLS contexts built after the server binds.
 */
class PinnedTlsIT {

  /** A self-signed certificate for localhost and its key. */
  record Identity(X509Certificate certificate, PrivateKey key) {
    TlsConfig tls() {
      return TlsConfig.fromCertificates(key, certificate);
    }
  }

  private static final Identity SERVER = selfSigned("secp256r1", "SHA256withECDSA");
  private static final Identity CLIENT = selfSigned("secp256r1", "SHA256withECDSA");
  private static final Identity STRANGER = selfSigned("secp256r1", "SHA256withECDSA");

  @ParameterizedTest
  @EnumSource(TlsConfig.Provider.class)
  void peersThatPinEachOtherTalk(TlsConfig.Provider provider) throws Exception {
    try (SwitchboardServer server =
        server(SERVER.tls().pinning(CLIENT.certificate()).requireClientAuth().provider(provider))) {
      assertThat(call(server, CLIENT.tls().pinning(SERVER.certificate()).provider(provider)))
          .isEqualTo("pinned");
    }
  }

  @ParameterizedTest
  @EnumSource(TlsConfig.Provider.class)
  void aServerTurnsAwayEveryClientCertificateButThePinnedOne(TlsConfig.Provider provider)
      throws Exception {
    try (SwitchboardServer server =
        server(SERVER.tls().pinning(CLIENT.certificate()).requireClientAuth().provider(provider))) {
      assertUnavailable(server, STRANGER.tls().pinning(SERVER.certificate()).provider(provider));
      assertUnavailable(server, TlsConfig.systemTrust().pinning(SERVER.certificate()));
    }
  }

  @ParameterizedTest
  @EnumSource(TlsConfig.Provider.class)
  void aClientTurnsAwayEveryServerButThePinnedOne(TlsConfig.Provider provider) throws Exception {
    try (SwitchboardServer server = server(STRANGER.tls().provider(provider))) {
      assertUnavailable(server, CLIENT.tls().pinning(SERVER.certificate()).provider(provider));
    }
  }

  /** go-plugin's own certificates are P-521, whose signatures only the JDK provider verifies. */
  @Test
  void theJdkProviderTalksToP521Peers() throws Exception {
    Identity server = selfSigned("secp521r1", "SHA512withECDSA");
    Identity client = selfSigned("secp521r1", "SHA512withECDSA");
    try (SwitchboardServer running =
        server(
            server
                .tls()
                .pinning(client.certificate())
                .requireClientAuth()
                .provider(TlsConfig.Provider.JDK))) {
      assertThat(
              call(
                  running,
                  client.tls().pinning(server.certificate()).provider(TlsConfig.Provider.JDK)))
          .isEqualTo("pinned");
    }
  }

  @Test
  void aServerBindsBeforeItsContextIsBuiltAndTheFirstHandshakeBuildsIt(@TempDir Path dir)
      throws Exception {
    TlsContext context =
        TlsContext.forServer(
            SERVER
                .tls()
                .pinning(CLIENT.certificate())
                .requireClientAuth()
                .provider(TlsConfig.Provider.JDK));
    try (SwitchboardServer server =
        SwitchboardServer.builder(Target.unix(dir.resolve("deferred.sock")))
            .service(EchoFixtures.dynamicEcho())
            .tls(context)
            .build()
            .start()) {
      // Another thread builds it while clients may already connect; both wait for one build.
      CompletableFuture<TlsContext> prepared = CompletableFuture.supplyAsync(context::prepare);
      assertThat(call(server, CLIENT.tls().pinning(SERVER.certificate()))).isEqualTo("pinned");
      assertThat(prepared.get(10, TimeUnit.SECONDS)).isSameAs(context);
    }
  }

  @Test
  void oneContextServesSeveralServersAndChannels(@TempDir Path dir) throws Exception {
    TlsContext serverSide =
        TlsContext.forServer(
                SERVER
                    .tls()
                    .pinning(CLIENT.certificate())
                    .requireClientAuth()
                    .provider(TlsConfig.Provider.JDK))
            .prepare();
    TlsContext clientSide =
        TlsContext.forClient(
            CLIENT.tls().pinning(SERVER.certificate()).provider(TlsConfig.Provider.JDK));
    try (SwitchboardServer first =
            SwitchboardServer.builder(Target.unix(dir.resolve("a.sock")))
                .service(EchoFixtures.dynamicEcho())
                .tls(serverSide)
                .build()
                .start();
        SwitchboardServer second =
            SwitchboardServer.builder("127.0.0.1:0")
                .service(EchoFixtures.dynamicEcho())
                .tls(serverSide)
                .build()
                .start()) {
      for (SwitchboardServer server : new SwitchboardServer[] {first, second}) {
        ManagedChannel channel =
            SwitchboardChannel.builder(server.target())
                .tls(clientSide)
                .overrideAuthority("localhost")
                .build();
        try {
          assertThat(text(DynamicClient.on(channel).unary(UNARY, request("shared"))))
              .isEqualTo("shared");
        } finally {
          channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
      }
    }
  }

  @Test
  void contextsAreForTheirSideOnly() {
    TlsContext serverSide = TlsContext.forServer(SERVER.tls());
    TlsContext clientSide = TlsContext.forClient(CLIENT.tls());
    assertThatThrownBy(() -> SwitchboardServer.builder("localhost:0").tls(clientSide))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("needs a server context");
    assertThatThrownBy(() -> SwitchboardChannel.builder("localhost:1").tls(serverSide))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("needs a client context");
    assertThatThrownBy(() -> TlsContext.forServer(TlsConfig.systemTrust()))
        .hasMessageContaining("a TLS server needs a certificate chain and private key");
  }

  @Test
  void configsSayWhatTheyTrust() {
    TlsConfig pinned = CLIENT.tls().pinning(SERVER.certificate());
    assertThat(pinned.pinnedCertificate()).contains(SERVER.certificate());
    assertThat(pinned.trustedCertificates()).isEmpty();
    assertThat(pinned.provider()).isEqualTo(TlsConfig.Provider.DEFAULT);
    assertThat(pinned.toString()).contains("trust=pinned CN=localhost");
    TlsConfig cas = pinned.trusting(SERVER.certificate());
    assertThat(cas.pinnedCertificate()).as("trusting replaces the pin").isEmpty();
    assertThat(cas.pinning(STRANGER.certificate()).trustedCertificates())
        .as("pinning replaces the CAs")
        .isEmpty();
    assertThat(pinned.provider(TlsConfig.Provider.JDK).pinnedCertificate())
        .contains(SERVER.certificate());
  }

  private static SwitchboardServer server(TlsConfig tls) throws Exception {
    return SwitchboardServer.builder("127.0.0.1:0")
        .service(EchoFixtures.dynamicEcho())
        .tls(tls)
        .build()
        .start();
  }

  private static String call(SwitchboardServer server, TlsConfig tls) throws Exception {
    ManagedChannel channel =
        SwitchboardChannel.builder(server.target())
            .tls(tls)
            // The certificates name localhost, the target is an address or a path.
            .overrideAuthority("localhost")
            .build();
    try {
      return text(
          DynamicClient.on(channel)
              .withDeadline(Duration.ofSeconds(10))
              .unary(UNARY, request("pinned")));
    } finally {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  private static void assertUnavailable(SwitchboardServer server, TlsConfig tls) {
    assertThatThrownBy(() -> call(server, tls))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE));
  }

  private static Identity selfSigned(String curve, String signature) {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec(curve));
      KeyPair pair = generator.generateKeyPair();
      X500Name name = new X500Name("CN=localhost");
      Instant now = Instant.now();
      JcaX509v3CertificateBuilder builder =
          new JcaX509v3CertificateBuilder(
              name,
              new BigInteger(64, new SecureRandom()),
              Date.from(now.minusSeconds(30)),
              Date.from(now.plus(Duration.ofDays(1))),
              name,
              pair.getPublic());
      builder.addExtension(
          Extension.subjectAlternativeName,
          false,
          new GeneralNames(new GeneralName(GeneralName.dNSName, "localhost")));
      X509Certificate certificate =
          new JcaX509CertificateConverter()
              .getCertificate(
                  builder.build(new JcaContentSignerBuilder(signature).build(pair.getPrivate())));
      return new Identity(certificate, pair.getPrivate());
    } catch (Exception e) {
      throw new IllegalStateException("cannot make a test certificate", e);
    }
  }
}
