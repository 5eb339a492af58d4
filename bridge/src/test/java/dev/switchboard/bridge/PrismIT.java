package dev.switchboard.bridge;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.testing.FreePorts;
import dev.switchboard.testing.PeerPrograms;
import dev.switchboard.testing.TestProcess;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The seed's todo API served by Stoplight Prism (npm {@code @stoplight/prism-cli}, pinned with its
 * lockfile in node-tools/) with request validation on ({@code --errors}): every request the stub
 * sends is checked against the document by a program we did not write, and after each test Prism's
 * own log must show every request passed. {@code Prefer: code=NNN} makes Prism answer each
 * documented error, which must come back as the WIT error case the Binding maps it to.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PrismIT {
  private static final Path TOOLS = Path.of("target/node-tools");
  private static final Pattern RECEIVED = Pattern.compile("Request received");
  private static final Pattern PASSED = Pattern.compile("The request passed the validation rules");

  private TestProcess prism;
  private WitTypes types;
  private Stub stub;
  private URI base;

  @BeforeAll
  void start() throws Exception {
    Path prismBin = install();
    int port = FreePorts.pick();
    prism =
        TestProcess.builder(
                List.of(
                    prismBin.toString(),
                    "mock",
                    "-h",
                    "127.0.0.1",
                    "-p",
                    Integer.toString(port),
                    "--errors",
                    Contracts.RESOURCES
                        .resolve("openapi/todo-openapi.yaml")
                        .toAbsolutePath()
                        .toString()))
            .name("prism")
            .directory(TOOLS)
            .start();
    prism.awaitLine(Pattern.compile("Prism is listening"), Duration.ofSeconds(60));
    base = URI.create("http://127.0.0.1:" + port);
    types = Contracts.todoOpenApi();
    stub =
        Bridge.open(
            types, BridgeConfig.builder().baseUrl(base).bearerToken(Secret.of("t0k3n")).build());
  }

  /** npm ci from the pinned lockfile into target/node-tools, once per build. */
  static Path install() throws Exception {
    Path bin = TOOLS.resolve("node_modules/.bin/prism");
    if (Files.isExecutable(bin)) {
      return bin.toAbsolutePath();
    }
    Files.createDirectories(TOOLS);
    for (String f : List.of("package.json", "package-lock.json")) {
      Files.copy(Path.of("node-tools", f), TOOLS.resolve(f), StandardCopyOption.REPLACE_EXISTING);
    }
    TestProcess.builder(
            PeerPrograms.onPath("npm", "npm").toString(), "ci", "--no-audit", "--no-fund")
        .directory(TOOLS)
        .run(Duration.ofMinutes(5))
        .assertSuccess();
    return bin.toAbsolutePath();
  }

  @AfterEach
  void everyRequestPassedPrismsValidation() {
    String log = prism.output();
    int received = count(RECEIVED, log);
    int passed = count(PASSED, log);
    assertThat(passed)
        .as("requests Prism validated successfully, of %d received:%n%s", received, log)
        .isEqualTo(received);
  }

  private static int count(Pattern p, String text) {
    Matcher m = p.matcher(text);
    int n = 0;
    while (m.find()) {
      n++;
    }
    return n;
  }

  @AfterAll
  void stop() {
    if (stub != null) {
      stub.close();
    }
    if (prism != null) {
      prism.close();
    }
  }

  private WitValue request(String function, int param, String wave) {
    return Wave.parse(types, types.function(function).function().params().get(param).type(), wave);
  }

  private Stub preferring(int status) {
    return Bridge.open(
        types,
        BridgeConfig.builder()
            .baseUrl(base)
            .bearerToken(Secret.of("t0k3n"))
            .maxAttempts(1)
            .interceptor(
                (call, chain) -> chain.proceed(call.withHeader("Prefer", "code=" + status)))
            .build());
  }

  @Test
  void listWithEveryQueryParameter() {
    WitValue.ResultValue r =
        stub.invoke(
            "todos-collection.list",
            request(
                "todos-collection.list",
                0,
                "{user-id: \"u1\", status: some(completed), limit: some(10), offset: some(0), sort-by: some(due-date), sort-order: some(asc)}"));
    assertThat(r.isOk()).as(Wave.print(r)).isTrue();
    String wave = Wave.print(r);
    assertThat(wave).contains("metadata: {total:", "version: some(", "x-rate-limit-limit: some(");
  }

  @Test
  void createGetUpdateDelete() {
    WitValue.ResultValue created =
        stub.invoke(
            "todos-collection.create",
            request(
                "todos-collection.create",
                0,
                "{title: \"Buy milk\", description: some(\"2 litres\"), due-date: some(\"2025-01-31T12:00:00Z\"), user-id: \"u1\"}"));
    assertThat(created.isOk()).as(Wave.print(created)).isTrue();
    assertThat(Wave.print(created)).contains("data: {id: ");
    String id = "497f6eca-6276-4993-bfeb-53cbbbba6f08";
    assertThat(stub.invoke("todos-resource.get", WitValue.string(id)).isOk()).isTrue();
    WitValue.ResultValue updated =
        stub.invoke(
            "todos-resource.update",
            WitValue.string(id),
            request("todos-resource.update", 1, "{completed: some(true)}"));
    assertThat(updated.isOk()).as(Wave.print(updated)).isTrue();
    WitValue.ResultValue deleted = stub.invoke("todos-resource.delete", WitValue.string(id));
    assertThat(Wave.print(deleted)).startsWith("ok({");
  }

  @Test
  void documentedErrorsBecomeTheirCases() {
    String id = "497f6eca-6276-4993-bfeb-53cbbbba6f08";
    try (Stub s401 = preferring(401)) {
      assertThat(Wave.print(s401.invoke("todos-resource.get", WitValue.string(id))))
          .startsWith("err(unauthorized({message: \"string\", code: \"401\"");
    }
    try (Stub s404 = preferring(404)) {
      assertThat(Wave.print(s404.invoke("todos-resource.get", WitValue.string(id))))
          .isEqualTo(
              "err(not-found({resource: \"/todos/{todoId}\", id: \""
                  + id
                  + "\", message: \"string\"}))");
    }
    try (Stub s400 = preferring(400)) {
      assertThat(
              Wave.print(
                  s400.invoke(
                      "todos-collection.list",
                      request("todos-collection.list", 0, "{user-id: \"u1\"}"))))
          .isEqualTo(
              "err(validation-error({message: \"string\", fields: [{field: \"string\", message: \"string\"}]}))");
    }
    try (Stub s429 = preferring(429)) {
      assertThat(
              Wave.print(
                  s429.invoke(
                      "todos-collection.list",
                      request("todos-collection.list", 0, "{user-id: \"u1\"}"))))
          .isEqualTo("err(rate-limited({retry-after: some(0), message: \"string\"}))");
    }
    try (Stub s500 = preferring(500)) {
      assertThat(Wave.print(s500.invoke("todos-resource.delete", WitValue.string(id))))
          .startsWith("err(server-error({message: \"string\", code: \"500\", details: some(");
    }
  }

  @Test
  void brokenRulesAreCaughtBeforePrismSeesThem() {
    int before = count(RECEIVED, prism.output());
    WitValue.ResultValue r =
        stub.invoke(
            "todos-collection.create",
            request(
                "todos-collection.create",
                0,
                "{title: \"\", due-date: some(\"tomorrow\"), user-id: \"u1\"}"));
    assertThat(Wave.print(r))
        .isEqualTo(
            "err(validation-error({message: \"2 values break the contract; nothing was sent\", fields: ["
                + "{field: \"request.title\", message: \"must be at least 1 characters long (minLength), is 0\"}, "
                + "{field: \"request.due-date\", message: \"must be an RFC 3339 date-time such as 2025-01-31T12:00:00Z (format date-time)\"}]}))");
    WitValue.ResultValue empty =
        stub.invoke(
            "todos-resource.update",
            WitValue.string("497f6eca-6276-4993-bfeb-53cbbbba6f08"),
            request("todos-resource.update", 1, "{:}"));
    assertThat(Wave.print(empty)).contains("needs at least 1 properties (minProperties), has 0");
    WitValue.ResultValue badId = stub.invoke("todos-resource.get", WitValue.string("not-a-uuid"));
    assertThat(Wave.print(badId))
        .contains("{field: \"todo-id\", message: \"must be a UUID (format uuid)\"}");
    assertThat(count(RECEIVED, prism.output())).isEqualTo(before);
  }
}
