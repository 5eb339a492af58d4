package dev.switchboard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.testing.FreePorts;
import dev.switchboard.testing.PeerPrograms;
import dev.switchboard.testing.TestProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code sb invoke} as users run it ({@code java -jar sb.jar}) against peers we did not write: the
 * seed's todo API served by Stoplight Prism with request validation on (every request sb sends must
 * pass it), and grpc-java's interop {@code TestServiceServer}. Bindings come from {@code sb wit
 * --binding}, run in-process.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class InvokeIT {
  private static final Path JAR =
      Path.of(System.getProperty("sb.jar", "target/sb.jar")).toAbsolutePath();
  private static final Path TOOLS = Path.of("target/node-tools");
  private static final Duration TIMEOUT = Duration.ofSeconds(60);
  private static final String TODO_ID = "497f6eca-6276-4993-bfeb-53cbbbba6f08";

  private Path dir = Path.of("");
  private TestProcess prism;
  private TestProcess grpc;
  private String prismUrl = "";
  private int grpcPort;
  private Path todo = Path.of("");
  private Path testing = Path.of("");

  @BeforeAll
  void start(@TempDir Path tmp) throws Exception {
    dir = tmp;
    assertThat(JAR).as("the shaded jar (mvn package builds it)").exists();
    Path document = Path.of("../bridge/src/test/resources/openapi/todo-openapi.yaml");
    todo = binding("todo", "--openapi", document.toString());
    Path protos = Path.of(property("interop.proto.dir"));
    testing =
        binding(
            "testing",
            "--proto",
            "grpc/testing/test.proto",
            "-I",
            protos.toString(),
            "--version",
            "1.0.0");

    int prismPort = FreePorts.pick();
    prism =
        TestProcess.builder(
                List.of(
                    installPrism().toString(),
                    "mock",
                    "-h",
                    "127.0.0.1",
                    "-p",
                    Integer.toString(prismPort),
                    "--errors",
                    document.toAbsolutePath().toString()))
            .name("prism")
            .directory(TOOLS)
            .start();
    prismUrl = "http://127.0.0.1:" + prismPort;

    grpcPort = FreePorts.pick();
    String classpath = Files.readString(Path.of(property("anchor.classpath.file"))).strip();
    grpc =
        TestProcess.builder(
                PeerPrograms.java(
                    "-cp",
                    classpath,
                    "io.grpc.testing.integration.TestServiceServer",
                    "--port=" + grpcPort,
                    "--use_tls=false"))
            .name("TestServiceServer")
            .start();
    prism.awaitLine(Pattern.compile("Prism is listening"), TIMEOUT);
    grpc.awaitLine(Pattern.compile("Server started on port"), TIMEOUT);
    grpc.awaitListening(grpcPort, Duration.ofSeconds(20)); // it prints before it binds
  }

  @AfterAll
  void stop() {
    if (prism != null) {
      prism.close();
    }
    if (grpc != null) {
      grpc.close();
    }
  }

  private Path binding(String name, String... args) {
    Path out = dir.resolve(name);
    List<String> line = new ArrayList<>(List.of("wit", "-o", out.toString(), "--binding"));
    line.addAll(List.of(args));
    SbRun run = SbRun.run(line.toArray(String[]::new));
    assertThat(run.exit()).as(run.toString()).isZero();
    return out.resolve("binding.json");
  }

  /** npm ci of the bridge's pinned Prism into target/node-tools, once per build. */
  private static Path installPrism() {
    Path bin = TOOLS.resolve("node_modules/.bin/prism");
    if (Files.isExecutable(bin)) {
      return bin.toAbsolutePath();
    }
    try {
      Files.createDirectories(TOOLS);
      for (String f : List.of("package.json", "package-lock.json")) {
        Files.copy(
            Path.of("../bridge/node-tools", f),
            TOOLS.resolve(f),
            StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    TestProcess.builder(
            PeerPrograms.onPath("npm", "npm").toString(), "ci", "--no-audit", "--no-fund")
        .directory(TOOLS)
        .run(Duration.ofMinutes(5))
        .assertSuccess();
    return bin.toAbsolutePath();
  }

  @Test
  void okValueIsPrintedAsWaveAndEveryRequestPassedPrismsValidation() {
    TestProcess.Result created =
        sb(
            "invoke",
            "--binding",
            todo.toString(),
            "--base-url",
            prismUrl,
            "--bearer-token-env",
            "TODO_TOKEN",
            "todos-collection.create",
            "{title: \"Buy milk\", due-date: some(\"2025-01-31T12:00:00Z\"), user-id: \"u1\"}");
    assertThat(created.exitCode()).as(created.toString()).isZero();
    assertThat(created.stdout()).startsWith("{data: {id: \"").endsWith("}\n");
    assertThat(created.stdout().lines()).hasSize(1);
    assertThat(created.stderr()).isEmpty();

    TestProcess.Result json =
        sb(
            "invoke",
            "--binding",
            todo.toString(),
            "--base-url",
            prismUrl,
            "--bearer-token-env",
            "TODO_TOKEN",
            "--json",
            "todos-resource.get",
            "\"" + TODO_ID + "\"");
    assertThat(json.exitCode()).as(json.toString()).isZero();
    assertThat(json.stdout()).startsWith("{\"data\":{\"id\":\"");

    String log = prism.output();
    assertThat(count(Pattern.compile("The request passed the validation rules"), log))
        .as("requests that passed Prism's validation, of those it received:%n%s", log)
        .isEqualTo(count(Pattern.compile("Request received"), log))
        .isPositive();
    // Prism checks the bearer scheme too: a call without the token would be answered 401.
    assertThat(log).doesNotContain("violation").doesNotContain("401");
  }

  @Test
  void errorCaseIsPrintedAsWaveOnStdoutAndExits1() {
    TestProcess.Result notFound =
        sb(
            "invoke",
            "--binding",
            todo.toString(),
            "--base-url",
            prismUrl,
            "--bearer-token-env",
            "TODO_TOKEN",
            "-H",
            "Prefer: code=404",
            "todos-resource.get",
            "\"" + TODO_ID + "\"");
    assertThat(notFound.exitCode()).as(notFound.toString()).isEqualTo(ExitCode.FAILED);
    assertThat(notFound.stdout())
        .isEqualTo(
            "not-found({resource: \"/todos/{todoId}\", id: \""
                + TODO_ID
                + "\", message: \"string\"})\n");
  }

  @Test
  void argumentThatBreaksTheContractExits2WithItsLocationAndSendsNothing() {
    int received = count(Pattern.compile("Request received"), prism.output());
    TestProcess.Result bad =
        sb(
            "invoke",
            "--binding",
            todo.toString(),
            "--base-url",
            prismUrl,
            "--bearer-token-env",
            "TODO_TOKEN",
            "todos-collection.create",
            "{title: \"milk\",\n user-id: 7}");
    assertThat(bad.exitCode()).as(bad.toString()).isEqualTo(ExitCode.BAD_INPUT);
    assertThat(bad.stderr()).isEqualTo("request.user-id (2:11): expected string, got a number\n");
    assertThat(bad.stdout()).isEmpty();
    assertThat(count(Pattern.compile("Request received"), prism.output())).isEqualTo(received);
  }

  @Test
  void grpcCallsTestServiceServer() {
    String target = "localhost:" + grpcPort;
    TestProcess.Result unary =
        sb(
            "invoke",
            "--binding",
            testing.toString(),
            "--target",
            target,
            "--plaintext",
            "test-service.unary-call",
            "{response-type: compressable, response-size: 3, fill-username: false,"
                + " fill-oauth-scope: false, fill-server-id: false, fill-grpclb-route-type: false}");
    assertThat(unary.exitCode()).as(unary.toString()).isZero();
    assertThat(unary.stdout()).contains("payload: some({type: compressable, body: [0, 0, 0]})");

    TestProcess.Result status =
        sb(
            "invoke",
            "--binding",
            testing.toString(),
            "--target",
            target,
            "--json",
            "test-service.unary-call",
            "{\"responseStatus\": {\"code\": 5, \"message\": \"no such thing\"}}");
    assertThat(status.exitCode()).as(status.toString()).isEqualTo(ExitCode.FAILED);
    assertThat(status.stdout()).startsWith("{\"not-found\":{").contains("no such thing");
  }

  private static int count(Pattern p, String text) {
    Matcher m = p.matcher(text);
    int n = 0;
    while (m.find()) {
      n++;
    }
    return n;
  }

  private static String property(String name) {
    String v = System.getProperty(name);
    if (v == null) {
      throw new AssertionError(
          "system property " + name + " is not set: run through failsafe (mvn -pl cli verify)");
    }
    return v;
  }

  private static TestProcess.Result sb(String... args) {
    List<String> command = new ArrayList<>(List.of("-jar", JAR.toString()));
    command.addAll(List.of(args));
    try (TestProcess sb =
        TestProcess.builder(PeerPrograms.java(command.toArray(String[]::new)))
            .name("sb")
            .env("TODO_TOKEN", "t0k3n-from-env")
            .start()) {
      sb.closeStdin();
      sb.awaitExit(TIMEOUT);
      return sb.result();
    }
  }
}
