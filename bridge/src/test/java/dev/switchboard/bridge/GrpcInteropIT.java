package dev.switchboard.bridge;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.contract.ContractLoader;
import dev.switchboard.contract.ContractSet;
import dev.switchboard.testing.FreePorts;
import dev.switchboard.testing.PeerPrograms;
import dev.switchboard.testing.TestProcess;
import dev.switchboard.wit.Binding;
import dev.switchboard.wit.ProtoTranslator;
import dev.switchboard.wit.WitTypeRef;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * grpc-java's own {@code TestServiceServer} (1.79.0, the interop anchor, in its own JVM on its own
 * class path) called through a stub built from {@code grpc/testing/test.proto}: the interop cases
 * in all four shapes, with WIT values in and out, and the status codes the server is asked to
 * return mapped to their error cases.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GrpcInteropIT {
  private TestProcess server;
  private WitTypes types;
  private Stub stub;
  private int port;

  @BeforeAll
  void start() throws Exception {
    Path protos = Path.of(property("interop.proto.dir"));
    ContractSet set =
        ContractLoader.builder()
            .importPath(protos)
            .build()
            .protos(List.of("grpc/testing/test.proto"));
    Binding binding =
        ProtoTranslator.withVersion("1.0.0")
            .translate(
                set.files().stream()
                    .filter(f -> f.getName().equals("grpc/testing/test.proto"))
                    .toList());
    types = WitTypes.of(binding, set);
    port = FreePorts.pick();
    String classpath = Files.readString(Path.of(property("anchor.classpath.file"))).strip();
    server =
        TestProcess.builder(
                PeerPrograms.java(
                    "-cp",
                    classpath,
                    "io.grpc.testing.integration.TestServiceServer",
                    "--port=" + port,
                    "--use_tls=false"))
            .name("TestServiceServer")
            .start();
    server.awaitLine(Pattern.compile("Server started on port"), Duration.ofSeconds(60));
    // grpc-java prints its line before the port is bound
    server.awaitListening(port, Duration.ofSeconds(20));
    stub = openStub(Duration.ofSeconds(20));
  }

  private Stub openStub(Duration timeout) {
    return Bridge.open(
        types,
        BridgeConfig.builder().target("localhost:" + port).plaintext().timeout(timeout).build());
  }

  private static String property(String name) {
    String v = System.getProperty(name);
    if (v == null) {
      throw new AssertionError(
          "system property " + name + " is not set: run through failsafe (mvn -pl bridge verify)");
    }
    return v;
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

  private WitTypeRef param(String function) {
    return types.function(function).function().params().get(0).type();
  }

  private WitTypeRef named(String name) {
    return WitTypeRef.named("grpc:testing", "types", name);
  }

  private WitValue payload(int size) {
    return WitValue.some(
        Samples.with(types, named("payload"), "body", WitValue.bytes(new byte[size])));
  }

  private WitValue responseParameters(int... sizes) {
    List<WitValue> out = new java.util.ArrayList<>();
    for (int s : sizes) {
      out.add(Samples.with(types, named("response-parameters"), "size", WitValue.s32(s)));
    }
    return new WitValue.ListValue(out);
  }

  private static int bodySize(WitValue message) {
    WitValue.RecordValue r = (WitValue.RecordValue) message;
    WitValue.RecordValue payload =
        (WitValue.RecordValue) ((WitValue.OptionValue) r.get("payload")).value();
    return ((WitValue.ListValue) payload.get("body")).elements().size();
  }

  @Test
  void emptyUnary() {
    assertThat(Wave.print(stub.invoke("test-service.empty-call"))).isEqualTo("ok");
  }

  @Test
  void largeUnary() {
    WitValue request =
        Samples.with(
            types,
            param("test-service.unary-call"),
            "response-size",
            WitValue.s32(314159),
            "payload",
            payload(271828));
    WitValue.ResultValue r = stub.invoke("test-service.unary-call", request);
    assertThat(r.isOk()).as(String.valueOf(r)).isTrue();
    assertThat(bodySize(r.payload())).isEqualTo(314159);
  }

  @Test
  void serverStreaming() {
    WitValue request =
        Samples.with(
            types,
            param("test-service.streaming-output-call"),
            "response-parameters",
            responseParameters(31415, 9, 2653, 58979));
    WitValue.HandleValue stream =
        (WitValue.HandleValue) stub.invoke("test-service.streaming-output-call", request).payload();
    List<Integer> sizes = new java.util.ArrayList<>();
    while (true) {
      WitValue.ResultValue next =
          stub.invoke("test-service.streaming-output-call-stream.receive", stream);
      assertThat(next.isOk()).as(String.valueOf(next)).isTrue();
      WitValue.OptionValue o = (WitValue.OptionValue) next.payload();
      if (o.value() == null) {
        break;
      }
      sizes.add(bodySize(o.value()));
    }
    assertThat(sizes).containsExactly(31415, 9, 2653, 58979);
  }

  @Test
  void clientStreaming() {
    WitValue.HandleValue call =
        (WitValue.HandleValue) stub.invoke("test-service.streaming-input-call").payload();
    for (int size : new int[] {27182, 8, 1828, 45904}) {
      WitValue message =
          Samples.with(types, named("streaming-input-call-request"), "payload", payload(size));
      assertThat(stub.invoke("test-service.streaming-input-call-call.send", call, message).isOk())
          .isTrue();
    }
    assertThat(Wave.print(stub.invoke("test-service.streaming-input-call-call.finish", call)))
        .isEqualTo("ok({aggregated-payload-size: 74922})");
  }

  @Test
  void pingPong() {
    WitValue.HandleValue chat =
        (WitValue.HandleValue) stub.invoke("test-service.full-duplex-call").payload();
    int[][] pairs = {{31415, 27182}, {9, 8}, {2653, 1828}, {58979, 45904}};
    for (int[] p : pairs) {
      WitValue message =
          Samples.with(
              types,
              named("streaming-output-call-request"),
              "response-parameters",
              responseParameters(p[0]),
              "payload",
              payload(p[1]));
      assertThat(stub.invoke("test-service.full-duplex-call-stream.send", chat, message).isOk())
          .isTrue();
      WitValue.ResultValue reply =
          stub.invoke("test-service.full-duplex-call-stream.receive", chat);
      assertThat(bodySize(((WitValue.OptionValue) reply.payload()).value())).isEqualTo(p[0]);
    }
    assertThat(stub.invoke("test-service.full-duplex-call-stream.finish", chat).isOk()).isTrue();
    assertThat(Wave.print(stub.invoke("test-service.full-duplex-call-stream.receive", chat)))
        .isEqualTo("ok(none)");
  }

  @Test
  void statusCodesBecomeTheirErrorCases() {
    String[][] cases = {
      {"2", "server-error", "UNKNOWN"},
      {"3", "validation-error", null},
      {"5", "not-found", null},
      {"6", "conflict", "ALREADY_EXISTS"},
      {"7", "forbidden", "PERMISSION_DENIED"},
      {"8", "rate-limited", null},
      {"14", "unavailable", "UNAVAILABLE"},
      {"16", "unauthorized", "UNAUTHENTICATED"},
    };
    for (String[] c : cases) {
      WitValue status =
          WitValue.some(
              WitValue.record()
                  .field("code", WitValue.s32(Integer.parseInt(c[0])))
                  .field("message", WitValue.string("test status message \t\n☃"))
                  .build());
      WitValue request =
          Samples.with(types, param("test-service.unary-call"), "response-status", status);
      String result = Wave.print(stub.invoke("test-service.unary-call", request));
      assertThat(result).as("status " + c[0]).startsWith("err(" + c[1] + "(");
      assertThat(result).contains("test status message \\t\\n☃");
      if (c[2] != null) {
        assertThat(result).contains("code: \"" + c[2] + "\"");
      }
    }
  }

  @Test
  void unimplementedAndDeadlines() {
    assertThat(Wave.print(stub.invoke("test-service.unimplemented-call")))
        .startsWith("err(server-error({message: ")
        .contains("code: \"UNIMPLEMENTED\"");
    try (Stub hurried = openStub(Duration.ofNanos(1))) {
      assertThat(Wave.print(hurried.invoke("test-service.empty-call"))).startsWith("err(timeout(");
    }
  }
}
