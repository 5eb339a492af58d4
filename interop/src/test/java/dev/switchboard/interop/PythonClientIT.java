package dev.switchboard.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.switchboard.runtime.DevCertificates;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
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

  private static final String PYTHON = "/usr/bin/python3";

  private Path work;
  private Path stubs;
  private Path script;

  @BeforeAll
  void generateStubs(@TempDir Path work) throws IOException, URISyntaxException {
    this.work = work;
    // Debian's grpcio is installed for the system Python only, not for a python3 earlier on PATH.
    PeerProcess.Result grpcio =
        PeerProcess.run(
            List.of(PYTHON, "-c", "import grpc, google.protobuf"), Duration.ofSeconds(30));
    if (grpcio.exitCode() != 0) {
      fail(
          PYTHON
              + " cannot import grpc: install the Debian package python3-grpcio"
              + " (apt-get install python3-grpcio python3-protobuf)\n"
              + grpcio.output());
    }
    String protoc =
        onPath("protoc")
            .orElseThrow(
                () ->
                    new AssertionError(
                        "protoc is not on PATH: install the Debian package protobuf-compiler"));
    String plugin =
        onPath("grpc_python_plugin")
            .orElseThrow(
                () ->
                    new AssertionError(
                        "grpc_python_plugin is not on PATH: install the Debian package protobuf-compiler-grpc"));
    stubs = Files.createDirectories(work.resolve("stubs"));
    PeerProcess.Result generated =
        PeerProcess.run(
            List.of(
                protoc,
                "-I",
                PeerProcess.protoDir().toString(),
                "--python_out=" + stubs,
                "--grpc_python_out=" + stubs,
                "--plugin=protoc-gen-grpc_python=" + plugin,
                "grpc/testing/empty.proto",
                "grpc/testing/messages.proto",
                "grpc/testing/test.proto"),
            Duration.ofSeconds(60));
    assertThat(generated.exitCode()).as("protoc: %s", generated.output()).isZero();
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
    PeerProcess.Result result;
    String serverOutput;
    try (PeerProcess server = PeerProcess.start(PeerProcess.binInterop(serverArgs))) {
      int port = server.awaitStartedPort(Duration.ofSeconds(30));
      List<String> command =
          new ArrayList<>(
              List.of(
                  PYTHON,
                  script.toString(),
                  "--stubs",
                  stubs.toString(),
                  "--target",
                  host + ":" + port));
      command.addAll(clientFlags);
      result = PeerProcess.run(command, Duration.ofSeconds(120));
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

  private static Optional<String> onPath(String program) {
    String path = System.getenv().getOrDefault("PATH", "");
    for (String dir : path.split(java.io.File.pathSeparator)) {
      Path candidate = Path.of(dir, program);
      if (Files.isExecutable(candidate)) {
        return Optional.of(candidate.toString());
      }
    }
    return Optional.empty();
  }
}
