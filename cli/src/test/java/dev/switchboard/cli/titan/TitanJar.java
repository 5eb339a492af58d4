package dev.switchboard.cli.titan;

import dev.switchboard.testing.PeerPrograms;
import dev.switchboard.testing.TestProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code bin/titan} as a real process: the shaded jar in its own JVM, through the shared harness.
 */
final class TitanJar {
  private TitanJar() {}

  /** The jar that failsafe builds before the integration tests run. */
  static Path jar() {
    String jar = System.getProperty("titan.jar");
    if (jar == null || !Files.isRegularFile(Path.of(jar))) {
      throw new IllegalStateException(
          "titan.jar not found (system property titan.jar="
              + jar
              + "); run the integration tests through mvn verify, which builds it");
    }
    return Path.of(jar);
  }

  /** Starts {@code titan args...} under {@code name}; close it to stop it. */
  static TestProcess start(String name, String... args) {
    List<String> command = PeerPrograms.java("-Xmx256m", "-jar", jar().toString());
    command.addAll(List.of(args));
    return TestProcess.builder(command).name(name).start();
  }
}
