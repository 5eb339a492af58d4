package dev.switchboard.wit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.testing.PeerPrograms;
import dev.switchboard.testing.TestProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs wasm-tools (from npm, through jco-transpile, on the machine's Node) over emitted WIT package
 * directories. The npm packages are installed once per build into target/node-tools from the pinned
 * versions in node-tools/package.json; nothing is committed but that file and the check script.
 */
final class WasmTools {
  private static final Path TOOLS = Path.of("target/node-tools");
  // npm install on a cold cache is the slowest thing run here.
  private static final Duration RUN_TIMEOUT = Duration.ofMinutes(10);

  private WasmTools() {}

  static synchronized Path tools() throws IOException, InterruptedException {
    Files.createDirectories(TOOLS);
    Files.copy(
        Path.of("node-tools/package.json"),
        TOOLS.resolve("package.json"),
        StandardCopyOption.REPLACE_EXISTING);
    Files.copy(
        Path.of("node-tools/check-wit.mjs"),
        TOOLS.resolve("check-wit.mjs"),
        StandardCopyOption.REPLACE_EXISTING);
    if (!Files.isDirectory(TOOLS.resolve("node_modules/@bytecodealliance/jco-transpile"))) {
      run(
          TOOLS,
          PeerPrograms.onPath("npm", "npm").toString(),
          "install",
          "--no-package-lock",
          "--no-audit",
          "--no-fund");
    }
    return TOOLS;
  }

  /** Validates each directory; returns directory to "OK" or the wasm-tools message. */
  static Map<Path, String> check(List<Path> dirs) throws IOException, InterruptedException {
    Path tools = tools();
    Map<Path, String> results = new LinkedHashMap<>();
    // Batches keep one Node start-up per many packages without overlong command lines.
    for (int i = 0; i < dirs.size(); i += 50) {
      List<String> cmd =
          new ArrayList<>(
              List.of(PeerPrograms.onPath("node", "nodejs").toString(), "check-wit.mjs"));
      List<Path> batch = dirs.subList(i, Math.min(dirs.size(), i + 50));
      for (Path d : batch) {
        cmd.add(d.toAbsolutePath().toString());
      }
      String out = run(tools, cmd.toArray(String[]::new));
      for (Path d : batch) {
        String abs = d.toAbsolutePath().toString();
        String verdict =
            out.lines()
                .filter(l -> l.startsWith("OK " + abs) || l.startsWith("ERR " + abs + " "))
                .findFirst()
                .orElse("ERR no verdict; node said: " + out);
        results.put(
            d, verdict.startsWith("OK ") ? "OK" : verdict.substring(("ERR " + abs + " ").length()));
      }
    }
    return results;
  }

  /** Asserts every directory is a valid package, listing every failure with wasm-tools' message. */
  static void assertValid(List<Path> dirs) throws IOException, InterruptedException {
    Map<Path, String> results = check(dirs);
    List<String> failures = new ArrayList<>();
    results.forEach(
        (d, r) -> {
          if (!r.equals("OK")) {
            failures.add(d + ": " + r);
          }
        });
    assertThat(failures).as("wasm-tools rejected packages").isEmpty();
  }

  static String run(Path dir, String... cmd) {
    return TestProcess.builder(cmd).directory(dir).run(RUN_TIMEOUT).assertSuccess().output();
  }
}
