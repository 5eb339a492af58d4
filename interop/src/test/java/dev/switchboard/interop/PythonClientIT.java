package dev.switchboard.interop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.runtime.DevCertificates;
import dev.switchboard.testing.PeerPrograms;
import dev.switchboard.testing.TestProcess;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Direction 3: a Python client on Debian's python3-grpcio (the gRPC C core, a different HTTP/2 and
 * TLS stack than ours) calls {@code bin/interop server}, plaintext and over TLS with certificates
 * from {@link DevCertificates}. Stubs come from Debian's protoc and grpc_python_plugin, generated
 * at test time from the same grpc/testing protos the build used. Each check of interop_checks.py is
 * reported as its own test.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PythonClientIT {
  /** The checks interop_checks.py runs; a check that does not report "ok" fails here. */
  private static final List<String> CHECKS =
      List.of(
          "empty_unary",
          "large_unary",
          "server_streaming",
          "client_streaming",
          "bidi_ping_pong",
          "bidi_empty_stream",
          "status_code_and_message",
          "other_status_codes",
          "special_status_message",
          "unimplemented",
          "metadata_unary",
          "metadata_bidi",
          "deadline_exceeded");

  private Path python;
  private Path work;
  private Path stubs;
  private Path script;

  @BeforeAll
  void generateStubs(@TempDir Path work) throws IOException, URISyntaxException {
    this.work = work;
    python = PeerPrograms.python("grpc, google.protobuf", "python3-grpcio (and python3-protobuf)");
    Path protoc = PeerPrograms.protoc();
    Path plugin = PeerPrograms.onPath("grpc_python_plugin", "protobuf-compiler-grpc");
    stubs = Files.createDirectories(work.resolve("stubs"));
    TestProcess.builder(
            protoc.toString(),
            "-I",
            InteropPeers.protoDir().toString(),
            "--python_out=" + stubs,
            "--grpc_python_out=" + stubs,
            "--plugin=protoc-gen-grpc_python=" + plugin,
            "grpc/testing/empty.proto",
            "grpc/testing/messages.proto",
            "grpc/testing/test.proto")
        .run(Duration.ofSeconds(60))
        .assertSuccess();
    script = Path.of(PythonClientIT.class.getResource("/python/interop_checks.py").toURI());
  }

  @TestFactory
  Stream<DynamicTest> plaintext() {
    return checksAgainst(List.of("--use_tls=false"), "127.0.0.1", List.of());
  }

  @TestFactory
  Stream<DynamicTest> tls() throws IOException {
    Path certs = Files.createDirectories(work.resolve("certs"));
    DevCertificates.generate().writePem(certs);
    return checksAgainst(
        List.of(
            "--use_tls=true",
            "--tls_cert_file=" + certs.resolve(DevCertificates.SERVER_CERT),
            "--tls_key_file=" + certs.resolve(DevCertificates.SERVER_KEY)),
        // The development certificate names localhost, so that is the name the client dials.
        "localhost",
        List.of("--ca", certs.resolve(DevCertificates.CA_CERT).toString()));
  }

  private Stream<DynamicTest> checksAgainst(
      List<String> serverFlags, String host, List<String> clientFlags) {
    List<String> serverArgs = new ArrayList<>(List.of("server", "--port=0"));
    serverArgs.addAll(serverFlags);
    TestProcess.Result result;
    String serverOutput;
    try (TestProcess server =
        InteropPeers.start("our server", InteropPeers.binInterop(serverArgs))) {
      int port = InteropPeers.awaitStartedPort(server, Duration.ofSeconds(30));
      List<String> command =
          new ArrayList<>(
              List.of(
                  python.toString(),
                  script.toString(),
                  "--stubs",
                  stubs.toString(),
                  "--target",
                  host + ":" + port));
      command.addAll(clientFlags);
      result = TestProcess.builder(command).name("python").run(Duration.ofSeconds(120));
      serverOutput = server.output();
    }
    String report =
        "python exited "
            + result.exitCode()
            + ":\n"
            + result.output()
            + "\n--- our server ---\n"
            + serverOutput;
    return CHECKS.stream()
        .map(
            check ->
                DynamicTest.dynamicTest(
                    check,
                    () -> {
                      assertThat(result.output().lines())
                          .as("check %s did not pass; %s", check, report)
                          .contains("ok " + check);
                    }));
  }
}
