package dev.switchboard.durable;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.testing.PeerPrograms;
import dev.switchboard.testing.PostgresServer;
import dev.switchboard.testing.TestProcess;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two processes (on two "hosts") share a PostgreSQL oplog and both want to run one worker: only the
 * lease holder runs it; when the holder is SIGKILLed, the other takes over once the lease expires,
 * replays, and finishes without applying any effect twice.
 */
class SharedOplogIT {
  static final Duration WAIT = Duration.ofSeconds(90);
  // Renewed every third of it, so a loaded machine must starve the holder's renewals for 2 s before
  // the lease lapses while it lives.
  static final long LEASE_TTL_MS = 3_000;
  static PostgresServer postgres;

  @BeforeAll
  static void start() throws Exception {
    postgres = PostgresServer.start();
  }

  @AfterAll
  static void stop() throws Exception {
    postgres.close();
  }

  @Test
  void theOtherProcessTakesOverAfterTheLeaseExpiresWithNoDuplicateEffects() throws Exception {
    try (TestProcess server = peer("effect-server", EffectServer.class)) {
      String port =
          server.awaitLine(line("listening "), WAIT).group().substring("listening ".length());
      String[] common = {
        postgres.url(),
        port,
        "shared-1",
        "none",
        "--calls",
        "24",
        "--pause-ms",
        "150",
        "--lease-ttl-ms",
        String.valueOf(LEASE_TTL_MS)
      };
      try (TestProcess holder =
          // Slower than the waiter, so that it is still mid-way when it is killed.
          peer(
              "worker",
              CrashingWorker.class,
              with(common, "--host", "host-a", "--pause-ms", "1000"))) {
        holder.awaitLine(line("acquired"), WAIT).group();
        try (TestProcess waiter =
            peer(
                "worker",
                CrashingWorker.class,
                with(common, "--host", "host-b", "--await-ms", "60000"))) {
          holder.awaitLine(line("#9 "), WAIT).group();
          assertThat(waiter.stdout().lines().toList())
              .as("the waiter runs nothing while the holder lives")
              .isEmpty();

          LeaseRow held = lease("shared-1");
          assertThat(held.owner())
              .as("the lease's owner just before the kill; the holder said:\n%s", holder.output())
              .startsWith("host-a/");
          holder.kill();
          waiter.awaitLine(line("acquired"), WAIT).group();
          // The new lease runs 2 s from the moment it was taken (later if already renewed), by the
          // database's clock: so it was taken no earlier than the holder's lease lapsed.
          long takenAt = lease("shared-1").expiresAt() - LEASE_TTL_MS;
          assertThat(waiter.awaitExit(WAIT)).as("%s", waiter.stderr()).isZero();
          assertThat(takenAt)
              .as("taken over at (ms, database clock)")
              .isGreaterThanOrEqualTo(held.expiresAt());
          List<String> out = waiter.stdout().lines().toList();
          assertThat(out).contains("#1 ok e0 applied #1", "#24 local e7");
          assertThat(out.stream().filter(l -> l.startsWith("#"))).hasSize(24);
        }
      }
      List<String> stats = httpGet(port);
      for (int i = 0; i < 8; i++) {
        assertThat(stats).contains("effect e" + i + " 1");
      }
    }
  }

  private record LeaseRow(String owner, long expiresAt) {}

  private static LeaseRow lease(String workerId) throws SQLException {
    try (Connection c = DriverManager.getConnection("jdbc:" + postgres.url());
        PreparedStatement s =
            c.prepareStatement(
                "SELECT lease_owner, lease_expires_at FROM sb_workers WHERE worker_id = ?")) {
      s.setString(1, workerId);
      try (ResultSet r = s.executeQuery()) {
        assertThat(r.next()).as("a lease row for %s", workerId).isTrue();
        return new LeaseRow(String.valueOf(r.getString(1)), r.getLong(2));
      }
    }
  }

  private static String[] with(String[] base, String... more) {
    String[] all = java.util.Arrays.copyOf(base, base.length + more.length);
    System.arraycopy(more, 0, all, base.length, more.length);
    return all;
  }

  private static List<String> httpGet(String port) throws Exception {
    return List.of(
        java.net.http.HttpClient.newHttpClient()
            .send(
                java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create("http://127.0.0.1:" + port + "/stats"))
                    .build(),
                java.net.http.HttpResponse.BodyHandlers.ofString())
            .body()
            .split("\n"));
  }

  static TestProcess peer(String name, Class<?> main, String... args) {
    return TestProcess.builder(PeerPrograms.javaMain(main.getName(), args)).name(name).start();
  }

  static java.util.regex.Pattern line(String prefix) {
    return java.util.regex.Pattern.compile("^" + java.util.regex.Pattern.quote(prefix) + ".*");
  }
}
