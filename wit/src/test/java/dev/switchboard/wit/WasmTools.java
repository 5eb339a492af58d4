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
import java.util.stream.Stream;

/**
 * Runs wasm-tools (from npm, through jco-transpile, on the machine's Node) over emitted WIT package
 * directories. The npm packages are installed once per build into target/node-tools from the pinned
 * versions in node-tools/package.json; nothing is committed but that file and the check script.
 */
public final class WasmTools {
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

  /** What wasm-tools said about one directory: the worlds it built, or why it failed. */
  public record Verdict(boolean ok, int worlds, String message) {}

  /** Validates every world of every package in each directory. */
  public static Map<Path, Verdict> check(List<Path> dirs) throws IOException, InterruptedException {
    Path tools = tools();
    Map<Path, Verdict> results = new LinkedHashMap<>();
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
        String ok = "OK " + abs + " ";
        String err = "ERR " + abs + " ";
        Verdict verdict =
            out.lines()
                .filter(l -> l.startsWith(ok) || l.startsWith(err))
                .findFirst()
                .map(
                    l ->
                        l.startsWith(ok)
                            ? new Verdict(true, Integer.parseInt(l.substring(ok.length())), "")
                            : new Verdict(false, 0, l.substring(err.length())))
                .orElse(new Verdict(false, 0, "no verdict; node said: " + out));
        results.put(d, verdict);
      }
    }
    return results;
  }

  /**
   * Asserts every directory is valid and that wasm-tools built every world its packages declare
   * (counted in the files here, independently of the script), listing every failure with
   * wasm-tools' message. Returns the number of worlds built.
   */
  public static int assertValid(List<Path> dirs) throws IOException, InterruptedException {
    Map<Path, Verdict> results = check(dirs);
    List<String> failures = new ArrayList<>();
    int worlds = 0;
    for (Map.Entry<Path, Verdict> e : results.entrySet()) {
      Verdict v = e.getValue();
      int declared = declaredWorlds(e.getKey());
      if (!v.ok()) {
        failures.add(e.getKey() + ": " + v.message());
      } else if (v.worlds() != declared) {
        failures.add(e.getKey() + ": built " + v.worlds() + " of " + declared + " worlds");
      }
      worlds += v.worlds();
    }
    assertThat(failures).as("wasm-tools rejected packages").isEmpty();
    return worlds;
  }

  /** {@code world} declarations in every .wit file under the directory. */
  static int declaredWorlds(Path dir) throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      int n = 0;
      for (Path f : files.filter(p -> p.toString().endsWith(".wit")).toList()) {
        n += (int) Files.readString(f).lines().filter(l -> l.startsWith("world ")).count();
      }
      return n;
    }
  }

  static String run(Path dir, String... cmd) {
    return TestProcess.builder(cmd).directory(dir).run(RUN_TIMEOUT).assertSuccess().output();
  }
}
