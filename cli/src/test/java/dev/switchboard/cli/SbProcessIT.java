package dev.switchboard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.runtime.DevCertificates;
import dev.switchboard.runtime.SwitchboardServer;
import dev.switchboard.runtime.Target;
import dev.switchboard.testing.PeerPrograms;
import dev.switchboard.testing.TestProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * sb as users run it: real {@code java -jar sb.jar} processes (and bin/sb) against real servers.
 */
class SbProcessIT {
  static final Path JAR = Path.of(System.getProperty("sb.jar", "target/sb.jar")).toAbsolutePath();
  @TempDir static Path work;
  static ShopServer server;
  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  @BeforeAll
  static void start() throws Exception {
    assertThat(JAR).as("the shaded jar (mvn package builds it)").exists();
    server = ShopServer.start(work);
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void unaryCallPrintsJsonOnStdoutOnly() throws Exception {
    TestProcess.Result result =
        sb(
            List.of(
                "call",
                "--plaintext",
                server.target(),
                "shop.v1.Orders/GetOrder",
                "-d",
                "{\"id\":\"j\"}"));

    assertThat(result.exitCode()).as(result.toString()).isZero();
    assertThat(result.stdout())
        .isEqualTo(
            "{\"id\":\"j\",\"items\":[{\"name\":\"pen\",\"quantity\":1}],\"status\":\"OPEN\"}\n");
    assertThat(result.stderr()).isEmpty();
  }

  @Test
  void unixSocketTargetsKeepStderrQuiet() throws Exception {
    Path socket = work.resolve("health.sock");
    try (SwitchboardServer unix = SwitchboardServer.builder(Target.unix(socket)).build().start()) {
      TestProcess.Result result = sb(List.of("health", unix.target().toString()));

      assertThat(result.exitCode()).as(result.toString()).isZero();
      assertThat(result.stdout()).isEqualTo("{\"status\":\"SERVING\"}\n");
      assertThat(result.stderr())
          .as("netty's SO_KEEPALIVE warning for unix sockets is not for users")
          .isEmpty();
    }
  }

  @Test
  void errorsAreOneLineWithoutStackTraces() throws Exception {
    TestProcess.Result notFound =
        sb(
            List.of(
                "call",
                "--plaintext",
                server.target(),
                "shop.v1.Orders/GetOrder",
                "-d",
                "{\"id\":\"missing\"}"));
    TestProcess.Result badJson =
        sb(
            List.of(
                "call",
                "--plaintext",
                server.target(),
                "shop.v1.Orders/GetOrder",
                "-d",
                "{\"id\": {\"a\": 1}, \"nope\": 1}"));
    TestProcess.Result deadline =
        sb(
            List.of(
                "call",
                "--plaintext",
                "--deadline",
                "200ms",
                server.target(),
                "shop.v1.Orders/GetOrder",
                "-d",
                "{\"id\":\"slow\"}"));

    assertThat(notFound.exitCode()).isEqualTo(1);
    assertThat(notFound.stderr()).isEqualTo("NOT_FOUND: no such thing\n");
    assertThat(badJson.exitCode()).isEqualTo(2);
    assertThat(badJson.stderr().lines())
        .hasSize(2)
        .allSatisfy(line -> assertThat(line).startsWith("-d:1:1: $."));
    assertThat(deadline.exitCode()).isEqualTo(1);
    assertThat(deadline.stderr()).startsWith("DEADLINE_EXCEEDED: ").doesNotContain("\tat ");
  }

  @Test
  void bidiStreamsBothWaysAtOnce() throws Exception {
    try (TestProcess sb =
        start(List.of("call", "--plaintext", server.target(), "shop.v1.Orders/Chat", "-d", "@-"))) {
      // Each answer must arrive while stdin is still open: proof that sb sends as it reads.
      for (String word : List.of("one", "two", "three")) {
        sb.stdin().write("{\"text\":\"" + word + "\"}\n");
        sb.stdin().flush();
        sb.awaitLine(Pattern.compile(Pattern.quote("{\"text\":\"echo: " + word + "\"}")), TIMEOUT);
      }
      sb.closeStdin();
      assertThat(sb.awaitExit(TIMEOUT)).as(sb.output()).isZero();
      assertThat(sb.stdout())
          .isEqualTo(
              "{\"text\":\"echo: one\"}\n{\"text\":\"echo: two\"}\n{\"text\":\"echo: three\"}\n");
    }
  }

  @Test
  void tlsWithDevCertificatesAndMutualTls() throws Exception {
    DevCertificates certificates = DevCertificates.generate();
    Path pem = work.resolve("pem");
    certificates.writePem(pem);
    try (ShopServer tls = ShopServer.start(work, certificates.serverTls(), true);
        ShopServer mtls =
            ShopServer.start(work, certificates.serverTls().requireClientAuth(), true)) {
      String ca = pem.resolve(DevCertificates.CA_CERT).toString();
      TestProcess.Result trusted =
          sb(
              List.of(
                  "call",
                  "--cacert",
                  ca,
                  tls.target(),
                  "shop.v1.Orders/GetOrder",
                  "-d",
                  "{\"id\":\"t\"}"));
      Path otherPem = work.resolve("other-pem");
      DevCertificates.generate().writePem(otherPem);
      String otherCa = otherPem.resolve(DevCertificates.CA_CERT).toString();
      TestProcess.Result untrusted = sb(List.of("health", "--cacert", otherCa, tls.target()));
      // A loopback target without TLS flags is dialled in plaintext; sb says how to get TLS.
      TestProcess.Result defaulted = sb(List.of("health", "--deadline", "5s", tls.target()));
      TestProcess.Result plaintext =
          sb(List.of("health", "--plaintext", "--deadline", "5s", tls.target()));
      TestProcess.Result mutual =
          sb(
              List.of(
                  "health",
                  "--cacert",
                  ca,
                  "--cert",
                  pem.resolve(DevCertificates.CLIENT_CERT).toString(),
                  "--key",
                  pem.resolve(DevCertificates.CLIENT_KEY).toString(),
                  mtls.target()));
      TestProcess.Result anonymous = sb(List.of("health", "--cacert", ca, mtls.target()));

      assertThat(trusted.exitCode()).as(trusted.toString()).isZero();
      assertThat(trusted.stdout()).startsWith("{\"id\":\"t\",");
      assertThat(untrusted.exitCode()).as(untrusted.toString()).isEqualTo(1);
      assertThat(untrusted.stderr())
          .startsWith("UNAVAILABLE: ")
          .contains("the server's certificate is not signed by a CA in --cacert");
      assertThat(defaulted.exitCode()).as(defaulted.toString()).isEqualTo(1);
      assertThat(defaulted.stderr()).contains("if the server speaks TLS, give --cacert FILE");
      assertThat(plaintext.exitCode()).as(plaintext.toString()).isEqualTo(1);
      assertThat(mutual.exitCode()).as(mutual.toString()).isZero();
      assertThat(mutual.stdout()).isEqualTo("{\"status\":\"SERVING\"}\n");
      assertThat(anonymous.exitCode()).as(anonymous.toString()).isEqualTo(1);
    }
  }

  @Test
  void binSbRunsFromAnyDirectory() {
    Path script = Path.of("..", "bin", "sb").toAbsolutePath().normalize();
    TestProcess.Result result =
        TestProcess.builder(script.toString(), "list", "--plaintext", server.target())
            .directory(work)
            .run(Duration.ofSeconds(120));

    assertThat(result.exitCode()).as(result.stderr()).isZero();
    assertThat(result.stdout().lines()).contains("shop.v1.Orders", "grpc.health.v1.Health");
  }

  private static TestProcess start(List<String> args) {
    List<String> command = PeerPrograms.java("-jar", JAR.toString());
    command.addAll(args);
    return TestProcess.builder(command).name("sb").directory(work).start();
  }

  private static TestProcess.Result sb(List<String> args) {
    try (TestProcess sb = start(args)) {
      sb.closeStdin();
      sb.awaitExit(TIMEOUT);
      return sb.result();
    }
  }
}
