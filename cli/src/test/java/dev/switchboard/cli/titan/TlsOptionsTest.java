package dev.switchboard.cli.titan;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.cli.ExitCode;
import dev.switchboard.runtime.DevCertificates;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad TLS input on titan's command lines: exit 2 and one line that names the flag and the file, no
 * stack trace, and nothing started (every case fails before a server binds or a channel dials).
 */
class TlsOptionsTest {
  @TempDir static Path dir;

  private static String ca;
  private static String serverCert;
  private static String serverKey;
  private static String clientCert;
  private static String clientKey;
  private static String garbage;
  private static String missing;

  @BeforeAll
  static void certificates() throws Exception {
    DevCertificates.generate().writePem(dir);
    ca = dir.resolve(DevCertificates.CA_CERT).toString();
    serverCert = dir.resolve(DevCertificates.SERVER_CERT).toString();
    serverKey = dir.resolve(DevCertificates.SERVER_KEY).toString();
    clientCert = dir.resolve(DevCertificates.CLIENT_CERT).toString();
    clientKey = dir.resolve(DevCertificates.CLIENT_KEY).toString();
    garbage = Files.writeString(dir.resolve("garbage.pem"), "this is not PEM\n").toString();
    missing = dir.resolve("missing.pem").toString();
  }

  /** Runs titan in this JVM; returns stderr after checking the exit code and the one-line shape. */
  private static String usageError(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Titan.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
    String text = err.toString().strip();
    assertThat(code).as("exit code; stderr: %s", text).isEqualTo(ExitCode.BAD_INPUT);
    assertThat(text)
        .startsWith("--")
        .doesNotContain("\n")
        .doesNotContain("Exception")
        .doesNotContain("\tat ");
    assertThat(out.toString()).isEmpty();
    return text;
  }

  private static String[] coordinator(String... tls) {
    String[] args = new String[tls.length + 3];
    args[0] = "coordinator";
    args[1] = "--port";
    args[2] = "0";
    System.arraycopy(tls, 0, args, 3, tls.length);
    return args;
  }

  @Test
  void missingCertificateFileNamesFlagAndFile() {
    assertThat(usageError(coordinator("--tls-cert", missing, "--tls-key", serverKey)))
        .contains("--tls-cert: " + missing + ": ", "no such file");
  }

  @Test
  void unreadablePemNamesFlagAndFile() {
    assertThat(usageError(coordinator("--tls-cert", garbage, "--tls-key", serverKey)))
        .contains("--tls-cert: " + garbage + ": ", "BEGIN CERTIFICATE");
    assertThat(usageError(coordinator("--tls-cert", serverCert, "--tls-key", garbage)))
        .contains("--tls-key: " + garbage + ": ", "private key");
    assertThat(
            usageError(
                coordinator(
                    "--tls-cert", serverCert, "--tls-key", serverKey, "--client-ca", garbage)))
        .contains("--client-ca: " + garbage + ": ");
  }

  @Test
  void certificateWithoutKeyAndTheReverse() {
    assertThat(usageError(coordinator("--tls-cert", serverCert)))
        .contains("--tls-cert needs --tls-key");
    assertThat(usageError(coordinator("--tls-key", serverKey)))
        .contains("--tls-key needs --tls-cert");
    assertThat(usageError(coordinator("--client-ca", ca))).contains("--client-ca needs --tls-cert");
  }

  @Test
  void keyOfAnotherCertificateIsRefusedAtStart() {
    assertThat(usageError(coordinator("--tls-cert", serverCert, "--tls-key", clientKey)))
        .contains(
            "--tls-key: " + clientKey + " is not the private key of", "--tls-cert " + serverCert);
  }

  @Test
  void agentChecksBothItsServerAndItsClientOptions() {
    String[] agent = {"agent", "--coordinator", "127.0.0.1:1", "--agent-id", "a", "--model", "m"};
    assertThat(usageError(concat(agent, "--tls-cert", serverCert, "--tls-key", missing)))
        .contains("--tls-key: " + missing + ": ", "no such file");
    assertThat(usageError(concat(agent, "--cacert", ca, "--cert", clientCert)))
        .contains("--cert needs --key");
    assertThat(usageError(concat(agent, "--cacert", ca, "--cert", clientCert, "--key", serverKey)))
        .contains("--key: " + serverKey + " is not the private key of", "--cert " + clientCert);
  }

  @Test
  void clientCommandsCheckTheirOptions() {
    String[] infer = {"infer", "--coordinator", "127.0.0.1:1", "--model", "m", "--prompt", "p"};
    assertThat(usageError(concat(infer, "--cacert", missing)))
        .contains("--cacert: " + missing + ": ", "no such file");
    assertThat(usageError(concat(infer, "--key", clientKey))).contains("--key needs --cert");
    assertThat(usageError(concat(infer, "--plaintext", "--cacert", ca)))
        .contains("--plaintext cannot be combined with --cacert");
    assertThat(usageError("status", "--coordinator", "127.0.0.1:1", "--cacert", garbage))
        .contains("--cacert: " + garbage + ": ");
  }

  @Test
  void helpExplainsTheTlsFlags() {
    for (String command : new String[] {"coordinator", "agent", "infer", "status"}) {
      StringWriter out = new StringWriter();
      int code =
          Titan.run(
              new PrintWriter(out, true),
              new PrintWriter(new StringWriter(), true),
              command,
              "--help");
      assertThat(code).isZero();
      assertThat(out.toString()).as(command).contains("TLS");
    }
    StringWriter out = new StringWriter();
    Titan.run(
        new PrintWriter(out, true), new PrintWriter(new StringWriter(), true), "agent", "--help");
    assertThat(out.toString())
        .contains("--tls-cert", "--tls-key", "--client-ca", "--cacert", "--cert", "--key");
  }

  private static String[] concat(String[] head, String... tail) {
    String[] all = java.util.Arrays.copyOf(head, head.length + tail.length);
    System.arraycopy(tail, 0, all, head.length, tail.length);
    return all;
  }
}
