package dev.switchboard.interop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.testing.FreePorts;
import dev.switchboard.testing.TestProcess;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntSupplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestInstance;

/**
 * Direction 2: our interop client runs every case of {@link InteropCaseList} against grpc-java
 * 1.79.0's official TestServiceServer (its own JVM), plaintext and over TLS with the grpc test CA.
 * The cases run in this JVM through the same entry point bin/interop uses (our code is ours to
 * load); one case also runs through bin/interop itself to prove the launcher.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OurClientAgainstOfficialServerIT {
  private TestProcess plaintextServer;
  private TestProcess tlsServer;
  private int plaintextPort;
  private int tlsPort;

  @BeforeAll
  void startServers() {
    // grpc-java's server prints its configured port, not the bound one, so we pick a free port.
    plaintextPort = FreePorts.pick();
    tlsPort = FreePorts.pick();
    plaintextServer =
        InteropPeers.start(
            "grpc-java plaintext server",
            InteropPeers.anchorServer(List.of("--port=" + plaintextPort, "--use_tls=false")));
    tlsServer =
        InteropPeers.start(
            "grpc-java TLS server",
            InteropPeers.anchorServer(List.of("--port=" + tlsPort, "--use_tls=true")));
    plaintextServer.awaitListening(plaintextPort, Duration.ofSeconds(30));
    tlsServer.awaitListening(tlsPort, Duration.ofSeconds(30));
  }

  @AfterAll
  void stopServers() {
    if (plaintextServer != null) {
      plaintextServer.close();
    }
    if (tlsServer != null) {
      tlsServer.close();
    }
  }

  @TestFactory
  Stream<DynamicTest> plaintext() {
    return cases(() -> plaintextPort, List.of("--use_tls=false"));
  }

  @TestFactory
  Stream<DynamicTest> tls() {
    return cases(
        () -> tlsPort,
        List.of(
            "--use_tls=true", "--use_test_ca=true", "--server_host_override=foo.test.google.fr"));
  }

  @Test
  void binInteropClientRunsACaseAsAProcess() {
    TestProcess.Result result =
        TestProcess.builder(
                InteropPeers.binInterop(
                    List.of(
                        "client",
                        "--server_host=127.0.0.1",
                        "--server_port=" + tlsPort,
                        "--use_tls=true",
                        "--use_test_ca=true",
                        "--server_host_override=foo.test.google.fr",
                        "--test_case=large_unary")))
            .run(Duration.ofSeconds(60));
    assertThat(result.exitCode()).as(result.output()).isZero();
    assertThat(result.output()).contains("Running test large_unary", "Test completed.");
  }

  @Test
  void binInteropClientExitsNonZeroWithTheReasonWhenACaseFails() {
    // grpc-java's server ignores expect_compressed, so the probe of client_compressed_unary
    // must fail; our client has to say so and exit 1.
    TestProcess.Result result =
        TestProcess.builder(
                InteropPeers.binInterop(
                    List.of(
                        "client",
                        "--server_host=127.0.0.1",
                        "--server_port=" + plaintextPort,
                        "--use_tls=false",
                        "--test_case=client_compressed_unary")))
            .run(Duration.ofSeconds(60));
    assertThat(result.exitCode()).as(result.output()).isEqualTo(1);
    assertThat(result.output()).contains("client_compressed_unary FAILED", "INVALID_ARGUMENT");
  }

  private Stream<DynamicTest> cases(IntSupplier port, List<String> transportFlags) {
    return InteropCaseList.CASES.stream()
        .map(
            testCase ->
                DynamicTest.dynamicTest(
                    testCase,
                    () -> {
                      String skip = InteropCaseList.SKIPPED.get(testCase);
                      if (skip != null) {
                        System.out.println(testCase + ": " + skip);
                        Assumptions.abort(skip);
                      }
                      List<String> args =
                          new ArrayList<>(
                              List.of(
                                  "client",
                                  "--server_host=127.0.0.1",
                                  "--server_port=" + port.getAsInt(),
                                  "--test_case=" + testCase));
                      args.addAll(transportFlags);
                      if (InteropCaseList.isSoak(testCase)) {
                        args.addAll(InteropCaseList.SOAK_FLAGS);
                      }
                      StringWriter out = new StringWriter();
                      StringWriter err = new StringWriter();
                      int code =
                          InteropMain.run(
                              new PrintWriter(out, true),
                              new PrintWriter(err, true),
                              args.toArray(String[]::new));
                      assertThat(code)
                          .as(
                              "our client --test_case=%s against grpc-java's server exited %d:%n%s%s",
                              testCase, code, out, err)
                          .isZero();
                    }));
  }
}
