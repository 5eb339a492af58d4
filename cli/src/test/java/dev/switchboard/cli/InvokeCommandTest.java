package dev.switchboard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.bridge.WitTypes;
import dev.switchboard.testing.Fixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code sb invoke} in-process, where no peer is needed: {@code --list} over the contracts of the
 * wit module's corpus and the shared fixtures (each through {@code sb wit --binding}, as a user
 * gets there), and input that never reaches the network. The WAVE and JSON round trip of every
 * function's request type over the whole corpus (large OpenAPI documents included) is the bridge's
 * CorpusIT; calls against real peers are InvokeIT.
 */
class InvokeCommandTest {
  private static final Path WIT_RESOURCES = Path.of("../wit/src/test/resources");

  @TempDir static Path dir;
  static Path todo;
  static Path shop;

  @BeforeAll
  static void bindings() throws Exception {
    todo = binding("todo", "--openapi", WIT_RESOURCES.resolve("openapi/todo-openapi.yaml"));
    shop =
        binding(
            "shop",
            "--proto",
            Fixtures.proto("shop/v1/orders.proto"),
            "-I",
            Fixtures.protoRoot(),
            "--version",
            "1.0.0");
  }

  private static Path binding(String name, Object... args) {
    Path out = dir.resolve(name);
    List<String> line = new ArrayList<>(List.of("wit", "-o", out.toString(), "--binding"));
    for (Object a : args) {
      line.add(a.toString());
    }
    SbRun run = SbRun.run(line.toArray(String[]::new));
    assertThat(run.exit()).as(run.toString()).isZero();
    return out.resolve("binding.json");
  }

  @Test
  void listPrintsEverySignatureOfTheCorpus() throws Exception {
    List<Path> bindings =
        new ArrayList<>(
            List.of(
                todo,
                shop,
                binding(
                    "adversarial-openapi",
                    "--openapi",
                    WIT_RESOURCES.resolve("openapi/adversarial.yaml"))));
    for (String proto : List.of("grpcbin", "adversarial")) {
      bindings.add(
          binding(
              proto,
              "--proto",
              WIT_RESOURCES.resolve("proto/" + proto + ".proto"),
              "-I",
              WIT_RESOURCES.resolve("proto"),
              "--version",
              "1.0.0"));
    }
    bindings.add(
        binding(
            "todo-proto",
            "--proto",
            Fixtures.proto("todo.proto"),
            "-I",
            Fixtures.protoRoot(),
            "--version",
            "1.0.0"));
    int functions = 0;
    for (Path binding : bindings) {
      SbRun list = SbRun.run("invoke", "--binding", binding.toString(), "--list");
      assertThat(list.exit()).as(list.toString()).isZero();
      assertThat(list.err()).as(binding.toString()).isEmpty();
      List<String> expected = new ArrayList<>();
      for (WitTypes.Function f : WitTypes.read(binding).functions()) {
        expected.add(WitTypes.signature(f));
      }
      assertThat(list.out().lines().toList()).as(binding.toString()).isEqualTo(expected);
      functions += expected.size();
    }
    assertThat(functions).isGreaterThan(20);
    assertThat(SbRun.run("invoke", "--binding", todo.toString(), "--list").out())
        .contains(
            "todos-collection.create: func(request: create-request) -> result<create-response,"
                + " error>\n");
  }

  @Test
  void badInputExits2WithItsLocationAndSendsNothing() throws Exception {
    // No peer listens on the base URL: each of these must be refused before any connection.
    String[] base = {"invoke", "--binding", todo.toString(), "--base-url", "http://127.0.0.1:9"};

    SbRun wrongType = run(base, "todos-collection.create", "{title: 42, user-id: \"u1\"}");
    assertThat(wrongType.exit()).as(wrongType.toString()).isEqualTo(ExitCode.BAD_INPUT);
    assertThat(wrongType.err()).startsWith("request.title (1:9): expected string");
    assertThat(wrongType.out()).isEmpty();

    SbRun unknown = run(base, "todos-collection.creat", "{}");
    assertThat(unknown.exit()).isEqualTo(ExitCode.BAD_INPUT);
    assertThat(unknown.err()).contains("unknown function", "todos-collection.create");

    SbRun noCredentials =
        run(base, "todos-collection.create", "{title: \"milk\", user-id: \"u1\"}");
    assertThat(noCredentials.exit()).isEqualTo(ExitCode.BAD_INPUT);
    assertThat(noCredentials.err()).isEqualTo("request.auth: missing field of type bearer-auth\n");

    SbRun badJson = run(base, "--json", "todos-collection.create", "{\"title\": ");
    assertThat(badJson.exit()).isEqualTo(ExitCode.BAD_INPUT);
    assertThat(badJson.err()).startsWith("request");

    Path broken = dir.resolve("broken.json");
    Files.writeString(broken, "{\"package\": [1,\n 2");
    SbRun unreadable = SbRun.run("invoke", "--binding", broken.toString(), "--list");
    assertThat(unreadable.exit()).isEqualTo(ExitCode.BAD_INPUT);
    assertThat(unreadable.err()).startsWith("--binding " + broken + ":2:");
    assertThat(unreadable.err().lines()).hasSize(1);

    SbRun grpcWithoutTarget =
        SbRun.run("invoke", "--binding", shop.toString(), "orders.get-order", "{id: \"o-1\"}");
    assertThat(grpcWithoutTarget.exit()).isEqualTo(ExitCode.BAD_INPUT);
    assertThat(grpcWithoutTarget.err()).contains("--target HOST:PORT is required");

    SbRun badOplog =
        run(base, "--worker", "w", "--oplog", "mysql://x", "todos-resource.get", "\"id\"");
    assertThat(badOplog.exit()).isEqualTo(ExitCode.BAD_INPUT);
    assertThat(badOplog.err()).startsWith("--oplog mysql://x: ");
  }

  private static SbRun run(String[] base, String... more) {
    List<String> line = new ArrayList<>(List.of(base));
    line.addAll(List.of(more));
    return SbRun.run(line.toArray(String[]::new));
  }
}
