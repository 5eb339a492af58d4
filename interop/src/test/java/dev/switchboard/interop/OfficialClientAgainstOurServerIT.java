package dev.switchboard.interop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.testing.TestProcess;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestInstance;

/**
 * Direction 1: grpc-java 1.79.0's official TestServiceClient (its own JVM, its own classpath) runs
 * every case of {@link InteropCaseList} against {@code bin/interop server}, plaintext and over TLS
 * with the grpc test CA. Each server starts once; cases run one after another.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OfficialClientAgainstOurServerIT {
  private static final Duration CASE_TIMEOUT = Duration.ofSeconds(90);

  private TestProcess plaintextServer;
  private TestProcess tlsServer;
  private int plaintextPort;
  private int tlsPort;

  @BeforeAll
  void startServers() {
    plaintextServer =
        InteropPeers.start(
            "our plaintext server",
            InteropPeers.binInterop(List.of("server", "--port=0", "--use_tls=false")));
    tlsServer =
        InteropPeers.start(
            "our TLS server",
            InteropPeers.binInterop(List.of("server", "--port=0", "--use_tls=true")));
    plaintextPort = InteropPeers.awaitStartedPort(plaintextServer, Duration.ofSeconds(30));
    tlsPort = InteropPeers.awaitStartedPort(tlsServer, Duration.ofSeconds(30));
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
    return cases(() -> plaintextPort, List.of("--use_tls=false"), () -> plaintextServer);
  }

  @TestFactory
  Stream<DynamicTest> tls() {
    return cases(
        () -> tlsPort,
        List.of(
            "--use_tls=true", "--use_test_ca=true", "--server_host_override=foo.test.google.fr"),
        () -> tlsServer);
  }

  private Stream<DynamicTest> cases(
      java.util.function.IntSupplier port,
      List<String> transportFlags,
      java.util.function.Supplier<TestProcess> server) {
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
                                  "--server_host=127.0.0.1",
                                  "--server_port=" + port.getAsInt(),
                                  "--test_case=" + testCase));
                      args.addAll(transportFlags);
                      if (InteropCaseList.isSoak(testCase)) {
                        args.addAll(InteropCaseList.SOAK_FLAGS);
                      }
                      TestProcess.Result result =
                          TestProcess.builder(InteropPeers.anchorClient(args))
                              .name("grpc-java TestServiceClient")
                              .run(CASE_TIMEOUT);
                      assertThat(result.exitCode())
                          .as(
                              "grpc-java TestServiceClient --test_case=%s against our server exited %d:%n%s%n"
                                  + "--- our server's output so far ---%n%s",
                              testCase,
                              result.exitCode(),
                              tail(result.output()),
                              tail(server.get().output()))
                          .isZero();
                    }));
  }

  static String tail(String text) {
    return text.length() <= 6000 ? text : "..." + text.substring(text.length() - 6000);
  }
}
