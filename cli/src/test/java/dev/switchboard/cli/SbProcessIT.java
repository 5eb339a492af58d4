package dev.switchboard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.runtime.DevCertificates;
import dev.switchboard.runtime.SwitchboardServer;
import dev.switchboard.runtime.Target;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
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
    Result result =
        sb(
            List.of(
                "call",
                "--plaintext",
                server.target(),
                "shop.v1.Orders/GetOrder",
                "-d",
                "{\"id\":\"j\"}"));

    assertThat(result.exit()).as(result.toString()).isZero();
    assertThat(result.out())
        .isEqualTo(
            "{\"id\":\"j\",\"items\":[{\"name\":\"pen\",\"quantity\":1}],\"status\":\"OPEN\"}\n");
    assertThat(result.err()).isEmpty();
  }

  @Test
  void unixSocketTargetsKeepStderrQuiet() throws Exception {
    Path socket = work.resolve("health.sock");
    try (SwitchboardServer unix = SwitchboardServer.builder(Target.unix(socket)).build().start()) {
      Result result = sb(List.of("health", unix.target().toString()));

      assertThat(result.exit()).as(result.toString()).isZero();
      assertThat(result.out()).isEqualTo("{\"status\":\"SERVING\"}\n");
      assertThat(result.err())
          .as("netty's SO_KEEPALIVE warning for unix sockets is not for users")
          .isEmpty();
    }
  }

  @Test
  void errorsAreOneLineWithoutStackTraces() throws Exception {
    Result notFound =
        sb(
            List.of(
                "call",
                "--plaintext",
                server.target(),
                "shop.v1.Orders/GetOrder",
                "-d",
                "{\"id\":\"missing\"}"));
    Result badJson =
        sb(
            List.of(
                "call",
                "--plaintext",
                server.target(),
                "shop.v1.Orders/GetOrder",
                "-d",
                "{\"id\": {\"a\": 1}, \"nope\": 1}"));
    Result deadline =
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

    assertThat(notFound.exit()).isEqualTo(1);
    assertThat(notFound.err()).isEqualTo("NOT_FOUND: no such thing\n");
    assertThat(badJson.exit()).isEqualTo(2);
    assertThat(badJson.err().lines())
        .hasSize(2)
        .allSatisfy(line -> assertThat(line).startsWith("-d:1:1: $."));
    assertThat(deadline.exit()).isEqualTo(1);
    assertThat(deadline.err()).startsWith("DEADLINE_EXCEEDED: ").doesNotContain("\tat ");
  }

  @Test
  void bidiStreamsBothWaysAtOnce() throws Exception {
    Process process =
        start(List.of("call", "--plaintext", server.target(), "shop.v1.Orders/Chat", "-d", "@-"));
    try (Writer stdin = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        BufferedReader stdout =
            new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      // Each answer must arrive while stdin is still open: proof that sb sends as it reads.
      for (String word : List.of("one", "two", "three")) {
        stdin.write("{\"text\":\"" + word + "\"}\n");
        stdin.flush();
        assertThat(stdout.readLine()).isEqualTo("{\"text\":\"echo: " + word + "\"}");
      }
      stdin.close();
      assertThat(stdout.readLine()).isNull();
    }
    assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).isZero();
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
      Result trusted =
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
      Result untrusted = sb(List.of("health", "--cacert", otherCa, tls.target()));
      // A loopback target without TLS flags is dialled in plaintext; sb says how to get TLS.
      Result defaulted = sb(List.of("health", "--deadline", "5s", tls.target()));
      Result plaintext = sb(List.of("health", "--plaintext", "--deadline", "5s", tls.target()));
      Result mutual =
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
      Result anonymous = sb(List.of("health", "--cacert", ca, mtls.target()));

      assertThat(trusted.exit()).as(trusted.toString()).isZero();
      assertThat(trusted.out()).startsWith("{\"id\":\"t\",");
      assertThat(untrusted.exit()).as(untrusted.toString()).isEqualTo(1);
      assertThat(untrusted.err())
          .startsWith("UNAVAILABLE: ")
          .contains("the server's certificate is not signed by a CA in --cacert");
      assertThat(defaulted.exit()).as(defaulted.toString()).isEqualTo(1);
      assertThat(defaulted.err()).contains("if the server speaks TLS, give --cacert FILE");
      assertThat(plaintext.exit()).as(plaintext.toString()).isEqualTo(1);
      assertThat(mutual.exit()).as(mutual.toString()).isZero();
      assertThat(mutual.out()).isEqualTo("{\"status\":\"SERVING\"}\n");
      assertThat(anonymous.exit()).as(anonymous.toString()).isEqualTo(1);
    }
  }

  @Test
  void binSbRunsFromAnyDirectory() throws Exception {
    Path script = Path.of("..", "bin", "sb").toAbsolutePath().normalize();
    Process process =
        new ProcessBuilder(script.toString(), "list", "--plaintext", server.target())
            .directory(work.toFile())
            .start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);

    assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).as(err).isZero();
    assertThat(out.lines()).contains("shop.v1.Orders", "grpc.health.v1.Health");
  }

  record Result(int exit, String out, String err) {}

  private static Process start(List<String> args) throws IOException {
    List<String> command =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1",
                "-jar",
                JAR.toString()));
    command.addAll(args);
    return new ProcessBuilder(command).directory(work.toFile()).start();
  }

  private static Result sb(List<String> args) throws Exception {
    Process process = start(args);
    process.getOutputStream().close();
    Path errFile = Files.createTempFile(work, "err", ".txt");
    // Read stderr on another thread so neither pipe can fill up and stall the process.
    Thread errReader =
        new Thread(
            () -> {
              try {
                Files.write(errFile, process.getErrorStream().readAllBytes());
              } catch (IOException ignored) {
                // The assertion on the exit code reports the failure.
              }
            });
    errReader.start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    errReader.join();
    return new Result(process.exitValue(), out, Files.readString(errFile));
  }
}
