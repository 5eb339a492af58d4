package dev.switchboard.interop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.runtime.DevCertificates;
import dev.switchboard.testing.FreePorts;
import dev.switchboard.testing.TestProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Direction 4: {@code bin/sb}, as a user runs it, against real servers. grpc-java's own
 * TestServiceServer offers no reflection, so sb takes the contract from the .proto files ({@code
 * --proto}); our server offers reflection, so {@code list}, {@code describe} and {@code call} work
 * with no contract at hand, plaintext and over TLS.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SbIT {
  private static final Duration SB_TIMEOUT = Duration.ofSeconds(60);

  private Path work;
  private TestProcess officialServer;
  private TestProcess ourServer;
  private TestProcess ourTlsServer;
  private int officialPort;
  private int ourPort;
  private int ourTlsPort;
  private Path certs;

  @BeforeAll
  void startServers(@TempDir Path work) throws IOException {
    this.work = work;
    Path jar = InteropPeers.root().resolve("cli/target/sb.jar");
    assertThat(jar)
        .as("bin/sb runs %s; build the cli module first (mvn -pl cli package)", jar)
        .isRegularFile();
    certs = Files.createDirectories(work.resolve("certs"));
    DevCertificates.generate().writePem(certs);
    officialPort = FreePorts.pick();
    officialServer =
        InteropPeers.start(
            "grpc-java server",
            InteropPeers.anchorServer(List.of("--port=" + officialPort, "--use_tls=false")));
    ourServer =
        InteropPeers.start(
            "our server",
            InteropPeers.binInterop(List.of("server", "--port=0", "--use_tls=false")));
    ourTlsServer =
        InteropPeers.start(
            "our TLS server",
            InteropPeers.binInterop(
                List.of(
                    "server",
                    "--port=0",
                    "--use_tls=true",
                    "--tls_cert_file=" + certs.resolve(DevCertificates.SERVER_CERT),
                    "--tls_key_file=" + certs.resolve(DevCertificates.SERVER_KEY))));
    ourPort = InteropPeers.awaitStartedPort(ourServer, Duration.ofSeconds(30));
    ourTlsPort = InteropPeers.awaitStartedPort(ourTlsServer, Duration.ofSeconds(30));
    officialServer.awaitListening(officialPort, Duration.ofSeconds(30));
  }

  @AfterAll
  void stopServers() {
    for (TestProcess server : new TestProcess[] {officialServer, ourServer, ourTlsServer}) {
      if (server != null) {
        server.close();
      }
    }
  }

  // --- grpc-java's TestServiceServer: no reflection, contract from --proto --------------------

  @Test
  void callWithProtoAgainstGrpcJavaServerWithoutReflection() {
    TestProcess.Result result =
        sb(
            "call",
            "--plaintext",
            "127.0.0.1:" + officialPort,
            "grpc.testing.TestService/UnaryCall",
            "--proto",
            "grpc/testing/test.proto",
            "-I",
            InteropPeers.protoDir().toString(),
            "-d",
            "{\"responseSize\": 5}");
    assertThat(result.exitCode()).as(result.output()).isZero();
    // Five zero bytes, base64 in the protobuf JSON mapping.
    assertThat(result.output().strip()).isEqualTo("{\"payload\":{\"body\":\"AAAAAAA=\"}}");
  }

  @Test
  void serverStreamingAndErrorsWithProtoAgainstGrpcJavaServer() {
    TestProcess.Result stream =
        sb(
            "call",
            "--plaintext",
            "127.0.0.1:" + officialPort,
            "grpc.testing.TestService/StreamingOutputCall",
            "--proto",
            "grpc/testing/test.proto",
            "-I",
            InteropPeers.protoDir().toString(),
            "-d",
            "{\"responseParameters\": [{\"size\": 1}, {\"size\": 2}, {\"size\": 3}]}");
    assertThat(stream.exitCode()).as(stream.output()).isZero();
    assertThat(stream.output().strip().lines())
        .containsExactly(
            "{\"payload\":{\"body\":\"AA==\"}}",
            "{\"payload\":{\"body\":\"AAA=\"}}",
            "{\"payload\":{\"body\":\"AAAA\"}}");

    TestProcess.Result failed =
        sb(
            "call",
            "--plaintext",
            "127.0.0.1:" + officialPort,
            "grpc.testing.TestService/UnaryCall",
            "--proto",
            "grpc/testing/test.proto",
            "-I",
            InteropPeers.protoDir().toString(),
            "-d",
            "{\"responseStatus\": {\"code\": 5, \"message\": \"no such thing\"}}");
    assertThat(failed.exitCode()).as(failed.output()).isEqualTo(1);
    assertThat(failed.output()).contains("NOT_FOUND: no such thing");
  }

  @Test
  void withoutProtoTheGrpcJavaServerHasNoContractToOffer() {
    // The point of --proto: this server has no reflection, so the same call without it fails.
    TestProcess.Result result =
        sb(
            "call",
            "--plaintext",
            "127.0.0.1:" + officialPort,
            "grpc.testing.TestService/EmptyCall");
    assertThat(result.exitCode()).as(result.output()).isEqualTo(1);
    assertThat(result.output()).contains("UNIMPLEMENTED", "reflection");
  }

  // --- our server: reflection -----------------------------------------------------------------

  @Test
  void listThroughReflection() {
    TestProcess.Result services = sb("list", "--plaintext", "127.0.0.1:" + ourPort);
    assertThat(services.exitCode()).as(services.output()).isZero();
    assertThat(services.output().lines())
        .contains("grpc.testing.TestService", "grpc.testing.UnimplementedService");

    TestProcess.Result methods =
        sb("list", "--plaintext", "127.0.0.1:" + ourPort, "grpc.testing.TestService");
    assertThat(methods.exitCode()).as(methods.output()).isZero();
    assertThat(methods.output().lines())
        .contains(
            "grpc.testing.TestService.UnaryCall",
            "grpc.testing.TestService.FullDuplexCall",
            "grpc.testing.TestService.StreamingInputCall");
  }

  @Test
  void describeThroughReflection() {
    TestProcess.Result service =
        sb("describe", "--plaintext", "127.0.0.1:" + ourPort, "grpc.testing.TestService");
    assertThat(service.exitCode()).as(service.output()).isZero();
    assertThat(service.output())
        .contains(
            "service TestService",
            "FullDuplexCall",
            "stream .grpc.testing.StreamingOutputCallRequest");

    TestProcess.Result message =
        sb("describe", "--plaintext", "127.0.0.1:" + ourPort, "grpc.testing.SimpleRequest");
    assertThat(message.exitCode()).as(message.output()).isZero();
    assertThat(message.output()).contains("response_size", "expect_compressed");
  }

  @Test
  void unaryAndBidiCallsThroughReflection() throws IOException {
    TestProcess.Result unary =
        sb(
            "call",
            "--plaintext",
            "127.0.0.1:" + ourPort,
            "grpc.testing.TestService/UnaryCall",
            "-d",
            "{\"responseSize\": 3}");
    assertThat(unary.exitCode()).as(unary.output()).isZero();
    assertThat(unary.output().strip()).isEqualTo("{\"payload\":{\"body\":\"AAAA\"}}");

    Path requests = work.resolve("duplex.ndjson");
    Files.writeString(
        requests,
        "{\"responseParameters\": [{\"size\": 2}]}\n"
            + "{\"responseParameters\": [{\"size\": 3}, {\"size\": 1}]}\n");
    TestProcess.Result bidi =
        sb(
            "call",
            "--plaintext",
            "127.0.0.1:" + ourPort,
            "grpc.testing.TestService/FullDuplexCall",
            "-d",
            "@" + requests);
    assertThat(bidi.exitCode()).as(bidi.output()).isZero();
    assertThat(bidi.output().strip().lines())
        .containsExactly(
            "{\"payload\":{\"body\":\"AAA=\"}}",
            "{\"payload\":{\"body\":\"AAAA\"}}",
            "{\"payload\":{\"body\":\"AA==\"}}");
  }

  @Test
  void callOverTlsThroughReflection() {
    TestProcess.Result result =
        sb(
            "call",
            "--cacert",
            certs.resolve(DevCertificates.CA_CERT).toString(),
            "localhost:" + ourTlsPort,
            "grpc.testing.TestService/UnaryCall",
            "-d",
            "{\"responseSize\": 1}");
    assertThat(result.exitCode()).as(result.output()).isZero();
    assertThat(result.output().strip()).isEqualTo("{\"payload\":{\"body\":\"AA==\"}}");
  }

  private static TestProcess.Result sb(String... args) {
    return TestProcess.builder(InteropPeers.binSb(List.of(args))).name("sb").run(SB_TIMEOUT);
  }
}
