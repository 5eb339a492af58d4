package dev.switchboard.bridge;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.testing.FreePorts;
import dev.switchboard.testing.PeerPrograms;
import dev.switchboard.testing.TestProcess;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Python grpcio server (Debian's python3-grpcio, the gRPC C core) fails calls with {@code
 * google.rpc.Status} details, as Google APIs do: the stub must read {@code BadRequest} into {@code
 * validation-error.fields}, {@code RetryInfo} into {@code rate-limited.retry-after} and {@code
 * ResourceInfo} into {@code not-found}. The google.rpc Python modules are generated at test time by
 * Debian's protoc from the .proto files in proto-google-common-protos.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RichStatusIT {
  private TestProcess server;
  private Stub stub;
  private WitTypes types;

  @BeforeAll
  void start(@TempDir Path work) throws Exception {
    Path python = PeerPrograms.python("grpc, google.protobuf", "python3-grpcio python3-protobuf");
    Path protos = Files.createDirectories(work.resolve("protos"));
    for (String f : List.of("google/rpc/status.proto", "google/rpc/error_details.proto")) {
      try (InputStream in = getClass().getClassLoader().getResourceAsStream(f)) {
        assertThat(in).as(f + " on the test class path (proto-google-common-protos)").isNotNull();
        Files.createDirectories(protos.resolve(f).getParent());
        Files.copy(in, protos.resolve(f));
      }
    }
    Path stubs = Files.createDirectories(work.resolve("stubs"));
    TestProcess.builder(
            PeerPrograms.protoc().toString(),
            "-I" + protos,
            "--python_out=" + stubs,
            "google/rpc/status.proto",
            "google/rpc/error_details.proto")
        .run(Duration.ofSeconds(60))
        .assertSuccess();
    int port = FreePorts.pick();
    Path script = Path.of("src/test/resources/python/rich_status_server.py").toAbsolutePath();
    server =
        TestProcess.builder(
                python.toString(), script.toString(), Integer.toString(port), stubs.toString())
            .name("rich_status_server.py")
            .start();
    server.awaitLine(Pattern.compile("listening on"), Duration.ofSeconds(30));
    types = Contracts.proto(Contracts.RESOURCES.resolve("proto"), "shapes.proto");
    stub =
        Bridge.open(types, BridgeConfig.builder().target("127.0.0.1:" + port).plaintext().build());
  }

  @AfterAll
  void stop() {
    if (stub != null) {
      stub.close();
    }
    if (server != null) {
      server.close();
    }
  }

  private String echo(String name) {
    WitValue item =
        Samples.with(
            types,
            types.function("shapes.echo").function().params().get(0).type(),
            "name",
            WitValue.string(name));
    return Wave.print(stub.invoke("shapes.echo", item));
  }

  @Test
  void badRequestFillsTheFieldViolations() {
    assertThat(echo("invalid"))
        .isEqualTo(
            "err(validation-error({message: \"the item is invalid\", fields: [{field: \"name\", message: \"too short\"}, {field: \"tags[1]\", message: \"not a tag\"}]}))");
  }

  @Test
  void retryInfoFillsRetryAfterRoundedUp() {
    assertThat(echo("slow"))
        .isEqualTo("err(rate-limited({retry-after: some(3), message: \"quota used up\"}))");
  }

  @Test
  void resourceInfoFillsNotFound() {
    assertThat(echo("gone"))
        .isEqualTo(
            "err(not-found({resource: \"bridge.test.v1.Item\", id: \"widget-7\", message: \"no such item\"}))");
  }

  @Test
  void aCallWithoutDetailsSucceeds() {
    assertThat(echo("fine")).startsWith("ok({name: \"fine\"");
  }
}
