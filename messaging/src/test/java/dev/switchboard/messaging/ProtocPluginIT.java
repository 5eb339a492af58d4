package dev.switchboard.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.testing.PeerPrograms;
import dev.switchboard.testing.TestProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged plugin (target/protoc-gen-switchboard-messaging.jar, through
 * bin/protoc-gen-switchboard-messaging) run by Debian's protoc, as a user runs it.
 */
class ProtocPluginIT {
  @TempDir Path temp;

  private TestProcess.Result protoc(Path protos, String file) throws IOException {
    Path imports = MethodBinding.writeImports(temp.resolve("imports"));
    Path out = Files.createDirectories(temp.resolve("out"));
    Path plugin =
        Path.of("..", "bin", "protoc-gen-switchboard-messaging").toAbsolutePath().normalize();
    List<String> command = new ArrayList<>();
    command.add(PeerPrograms.protoc().toString());
    command.add("--plugin=protoc-gen-switchboard-messaging=" + plugin);
    command.add("--switchboard-messaging_out=" + out);
    command.add("-I" + protos);
    command.add("-I" + imports);
    command.add(file);
    return TestProcess.builder(command).run(Duration.ofSeconds(120));
  }

  @Test
  void protocRunsThePackagedPluginAndGetsTheSameCodeAsTheBuild() throws Exception {
    Path protos = temp.resolve("protos");
    Files.createDirectories(protos.resolve("alerts/v1"));
    Files.writeString(
        protos.resolve("alerts/v1/alerts.proto"),
        """
        syntax = "proto3";
        package alerts.v1;
        import "switchboard/messaging/v1/options.proto";
        option java_package = "com.example.alerts";
        option java_multiple_files = true;
        message Alert { string host = 1; string text = 2; }
        message Ack { bool seen = 1; }
        service Alerts {
          option (switchboard.messaging.v1.service) = {pattern: PUBLISH_SUBSCRIBE};
          rpc Raised(Alert) returns (Ack) {
            option (switchboard.messaging.v1.method) = {subject: "alerts.{host}"};
          }
          rpc Silence(Alert) returns (Ack) {
            option (switchboard.messaging.v1.method) = {pattern: REQUEST_RESPONSE, idempotent: true};
          }
        }
        """);
    TestProcess.Result run = protoc(protos, "alerts/v1/alerts.proto");
    assertThat(run.exitCode()).as(run.output()).isZero();
    String generated =
        Files.readString(temp.resolve("out/com/example/alerts/AlertsMessaging.java"));
    assertThat(generated)
        .contains("package com.example.alerts;")
        .contains("public static final dev.switchboard.messaging.MethodBinding RAISED")
        .contains("public void raised(com.example.alerts.Alert message)")
        .contains("public com.example.alerts.Ack silence(com.example.alerts.Alert request)")
        .contains("public Builder onSilence(");
  }

  @Test
  void aBrokenContractFailsProtocWithTheMethodAndTheReason() throws Exception {
    Path protos = Files.createDirectories(temp.resolve("protos"));
    Files.writeString(
        protos.resolve("bad.proto"),
        """
        syntax = "proto3";
        package bad;
        import "switchboard/messaging/v1/options.proto";
        message In { string name = 1; }
        service Broken {
          rpc Send(In) returns (In) {
            option (switchboard.messaging.v1.method) = {subject: "x.{missing}"};
          }
        }
        """);
    TestProcess.Result run = protoc(protos, "bad.proto");
    assertThat(run.exitCode()).isNotZero();
    assertThat(run.output())
        .contains("bad.Broken/Send: subject 'x.{missing}': bad.In has no field 'missing'");
  }
}
