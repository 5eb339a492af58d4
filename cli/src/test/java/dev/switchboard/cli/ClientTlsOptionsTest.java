package dev.switchboard.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.runtime.DevCertificates;
import dev.switchboard.runtime.Target;
import dev.switchboard.runtime.TlsConfig;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The one rule that decides TLS for every command that dials, and its checks. */
class ClientTlsOptionsTest {
  @TempDir static Path dir;

  @BeforeAll
  static void certificates() throws Exception {
    DevCertificates.generate().writePem(dir);
  }

  private static Optional<TlsConfig> dial(String target, String... flags) throws Exception {
    ClientTlsOptions options = new ClientTlsOptions();
    picocli.CommandLine.populateCommand(options, flags);
    return options.forTarget(Target.parse(target));
  }

  @Test
  void loopbackUnixAndInProcessArePlaintextByDefault() throws Exception {
    for (String target :
        new String[] {
          "localhost:50051",
          "LOCALHOST:1",
          "app.localhost:1",
          "127.0.0.1:50051",
          "127.1.2.3:1",
          "[::1]:50051",
          "[0:0:0:0:0:0:0:1]:1",
          "unix:/tmp/x.sock",
          "inproc:x"
        }) {
      assertThat(dial(target)).as(target).isEmpty();
    }
  }

  @Test
  void otherHostsUseTlsWithTheJdkTrustStoreByDefault() throws Exception {
    for (String target :
        new String[] {"api.example.com:443", "10.0.0.5:50051", "128.0.0.1:1", "[2001:db8::1]:1"}) {
      Optional<TlsConfig> tls = dial(target);
      assertThat(tls).as(target).isPresent();
      assertThat(tls.get().trustedCertificates()).as(target).isEmpty();
    }
    // Decided on the text alone: a name is never looked up.
    assertThat(ClientTlsOptions.isLoopback("localhost.example.com")).isFalse();
  }

  @Test
  void flagsOverrideTheDefaultBothWays() throws Exception {
    String ca = dir.resolve(DevCertificates.CA_CERT).toString();
    assertThat(dial("api.example.com:443", "--plaintext")).isEmpty();
    assertThat(dial("localhost:8443", "--cacert", ca).orElseThrow().trustedCertificates())
        .isPresent();
    assertThat(
            dial(
                    "127.0.0.1:8443",
                    "--cert",
                    dir.resolve(DevCertificates.CLIENT_CERT).toString(),
                    "--key",
                    dir.resolve(DevCertificates.CLIENT_KEY).toString())
                .orElseThrow()
                .privateKey())
        .isPresent();
  }

  @Test
  void badCombinationsNameTheFlags() {
    String ca = dir.resolve(DevCertificates.CA_CERT).toString();
    assertThatThrownBy(() -> dial("localhost:1", "--plaintext", "--cacert", ca))
        .isInstanceOf(BadInputException.class)
        .hasMessage("--plaintext cannot be combined with --cacert, --cert or --key");
    assertThatThrownBy(() -> dial("inproc:x", "--cacert", ca))
        .isInstanceOf(BadInputException.class)
        .hasMessageStartingWith("--cacert, --cert and --key do not apply to the in-process target");
    assertThatThrownBy(() -> dial("localhost:1", "--cacert", dir.resolve("nope.pem").toString()))
        .isInstanceOf(BadInputException.class)
        .hasMessageStartingWith("--cacert: " + dir.resolve("nope.pem") + ": ");
  }

  @Test
  void hintsFollowHowTheCommandDialled() throws Exception {
    ClientTlsOptions plaintext = new ClientTlsOptions();
    plaintext.forTarget(Target.parse("localhost:1"));
    ClientTlsOptions tls = new ClientTlsOptions();
    tls.forTarget(Target.parse("api.example.com:443"));

    assertThat(plaintext.hint("UNAVAILABLE: Network closed for unknown reason"))
        .startsWith("; if the server speaks TLS, give --cacert FILE");
    assertThat(tls.hint("UNAVAILABLE: io exception (not an SSL/TLS record: 0000)"))
        .isEqualTo("; the server does not speak TLS on this port: add --plaintext");
    assertThat(tls.hint("UNAVAILABLE: io exception (unable to find valid certification path)"))
        .contains("give --cacert FILE");
    assertThat(new ClientTlsOptions().hint("UNAVAILABLE: Network closed for unknown reason"))
        .isEmpty();
  }
}
