package dev.switchboard.durable;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.testing.PeerPrograms;
import dev.switchboard.testing.PostgresServer;
import dev.switchboard.testing.TestProcess;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The storage failing under a worker: a full disk, a torn or damaged SQLite file, PostgreSQL
 * restarting mid-run. Each gives a clear error, loses no committed entry, and recovers once the
 * fault is gone.
 */
class StorageFaultsIT {
  @TempDir Path dir;

  private static DurableCall post(String name, int bodyBytes) {
    return DurableCall.builder("POST /effects/" + name)
        .idempotency(Idempotency.KEYED)
        .body(("x".repeat(bodyBytes) + name).getBytes(StandardCharsets.UTF_8))
        .build();
  }

  @Test
  void aFullDiskFailsTheWriteClearlyAndWritesResumeOnceThereIsRoom() throws Exception {
    Path mount = Files.createDirectories(dir.resolve("small-disk"));
    run("mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", mount.toString());
    try {
      Path ballast = mount.resolve("ballast");
      Files.write(ballast, new byte[256 * 1024]);
      List<Optional<String>> sent = new ArrayList<>();
      int committed = 0;
      try (OplogStore store = OplogStore.sqlite(mount.resolve("oplog"));
          Durable durable = Durable.open(store);
          Worker worker = durable.worker("filler")) {
        OplogStoreException full = null;
        for (int i = 0; i < 200 && full == null; i++) {
          try {
            worker.call(
                post("e" + i, 16 * 1024),
                key -> {
                  sent.add(key);
                  return Outcome.ok("done");
                });
            committed++;
          } catch (OplogStoreException e) {
            full = e;
          }
        }
        assertThat(full).as("the 1 MiB disk filled up").isNotNull();
        assertThat(full.getMessage())
            .contains("is full")
            .contains("everything committed before is kept");
        // The disk filled either at the failing call's intent (then nothing was sent for it) or
        // at its result (then it was sent once, and its committed intent holds the key).
        assertThat(sent.size()).isBetween(committed, committed + 1);
        boolean intentCommitted = sent.size() == committed + 1;

        Files.delete(ballast);
        String name = "e" + committed;
        assertThat(
                worker
                    .call(
                        post(name, 16 * 1024),
                        key -> {
                          sent.add(key);
                          return Outcome.ok("after room");
                        })
                    .text())
            .isEqualTo("after room");
        if (intentCommitted) {
          assertThat(sent.get(sent.size() - 1)).isEqualTo(sent.get(sent.size() - 2));
        }
      }
      try (OplogStore store = OplogStore.sqlite(mount.resolve("oplog"))) {
        List<OplogEntry> entries = store.load("filler").entries();
        assertThat(entries)
            .hasSize(committed + 1)
            .allSatisfy(e -> assertThat(e.isOpen()).isFalse());
      }
    } finally {
      run("umount", mount.toString());
    }
  }

  @Test
  void aTornWalTailLosesNoCommittedEntry() throws Exception {
    Path live = dir.resolve("live");
    Path crashImage = dir.resolve("image");
    try (OplogStore store = OplogStore.sqlite(live);
        Durable durable = Durable.open(store);
        Worker worker = durable.worker("w")) {
      for (int i = 0; i < 5; i++) {
        worker.call(post("e" + i, 10), key -> Outcome.ok("ok"));
      }
      // The disk as a power cut would leave it: the database and its WAL, then half a frame of a
      // commit that never finished.
      Files.createDirectories(crashImage);
      for (String file : List.of("oplog.db", "oplog.db-wal")) {
        Files.copy(
            live.resolve(file), crashImage.resolve(file), StandardCopyOption.REPLACE_EXISTING);
      }
    }
    byte[] halfFrame = new byte[2000];
    java.util.Arrays.fill(halfFrame, (byte) 0x5a);
    Files.write(crashImage.resolve("oplog.db-wal"), halfFrame, StandardOpenOption.APPEND);
    try (OplogStore store = OplogStore.sqlite(crashImage)) {
      assertThat(store.load("w").entries()).hasSize(5);
    }
  }

  @Test
  void aDamagedFileIsAClearErrorAndARestoredOneWorksAgain() throws Exception {
    Path data = dir.resolve("data");
    try (OplogStore store = OplogStore.sqlite(data);
        Durable durable = Durable.open(store);
        Worker worker = durable.worker("w")) {
      worker.call(post("e0", 10), key -> Outcome.ok("ok"));
    }
    Path file = data.resolve("oplog.db");
    Path backup = dir.resolve("backup.db");
    Files.copy(file, backup);
    byte[] bytes = Files.readAllBytes(file);
    for (int i = 0; i < 100; i++) {
      bytes[i] = (byte) (i * 7);
    }
    Files.write(file, bytes);
    assertThatThrownBy(() -> OplogStore.sqlite(data))
        .isInstanceOf(OplogStoreException.class)
        .hasMessageStartingWith("the oplog " + file + " is damaged or not an SQLite database")
        .hasMessageContaining("restore it from a backup");
    Files.copy(backup, file, StandardCopyOption.REPLACE_EXISTING);
    try (OplogStore store = OplogStore.sqlite(data)) {
      assertThat(store.load("w").entries()).hasSize(1);
    }
  }

  @Test
  void postgresRestartingMidRunIsAClearErrorAndTheWorkerCarriesOn() throws Exception {
    try (PostgresServer postgres = PostgresServer.start();
        OplogStore store = OplogStore.open(postgres.url());
        Durable durable = Durable.open(store);
        Worker worker = durable.worker("pg-restart")) {
      List<Optional<String>> sent = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        worker.call(
            post("e" + i, 10),
            key -> {
              sent.add(key);
              return Outcome.ok("ok");
            });
      }

      // Down before the call: its intent cannot commit, so nothing is sent.
      postgres.stop();
      assertThatThrownBy(
              () ->
                  worker.call(
                      post("e3", 10),
                      key -> {
                        sent.add(key);
                        return Outcome.ok("ok");
                      }))
          .isInstanceOf(OplogStoreException.class)
          .hasMessageContaining("is unreachable or restarting")
          .hasMessageContaining("entries committed before are kept");
      assertThat(sent).hasSize(3);
      postgres.startAgain();
      worker.call(
          post("e3", 10),
          key -> {
            sent.add(key);
            return Outcome.ok("ok");
          });

      // Down while the call is in flight: its result cannot commit; the retry carries the same key.
      assertThatThrownBy(
              () ->
                  worker.call(
                      post("e4", 10),
                      key -> {
                        sent.add(key);
                        postgres.stop();
                        return Outcome.ok("applied");
                      }))
          .isInstanceOf(OplogStoreException.class);
      postgres.startAgain();
      assertThat(
              worker
                  .call(
                      post("e4", 10),
                      key -> {
                        sent.add(key);
                        return Outcome.ok("applied");
                      })
                  .text())
          .isEqualTo("applied");
      assertThat(sent.get(sent.size() - 1)).isEqualTo(sent.get(sent.size() - 2));

      // Restarted while nothing was written: the stale connections are replaced unseen.
      postgres.stop();
      postgres.startAgain();
      worker.call(post("e5", 10), key -> Outcome.ok("ok"));
      assertThat(durable.history("pg-restart").entries())
          .hasSize(6)
          .allSatisfy(e -> assertThat(e.isOpen()).isFalse());
    }
  }

  private static void run(String... command) {
    PeerPrograms.onPath(command[0], "util-linux");
    TestProcess.Result result =
        TestProcess.builder(command).name(command[0]).run(Duration.ofSeconds(30));
    if (result.exitCode() != 0) {
      throw new AssertionError(
          String.join(" ", command)
              + " failed (mounting a small tmpfs to fill needs root, as CI runs): "
              + result.output());
    }
  }
}
