package dev.switchboard.wit;

import dev.switchboard.testing.PeerPrograms;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Fetches an npm package tarball at test time ({@code npm pack}) and unpacks it under
 * target/corpus.
 */
final class Npm {
  private static final Path CORPUS = Path.of("target/corpus");

  private Npm() {}

  static synchronized Path unpack(String spec) throws Exception {
    Path dir = CORPUS.resolve(spec.replace('/', '_').replace("@", ""));
    Path done = dir.resolve(".unpacked");
    if (Files.exists(done)) {
      return dir.resolve("package");
    }
    Files.createDirectories(dir);
    String out =
        WasmTools.run(dir, PeerPrograms.onPath("npm", "npm").toString(), "pack", "--silent", spec)
            .strip();
    String tarball = out.lines().reduce((a, b) -> b).orElseThrow();
    WasmTools.run(dir, "tar", "xzf", tarball);
    Files.delete(dir.resolve(tarball));
    Files.createFile(done);
    return dir.resolve("package");
  }
}
