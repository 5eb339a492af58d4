package dev.switchboard.messaging.internal.hub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import dev.switchboard.messaging.internal.proto.Enqueued;
import dev.switchboard.messaging.internal.proto.IdSeen;
import dev.switchboard.messaging.internal.proto.Removed;
import dev.switchboard.messaging.internal.proto.StoredRecord;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SegmentLogTest {
  @TempDir Path dir;

  private final List<SegmentLog.Recovery> recovered = new ArrayList<>();
  private final AtomicInteger commits = new AtomicInteger();

  private SegmentLog open(long segmentBytes) throws IOException {
    recovered.clear();
    return SegmentLog.open(
        dir,
        segmentBytes,
        Duration.ofMinutes(2),
        Clock.systemUTC(),
        stats -> commits.incrementAndGet(),
        recovered::add);
  }

  private static StoredRecord enqueued(String queue, long seq, String id, int size) {
    return StoredRecord.newBuilder()
        .setEnqueued(
            Enqueued.newBuilder()
                .setQueue(queue)
                .setSeq(seq)
                .setId(id)
                .setEnqueuedMillis(System.currentTimeMillis())
                .setData(ByteString.copyFrom(new byte[size])))
        .build();
  }

  private static StoredRecord removed(String queue, long seq) {
    return StoredRecord.newBuilder()
        .setRemoved(Removed.newBuilder().setQueue(queue).setSeq(seq))
        .build();
  }

  @Test
  void committedMessagesComeBackAfterReopeningAndRemovedOnesDoNot() throws Exception {
    try (SegmentLog log = open(1 << 20)) {
      for (int i = 1; i <= 10; i++) {
        log.commit(List.of(enqueued("jobs", i, "", 16))).get(5, TimeUnit.SECONDS);
      }
      log.append(removed("jobs", 3));
      log.commit(List.of(removed("jobs", 4))).get(5, TimeUnit.SECONDS);
    }
    try (SegmentLog log = open(1 << 20)) {
      SegmentLog.Recovery recovery = recovered.get(0);
      assertThat(recovery.messages().get("jobs"))
          .extracting(Enqueued::getSeq)
          .containsExactly(1L, 2L, 5L, 6L, 7L, 8L, 9L, 10L);
      assertThat(recovery.nextSeq()).containsEntry("jobs", 11L);
    }
  }

  @Test
  void manyConcurrentCommitsShareFsyncs() throws Exception {
    try (SegmentLog log = open(1 << 24)) {
      List<CompletableFuture<Void>> all = new ArrayList<>();
      for (int i = 1; i <= 5000; i++) {
        all.add(log.commit(List.of(enqueued("jobs", i, "", 100))));
      }
      CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
    }
    assertThat(commits.get()).as("group commits for 5000 records").isLessThan(2500);
    try (SegmentLog log = open(1 << 24)) {
      assertThat(recovered.get(0).messages().get("jobs")).hasSize(5000);
    }
  }

  @Test
  void aTornTailIsTruncatedAndEverythingBeforeItSurvives() throws Exception {
    try (SegmentLog log = open(1 << 20)) {
      for (int i = 1; i <= 5; i++) {
        log.commit(List.of(enqueued("jobs", i, "", 64))).get(5, TimeUnit.SECONDS);
      }
    }
    Path segment = lastSegment();
    long goodSize = Files.size(segment);
    byte[] record = enqueued("jobs", 6, "", 64).toByteArray();
    try (FileChannel channel = FileChannel.open(segment, StandardOpenOption.APPEND)) {
      // A crash in the middle of writing record 6: its header and half its bytes.
      ByteBuffer torn = ByteBuffer.allocate(8 + record.length / 2);
      torn.putInt(record.length).putInt(12345).put(record, 0, record.length / 2).flip();
      channel.write(torn);
    }
    try (SegmentLog log = open(1 << 20)) {
      assertThat(recovered.get(0).messages().get("jobs")).hasSize(5);
      assertThat(Files.size(segment)).isEqualTo(goodSize);
      log.commit(List.of(enqueued("jobs", 6, "", 64))).get(5, TimeUnit.SECONDS);
    }
    try (SegmentLog log = open(1 << 20)) {
      assertThat(recovered.get(0).messages().get("jobs")).hasSize(6);
    }
  }

  @Test
  void aChecksumMismatchAtTheEndIsATornWrite() throws Exception {
    try (SegmentLog log = open(1 << 20)) {
      for (int i = 1; i <= 3; i++) {
        log.commit(List.of(enqueued("jobs", i, "", 64))).get(5, TimeUnit.SECONDS);
      }
    }
    Path segment = lastSegment();
    flipLastByte(segment);
    try (SegmentLog log = open(1 << 20)) {
      assertThat(recovered.get(0).messages().get("jobs"))
          .extracting(Enqueued::getSeq)
          .containsExactly(1L, 2L);
    }
  }

  @Test
  void corruptionBeforeTheLastSegmentFailsTheStartWithFileAndOffset() throws Exception {
    try (SegmentLog log = open(1024)) {
      for (int i = 1; i <= 40; i++) {
        log.commit(List.of(enqueued("jobs", i, "", 200))).get(5, TimeUnit.SECONDS);
      }
    }
    Path first = segments().get(0);
    flipLastByte(first);
    assertThatThrownBy(() -> open(1024))
        .isInstanceOf(IOException.class)
        .hasMessageContaining(first.getFileName().toString())
        .hasMessageContaining("at offset")
        .hasMessageContaining("checksum");
  }

  @Test
  void segmentsWhoseMessagesAreAllGoneAreDeleted() throws Exception {
    try (SegmentLog log = open(4096)) {
      for (int i = 1; i <= 100; i++) {
        log.commit(List.of(enqueued("jobs", i, "", 200))).get(5, TimeUnit.SECONDS);
      }
      assertThat(segments().size()).isGreaterThan(3);
      for (int i = 1; i <= 100; i++) {
        log.commit(List.of(removed("jobs", i))).get(5, TimeUnit.SECONDS);
      }
      assertThat(segments()).hasSizeLessThanOrEqualTo(2);
    }
    try (SegmentLog log = open(4096)) {
      assertThat(recovered.get(0).messages()).isEmpty();
      assertThat(recovered.get(0).nextSeq().getOrDefault("jobs", 1L)).isLessThanOrEqualTo(101L);
    }
  }

  @Test
  void aFewLongLivedMessagesAreCopiedForwardWithRecentIds() throws Exception {
    try (SegmentLog log = open(4096)) {
      for (int i = 1; i <= 200; i++) {
        log.commit(List.of(enqueued("jobs", i, "id-" + i, 200))).get(5, TimeUnit.SECONDS);
      }
      // Everything is acknowledged except message 1, which pins the oldest segment.
      for (int i = 2; i <= 200; i++) {
        log.commit(List.of(removed("jobs", i))).get(5, TimeUnit.SECONDS);
      }
      for (int i = 201; i <= 260; i++) {
        log.commit(List.of(enqueued("jobs", i, "", 200), removed("jobs", i)))
            .get(5, TimeUnit.SECONDS);
      }
      assertThat(segments().size()).isLessThan(8);
    }
    try (SegmentLog log = open(4096)) {
      SegmentLog.Recovery recovery = recovered.get(0);
      assertThat(recovery.messages().get("jobs")).extracting(Enqueued::getSeq).containsExactly(1L);
      assertThat(recovery.ids()).extracting(IdSeen::getId).contains("id-1", "id-2", "id-200");
    }
  }

  private void flipLastByte(Path file) throws IOException {
    try (FileChannel channel =
        FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      ByteBuffer b = ByteBuffer.allocate(1);
      channel.read(b, channel.size() - 1);
      b.put(0, (byte) (b.get(0) ^ 0xff)).rewind();
      channel.write(b, channel.size() - 1);
    }
  }

  private Path lastSegment() throws IOException {
    List<Path> all = segments();
    // The newest segment is empty after a clean close; the data is in the one before it.
    for (int i = all.size() - 1; i >= 0; i--) {
      if (Files.size(all.get(i)) > 8) {
        return all.get(i);
      }
    }
    throw new AssertionError("no segment with data in " + dir);
  }

  private List<Path> segments() throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(p -> p.toString().endsWith(".log")).sorted().toList();
    }
  }
}
