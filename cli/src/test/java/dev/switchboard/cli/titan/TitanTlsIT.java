package dev.switchboard.cli.titan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.cli.ExitCode;
import dev.switchboard.runtime.DevCertificates;
import dev.switchboard.runtime.SwitchboardChannel;
import dev.switchboard.runtime.Target;
import dev.switchboard.runtime.TlsConfig;
import dev.switchboard.testing.Await;
import dev.switchboard.testing.FreePorts;
import dev.switchboard.testing.TestProcess;
import dev.switchboard.titancompute.v1.AgentServiceGrpc;
import dev.switchboard.titancompute.v1.StatusRequest;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * TitanCompute over TLS, as real processes with development certificates written as PEM files:
 * coordinator, agent and {@code titan infer} speaking TLS end to end (the agent's own link to the
 * coordinator included), a plaintext client against a TLS coordinator failing fast with UNAVAILABLE
 * and a hint, and mTLS refusing a client without a certificate at the coordinator and at the agent.
 */
class TitanTlsIT {
  private static final Duration START = Duration.ofSeconds(60);
  private static final Duration CLIENT = Duration.ofSeconds(30);

  @TempDir static Path dir;

  private static DevCertificates dev;
  private static Path certs;
  private final List<TestProcess> processes = new ArrayList<>();

  @BeforeAll
  static void writeCertificates() throws Exception {
    dev = DevCertificates.generate();
    certs = dir.resolve("certs");
    dev.writePem(certs);
    for (String name :
        List.of(
            DevCertificates.CA_CERT,
            DevCertificates.SERVER_CERT,
            DevCertificates.SERVER_KEY,
            DevCertificates.CLIENT_CERT,
            DevCertificates.CLIENT_KEY)) {
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(certs.resolve(name))))
          .as(name)
          .isEqualTo("rw-------");
    }
  }

  @AfterEach
  void stopProcesses() {
    processes.forEach(TestProcess::close);
  }

  private static String pem(String name) {
    return certs.resolve(name).toString();
  }

  private TestProcess start(String name, String... args) throws Exception {
    TestProcess p = TitanJar.start(name, args);
    processes.add(p);
    return p;
  }

  /**
   * Starts a coordinator and one demo agent with the given TLS flags; returns the coordinator
   * address.
   */
  private String system(String tag, List<String> coordinatorTls, List<String> agentTls)
      throws Exception {
    int port = FreePorts.pick();
    // "localhost" checks the certificate's DNS name; agents advertise 127.0.0.1 (its IP address
    // entry).
    String address = "localhost:" + port;
    List<String> coordinator =
        new ArrayList<>(List.of("coordinator", "--port", String.valueOf(port)));
    coordinator.addAll(coordinatorTls);
    TestProcess c = start(tag + "-coordinator", coordinator.toArray(String[]::new));
    List<String> agent =
        new ArrayList<>(
            List.of(
                "agent",
                "--coordinator",
                address,
                "--agent-id",
                tag + "-agent",
                "--model",
                "m",
                "--heartbeat",
                "200ms",
                "--demo-delay",
                "0ms"));
    agent.addAll(agentTls);
    TestProcess a = start(tag + "-agent", agent.toArray(String[]::new));
    c.awaitLine(Pattern.compile("coordinator listening on .*\\((m?TLS)\\)"), START);
    a.awaitLine(Pattern.compile("listening on"), START);
    // The agent can only register over TLS: the coordinator speaks nothing else.
    awaitHealthyAgent(tag, address, clientTls(coordinatorTls.contains("--client-ca")));
    return address;
  }

  private List<String> clientTls(boolean withCertificate) {
    List<String> flags = new ArrayList<>(List.of("--cacert", pem(DevCertificates.CA_CERT)));
    if (withCertificate) {
      flags.addAll(
          List.of(
              "--cert",
              pem(DevCertificates.CLIENT_CERT),
              "--key",
              pem(DevCertificates.CLIENT_KEY)));
    }
    return flags;
  }

  private static List<String> serverTls(boolean mutual) {
    List<String> flags =
        new ArrayList<>(
            List.of(
                "--tls-cert",
                pem(DevCertificates.SERVER_CERT),
                "--tls-key",
                pem(DevCertificates.SERVER_KEY)));
    if (mutual) {
      flags.addAll(List.of("--client-ca", pem(DevCertificates.CA_CERT)));
    }
    return flags;
  }

  private void awaitHealthyAgent(String tag, String address, List<String> tls) {
    int[] attempt = {0};
    Await.until(
        tag + ": the agent healthy over TLS",
        START,
        () -> {
          Client status = client(tag + "-status-" + attempt[0]++, "status", address, tls);
          if (status.exit == 0 && status.stdout.contains("HEALTHY")) {
            return true;
          }
          throw new IllegalStateException("titan status said: " + status.stdout + status.stderr);
        });
  }

  private record Client(int exit, String stdout, String stderr, Duration took) {}

  /** Runs a titan client command to completion (a hang fails the test after 30 s). */
  private Client client(
      String name, String command, String address, List<String> tls, String... more)
      throws Exception {
    List<String> args = new ArrayList<>(List.of(command, "--coordinator", address));
    args.addAll(tls);
    args.addAll(List.of(more));
    long started = System.nanoTime();
    try (TestProcess p = start(name, args.toArray(String[]::new))) {
      int exit = p.awaitExit(CLIENT);
      return new Client(
          exit, p.stdout(), p.stderr(), Duration.ofNanos(System.nanoTime() - started));
    }
  }

  private Client infer(String name, String address, List<String> tls) throws Exception {
    return client(
        name,
        "infer",
        address,
        tls,
        "--model",
        "m",
        "--prompt",
        "secret prompt",
        "--max-tokens",
        "7");
  }

  @Test
  void inferenceStreamsOverTlsAndAPlaintextClientFailsFast() throws Exception {
    String address = system("tls", serverTls(false), concat(serverTls(false), clientTls(false)));

    Client ok = infer("tls-infer", address, clientTls(false));
    assertThat(ok.exit).as("stderr: %s", ok.stderr).isZero();
    assertThat(ok.stdout).startsWith("[demo engine: no model was run]");
    assertThat(ok.stderr).contains("[tls-agent, request ", "7 tokens");

    Client plain = infer("tls-plaintext-infer", address, List.of());
    assertThat(plain.exit).as("stdout: %s", plain.stdout).isEqualTo(ExitCode.FAILED);
    assertThat(plain.stderr.strip())
        .startsWith("UNAVAILABLE")
        .contains("if the server speaks TLS, give --cacert FILE")
        .doesNotContain("\tat ");
    // Refused by the handshake, not by the 5 s route deadline: a hang would be DEADLINE_EXCEEDED.
    assertThat(plain.stderr).doesNotContain("DEADLINE_EXCEEDED");
  }

  @Test
  void mutualTlsRefusesClientsWithoutACertificate() throws Exception {
    List<String> agentFlags = concat(serverTls(true), clientTls(true));
    String address = system("mtls", serverTls(true), agentFlags);

    Client ok = infer("mtls-infer", address, clientTls(true));
    assertThat(ok.exit).as("stderr: %s", ok.stderr).isZero();
    assertThat(ok.stdout).startsWith("[demo engine: no model was run]");

    Client anonymous = infer("mtls-anonymous-infer", address, clientTls(false));
    assertThat(anonymous.exit).as("stdout: %s", anonymous.stdout).isEqualTo(ExitCode.FAILED);
    assertThat(anonymous.stderr.strip())
        .startsWith("UNAVAILABLE")
        .contains("the server requires a client certificate: give --cert FILE --key FILE");

    // The agent requires client certificates too: without one, even GetStatus is refused.
    String agentEndpoint =
        processes.get(1).awaitLine(Pattern.compile("listening on (\\S+)"), START).group(1);
    ManagedChannel anonymousChannel =
        SwitchboardChannel.builder(Target.parse(agentEndpoint))
            .tls(TlsConfig.trustOnly(dev.caCertificate()))
            .build();
    ManagedChannel withCertificate =
        SwitchboardChannel.builder(Target.parse(agentEndpoint)).tls(dev.clientTls()).build();
    try {
      assertThatThrownBy(
              () ->
                  AgentServiceGrpc.newBlockingStub(anonymousChannel)
                      .withDeadlineAfter(10, TimeUnit.SECONDS)
                      .getStatus(StatusRequest.getDefaultInstance()))
          .isInstanceOfSatisfying(
              StatusRuntimeException.class,
              e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE));
      assertThat(
              AgentServiceGrpc.newBlockingStub(withCertificate)
                  .withDeadlineAfter(10, TimeUnit.SECONDS)
                  .getStatus(StatusRequest.getDefaultInstance())
                  .getAgentId())
          .isEqualTo("mtls-agent");
    } finally {
      anonymousChannel.shutdownNow();
      withCertificate.shutdownNow();
    }
  }

  private static List<String> concat(List<String> a, List<String> b) {
    List<String> all = new ArrayList<>(a);
    all.addAll(b);
    return all;
  }
}
