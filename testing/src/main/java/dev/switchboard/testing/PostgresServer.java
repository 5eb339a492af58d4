package dev.switchboard.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * A throwaway PostgreSQL server for tests, from Debian's {@code postgresql} package: {@code initdb}
 * in a fresh temporary directory, {@code pg_ctl} to start, restart and stop it on a free loopback
 * port. PostgreSQL refuses to run as root, so as root it runs as the package's {@code postgres}
 * user (through {@code runuser}). Missing binaries fail the test with the package to install.
 */
public final class PostgresServer implements AutoCloseable {
  private static final String USER = "sb";

  private final Path dir;
  private final Path bin;
  private final int port;
  private final boolean asPostgresUser;

  private PostgresServer(Path dir, Path bin, int port, boolean asPostgresUser) {
    this.dir = dir;
    this.bin = bin;
    this.port = port;
    this.asPostgresUser = asPostgresUser;
  }

  /** Creates a cluster in a temporary directory and starts it. */
  public static PostgresServer start() throws IOException, InterruptedException {
    Path bin = binaries();
    boolean root = "root".equals(System.getProperty("user.name"));
    Path dir = Files.createTempDirectory("sb-postgres");
    if (root) {
      UserPrincipal postgres =
          dir.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("postgres");
      Files.setOwner(dir, postgres);
    }
    PostgresServer server = new PostgresServer(dir, bin, FreePorts.pick(), root);
    server.run(
        "initdb",
        "-D",
        server.data().toString(),
        "-U",
        USER,
        "--auth=trust",
        "-E",
        "UTF8",
        "--no-sync");
    server.startAgain();
    return server;
  }

  /** {@code postgresql://127.0.0.1:PORT/postgres?user=sb}, the form oplog URLs take. */
  public String url() {
    return "postgresql://127.0.0.1:" + port + "/postgres?user=" + USER;
  }

  /** The port it listens on. */
  public int port() {
    return port;
  }

  /** Starts the server (again, after {@link #stop}). */
  public void startAgain() throws IOException, InterruptedException {
    run(
        "pg_ctl",
        "-D",
        data().toString(),
        "-l",
        dir.resolve("server.log").toString(),
        "-w",
        "-t",
        "60",
        "-o",
        "-p " + port + " -k " + dir + " -c listen_addresses=127.0.0.1 -c max_connections=200",
        "start");
  }

  /** Stops the server abruptly, as a crash would: no checkpoint, clients cut off. */
  public void stop() throws IOException, InterruptedException {
    run("pg_ctl", "-D", data().toString(), "-w", "-m", "immediate", "stop");
  }

  @Override
  public void close() throws IOException, InterruptedException {
    try {
      if (Files.exists(data().resolve("postmaster.pid"))) {
        stop();
      }
    } finally {
      try (Stream<Path> files = Files.walk(dir)) {
        for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(p);
        }
      }
    }
  }

  private Path data() {
    return dir.resolve("data");
  }

  private void run(String program, String... args) throws IOException {
    List<String> command = new ArrayList<>();
    if (asPostgresUser) {
      command.addAll(
          List.of(PeerPrograms.onPath("runuser", "util-linux").toString(), "-u", "postgres", "--"));
    }
    command.add(bin.resolve(program).toString());
    command.addAll(List.of(args));
    TestProcess.Result result =
        TestProcess.builder(command).name(program).directory(dir).run(Duration.ofSeconds(90));
    if (result.exitCode() != 0) {
      String log = "";
      Path serverLog = dir.resolve("server.log");
      if (Files.exists(serverLog)) {
        log = "\nserver log:\n" + Files.readString(serverLog);
      }
      throw new AssertionError(program + " failed: " + result.output() + log);
    }
  }

  private static Path binaries() throws IOException {
    Path root = Path.of("/usr/lib/postgresql");
    if (Files.isDirectory(root)) {
      try (Stream<Path> versions = Files.list(root)) {
        Path newest =
            versions
                .filter(v -> Files.isExecutable(v.resolve("bin/initdb")))
                .max(Comparator.comparingInt(PostgresServer::majorVersion))
                .orElse(null);
        if (newest != null) {
          return newest.resolve("bin");
        }
      }
    }
    throw new AssertionError(
        "PostgreSQL server binaries (initdb, pg_ctl) are missing: install the Debian package"
            + " postgresql");
  }

  private static int majorVersion(Path versionDir) {
    try {
      return Integer.parseInt(versionDir.getFileName().toString());
    } catch (NumberFormatException e) {
      return 0;
    }
  }
}
