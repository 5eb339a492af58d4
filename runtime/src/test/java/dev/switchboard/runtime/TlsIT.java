package dev.switchboard.runtime;

import static dev.switchboard.runtime.EchoFixtures.UNARY;
import static dev.switchboard.runtime.EchoFixtures.request;
import static dev.switchboard.runtime.EchoFixtures.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** TLS and mTLS handshakes between our server and channel over real TCP. */
class TlsIT {

  private static final DevCertificates DEV = DevCertificates.generate();

  @Test
  void tlsCallWithDevCertificates() throws Exception {
    try (SwitchboardServer server =
        SwitchboardServer.builder("localhost:0")
            .service(EchoFixtures.dynamicEcho())
            .tls(
                TlsConfig.fromCertificates(
                    DEV.serverTls().privateKey().orElseThrow(), DEV.serverCertificate()))
            .build()
            .start()) {
      assertThat(callOnce(server.target(), TlsConfig.trustOnly(DEV.caCertificate())))
          .isEqualTo("secure");
    }
  }

  @Test
  void tlsFromPemFilesOverIpAddress(@TempDir Path dir) throws Exception {
    DEV.writePem(dir);
    try (SwitchboardServer server =
        SwitchboardServer.builder("127.0.0.1:0")
            .service(EchoFixtures.dynamicEcho())
            .tls(TlsConfig.fromPem(dir.resolve("server.pem"), dir.resolve("server.key")))
            .build()
            .start()) {
      assertThat(callOnce(server.target(), TlsConfig.trustOnly(dir.resolve("ca.pem"))))
          .isEqualTo("secure");
    }
  }

  @Test
  void mutualTlsCallSeesTheClientCertificate() throws Exception {
    CompletableFuture<String> clientSubject = new CompletableFuture<>();
    try (SwitchboardServer server =
        SwitchboardServer.builder("localhost:0")
            .service(EchoFixtures.dynamicEcho())
            .interceptor(peerRecorder(clientSubject))
            .tls(DEV.serverTls().requireClientAuth())
            .build()
            .start()) {
      assertThat(callOnce(server.target(), DEV.clientTls())).isEqualTo("secure");
      assertThat(clientSubject.get(5, TimeUnit.SECONDS)).isEqualTo("CN=switchboard-dev-client");
    }
  }

  @Test
  void mutualTlsRejectsAClientWithoutCertificate() throws Exception {
    try (SwitchboardServer server =
        SwitchboardServer.builder("localhost:0")
            .service(EchoFixtures.dynamicEcho())
            .tls(DEV.serverTls().requireClientAuth())
            .build()
            .start()) {
      assertThatThrownBy(() -> callOnce(server.target(), TlsConfig.trustOnly(DEV.caCertificate())))
          .isInstanceOfSatisfying(
              StatusRuntimeException.class,
              e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE));
    }
  }

  @Test
  void mutualTlsRejectsAClientCertificateFromAnotherCa() throws Exception {
    DevCertificates stranger = DevCertificates.generate();
    try (SwitchboardServer server =
        SwitchboardServer.builder("localhost:0")
            .service(EchoFixtures.dynamicEcho())
            .tls(DEV.serverTls().requireClientAuth())
            .build()
            .start()) {
      // The stranger trusts our CA (so the server passes) but presents a certificate our CA never
      // signed.
      TlsConfig client = stranger.clientTls().trusting(DEV.caCertificate());
      assertThatThrownBy(() -> callOnce(server.target(), client))
          .isInstanceOfSatisfying(
              StatusRuntimeException.class,
              e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE));
    }
  }

  @Test
  void clientRejectsAServerSignedByAnotherCa() throws Exception {
    DevCertificates other = DevCertificates.generate();
    try (SwitchboardServer server =
        SwitchboardServer.builder("localhost:0")
            .service(EchoFixtures.dynamicEcho())
            .tls(DEV.serverTls())
            .build()
            .start()) {
      assertThatThrownBy(
              () -> callOnce(server.target(), TlsConfig.trustOnly(other.caCertificate())))
          .isInstanceOfSatisfying(
              StatusRuntimeException.class,
              e -> {
                assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
                assertThat(causes(e)).contains("PKIX path");
              });
    }
  }

  @Test
  void plaintextClientCannotTalkToATlsServer() throws Exception {
    try (SwitchboardServer server =
        SwitchboardServer.builder("localhost:0")
            .service(EchoFixtures.dynamicEcho())
            .tls(DEV.serverTls())
            .build()
            .start()) {
      ManagedChannel channel = SwitchboardChannel.builder(server.target()).plaintext().build();
      try {
        assertThatThrownBy(
                () ->
                    DynamicClient.on(channel)
                        .withDeadline(Duration.ofSeconds(5))
                        .unary(UNARY, request("x")))
            .isInstanceOf(StatusRuntimeException.class);
      } finally {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      }
    }
  }

  @Test
  void tlsOverAUnixSocket(@TempDir Path dir) throws Exception {
    Target target = Target.unix(dir.resolve("tls.sock"));
    try (SwitchboardServer server =
        SwitchboardServer.builder(target)
            .service(EchoFixtures.dynamicEcho())
            .tls(DEV.serverTls().requireClientAuth())
            .build()
            .start()) {
      assertThat(callOnce(server.target(), DEV.clientTls())).isEqualTo("secure");
    }
  }

  @Test
  void misconfigurationsFailAtBuildTime() {
    assertThatThrownBy(() -> SwitchboardServer.builder("inproc:x").tls(DEV.serverTls()).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("TLS does not apply to in-process target inproc:x");
    assertThatThrownBy(
            () ->
                SwitchboardServer.builder("localhost:0")
                    .tls(TlsConfig.trustOnly(DEV.caCertificate()))
                    .build())
        .hasMessageContaining("a TLS server needs a certificate chain and private key");
    assertThatThrownBy(
            () ->
                SwitchboardServer.builder("localhost:0")
                    .tls(
                        TlsConfig.fromCertificates(
                                DEV.serverTls().privateKey().orElseThrow(), DEV.serverCertificate())
                            .requireClientAuth())
                    .build())
        .hasMessageContaining("requireClientAuth() needs trusting(...) or pinning(...)");
    assertThatThrownBy(() -> SwitchboardChannel.builder("localhost:1").build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("channel to localhost:1: choose plaintext() or tls(...) for TCP targets");
  }

  private static String callOnce(Target target, TlsConfig tls) throws InterruptedException {
    ManagedChannel channel = SwitchboardChannel.builder(target).tls(tls).build();
    try {
      return text(
          DynamicClient.on(channel)
              .withDeadline(Duration.ofSeconds(10))
              .unary(UNARY, request("secure")));
    } finally {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  private static String causes(Throwable e) {
    StringBuilder text = new StringBuilder();
    for (Throwable t = e; t != null; t = t.getCause()) {
      text.append(t).append('\n');
    }
    return text.toString();
  }

  private static ServerInterceptor peerRecorder(CompletableFuture<String> subject) {
    return new ServerInterceptor() {
      @Override
      public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(
          ServerCall<ReqT, RespT> call,
          io.grpc.Metadata headers,
          ServerCallHandler<ReqT, RespT> next) {
        SSLSession session = call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION);
        try {
          if (session != null) {
            subject.complete(
                ((X509Certificate) session.getPeerCertificates()[0])
                    .getSubjectX500Principal()
                    .getName());
          }
        } catch (javax.net.ssl.SSLPeerUnverifiedException e) {
          subject.completeExceptionally(e);
        }
        return next.startCall(call, headers);
      }
    };
  }
}
