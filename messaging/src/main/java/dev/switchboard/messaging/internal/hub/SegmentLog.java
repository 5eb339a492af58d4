package dev.switchboard.messaging.internal.hub;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.switchboard.messaging.internal.proto.Enqueued;
import dev.switchboard.messaging.internal.proto.IdSeen;
import dev.switchboard.messaging.internal.proto.StoredRecord;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The hub's durable queue storage: an append-only log of {@link StoredRecord}s in numbered segment
 * files, with group commit.
 *
 * <p><b>Format.</b> Each segment starts with the 8 bytes {@code SBQLOG01}; each record is its
 * length (4 bytes, big-endian), the CRC32C of its bytes (4 bytes), then the bytes.
 *
 * <p><b>Group commit.</b> One writer thread takes every record queued since its last write, writes
 * them with one {@code write} and makes them durable with one {@code fsync}, then completes their
 * futures. While it waits for the disk, new records queue up and go together in the next round, so
 * the number of fsyncs per second stays near the disk's limit however many producers push.
 *
 * <p><b>Recovery.</b> {@link #open} replays every segment in order. A record cut short or failing
 * its checksum at the end of the last segment is a write torn by a crash: the segment is truncated
 * there (no acknowledged record can be in it, since acknowledgement waits for the fsync). The same
 * anywhere else is corruption and fails the start with the file and offset.
 *
 * <p><b>Compaction.</b> A new segment starts every {@code segmentBytes}. The oldest segment is
 * deleted once none of its messages is still queued; when only a tenth of its messages are, they
 * are copied forward into the current segment first (with the ids still inside the dedup window),
 * then it is deleted. Only the oldest segment goes, so a removal record is never deleted before the
 * message it removes.
 */
final class SegmentLog implements QueueStore {
  private static final Logger log = LoggerFactory.getLogger(SegmentLog.class);
  private static final byte[] MAGIC = "SBQLOG01".getBytes(StandardCharsets.US_ASCII);
  private static final int MAX_RECORD = 64 * 1024 * 1024;
  private static final String SUFFIX = ".log";

  /** What the log held when it was opened. */
  record Recovery(
      Map<String, List<Enqueued>> messages, Map<String, Long> nextSeq, List<IdSeen> ids) {}

  private record Append(StoredRecord record, @Nullable CompletableFuture<Void> done) {}

  private static final class Segment {
    final long number;
    final Path path;
    long bytes;
    int enqueued;
    int live;

    Segment(long number, Path path) {
      this.number = number;
      this.path = path;
    }
  }

  private final Path directory;
  private final long segmentBytes;
  private final Duration dedupWindow;
  private final Clock clock;
  private final LinkedBlockingQueue<Append> queue = new LinkedBlockingQueue<>();
  private final ArrayDeque<Segment> segments = new ArrayDeque<>();

  /** Which segment holds each queued message: key {@code queue + '\0' + seq}. */
  private final Map<String, Segment> liveIn = new HashMap<>();

  private final Thread writer;
  private final Consumer<CommitStats> stats;
  private FileChannel channel;
  private Segment active;
  private volatile boolean closing;
  private volatile @Nullable IOException failure;

  /** One group commit: how many records, and how long the write and fsync took. */
  record CommitStats(int records, long nanos) {}

  private SegmentLog(
      Path directory,
      long segmentBytes,
      Duration dedupWindow,
      Clock clock,
      Consumer<CommitStats> stats,
      long nextSegment)
      throws IOException {
    this.directory = directory;
    this.segmentBytes = segmentBytes;
    this.dedupWindow = dedupWindow;
    this.clock = clock;
    this.stats = stats;
    this.active = new Segment(nextSegment, segmentPath(directory, nextSegment));
    this.channel = create(active);
    segments.add(active);
    this.writer = new Thread(this::run, "sb-hub-log");
    writer.setDaemon(true);
  }

  /**
   * Opens (creating if needed) the log in {@code directory}, replays it into {@code recovery} and
   * starts the writer.
   *
   * @throws IOException if the directory cannot be used or a segment other than the last is corrupt
   */
  static SegmentLog open(
      Path directory,
      long segmentBytes,
      Duration dedupWindow,
      Clock clock,
      Consumer<CommitStats> stats,
      Consumer<Recovery> recovery)
      throws IOException {
    Files.createDirectories(directory);
    List<Path> files;
    try (Stream<Path> listing = Files.list(directory)) {
      files =
          listing
              .filter(p -> p.getFileName().toString().endsWith(SUFFIX))
              .sorted(Comparator.comparing(p -> p.getFileName().toString()))
              .toList();
    }
    // Segments with no record (a header at most) hold nothing: a clean start made them, or a
    // crash came before their first write. Drop them, so the torn-tail rule below applies to the
    // segment that was really being written.
    List<Path> withData = new ArrayList<>();
    for (Path file : files) {
      segmentNumber(file);
      if (Files.size(file) <= MAGIC.length) {
        Files.delete(file);
      } else {
        withData.add(file);
      }
    }
    Replay replay = new Replay();
    List<Segment> old = new ArrayList<>();
    for (int i = 0; i < withData.size(); i++) {
      Path file = withData.get(i);
      Segment segment = new Segment(segmentNumber(file), file);
      replay.read(segment, i == withData.size() - 1);
      old.add(segment);
    }
    long next = files.isEmpty() ? 1 : segmentNumber(files.get(files.size() - 1)) + 1;
    SegmentLog store = new SegmentLog(directory, segmentBytes, dedupWindow, clock, stats, next);
    store.segments.clear();
    store.segments.addAll(old);
    store.segments.add(store.active);
    store.liveIn.putAll(replay.liveIn);
    for (Segment segment : old) {
      segment.live = 0;
    }
    for (Segment segment : replay.liveIn.values()) {
      segment.live++;
    }
    recovery.accept(replay.recovery());
    if (!old.isEmpty()) {
      log.info(
          "queue log in {}: {} segments replayed, {} messages queued",
          directory,
          old.size(),
          replay.liveIn.size());
    }
    store.writer.start();
    return store;
  }

  private static long segmentNumber(Path file) throws IOException {
    String name = file.getFileName().toString();
    try {
      return Long.parseLong(name.substring(0, name.length() - SUFFIX.length()));
    } catch (NumberFormatException e) {
      throw new IOException(file + ": not a queue log segment name (expected digits.log)");
    }
  }

  private static Path segmentPath(Path directory, long number) {
    return directory.resolve(String.format("%020d%s", number, SUFFIX));
  }

  private static FileChannel create(Segment segment) throws IOException {
    FileChannel channel =
        FileChannel.open(
            segment.path,
            StandardOpenOption.CREATE_NEW,
            StandardOpenOption.WRITE,
            StandardOpenOption.READ);
    channel.write(ByteBuffer.wrap(MAGIC));
    segment.bytes = MAGIC.length;
    return channel;
  }

  /** Replays segments: which messages are queued, and the ids seen. */
  private static final class Replay {
    final Map<String, Enqueued> live = new LinkedHashMap<>();
    final Map<String, Segment> liveIn = new HashMap<>();
    final Map<String, Long> nextSeq = new HashMap<>();
    final Map<String, IdSeen> ids = new LinkedHashMap<>();

    void read(Segment segment, boolean last) throws IOException {
      try (FileChannel channel =
          FileChannel.open(segment.path, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
        long size = channel.size();
        ByteBuffer magic = ByteBuffer.allocate(MAGIC.length);
        readFully(channel, magic, 0);
        if (magic.position() < MAGIC.length || !Arrays.equals(magic.array(), MAGIC)) {
          throw new IOException(segment.path + ": not a queue log segment (bad header)");
        }
        long offset = MAGIC.length;
        ByteBuffer header = ByteBuffer.allocate(8);
        CRC32C crc = new CRC32C();
        while (offset < size) {
          String problem = null;
          header.clear();
          readFully(channel, header, offset);
          byte[] bytes = null;
          if (header.position() < 8) {
            problem = "record header cut short";
          } else {
            int length = header.getInt(0);
            int checksum = header.getInt(4);
            if (length <= 0 || length > MAX_RECORD || offset + 8 + length > size) {
              problem = "record length " + length + " does not fit";
            } else {
              ByteBuffer body = ByteBuffer.allocate(length);
              readFully(channel, body, offset + 8);
              bytes = body.array();
              crc.reset();
              crc.update(bytes);
              if ((int) crc.getValue() != checksum) {
                problem = "record checksum mismatch";
              }
            }
          }
          if (problem != null || bytes == null) {
            if (!last) {
              throw new IOException(
                  segment.path + " at offset " + offset + ": " + problem + " (corrupt queue log)");
            }
            log.warn(
                "queue log {}: {} at offset {}; truncating the torn tail ({} bytes)",
                segment.path,
                problem,
                offset,
                size - offset);
            channel.truncate(offset);
            channel.force(true);
            break;
          }
          apply(segment, StoredRecord.parseFrom(bytes), segment.path, offset);
          offset += 8 + bytes.length;
        }
        segment.bytes = offset;
      } catch (InvalidProtocolBufferException e) {
        throw new IOException(segment.path + ": unreadable record: " + e.getMessage(), e);
      }
    }

    private void apply(Segment segment, StoredRecord record, Path file, long offset) {
      switch (record.getKindCase()) {
        case ENQUEUED -> {
          Enqueued enqueued = record.getEnqueued();
          String key = key(enqueued.getQueue(), enqueued.getSeq());
          live.put(key, enqueued);
          liveIn.put(key, segment);
          segment.enqueued++;
          nextSeq.merge(enqueued.getQueue(), enqueued.getSeq() + 1, Math::max);
          if (!enqueued.getId().isEmpty()) {
            ids.put(
                enqueued.getQueue() + '\0' + enqueued.getId(),
                IdSeen.newBuilder()
                    .setQueue(enqueued.getQueue())
                    .setId(enqueued.getId())
                    .setMillis(enqueued.getEnqueuedMillis())
                    .build());
          }
        }
        case REMOVED -> {
          String key = key(record.getRemoved().getQueue(), record.getRemoved().getSeq());
          live.remove(key);
          liveIn.remove(key);
        }
        case ID_SEEN -> {
          IdSeen seen = record.getIdSeen();
          ids.put(seen.getQueue() + '\0' + seen.getId(), seen);
        }
        case KIND_NOT_SET -> log.warn("queue log {}: empty record at offset {}", file, offset);
      }
    }

    Recovery recovery() {
      Map<String, List<Enqueued>> messages = new HashMap<>();
      for (Enqueued enqueued : live.values()) {
        messages.computeIfAbsent(enqueued.getQueue(), q -> new ArrayList<>()).add(enqueued);
      }
      for (List<Enqueued> list : messages.values()) {
        list.sort(Comparator.comparingLong(Enqueued::getSeq));
      }
      return new Recovery(messages, nextSeq, new ArrayList<>(ids.values()));
    }
  }

  private static void readFully(FileChannel channel, ByteBuffer buffer, long position)
      throws IOException {
    while (buffer.hasRemaining()) {
      int n = channel.read(buffer, position + buffer.position());
      if (n < 0) {
        return;
      }
    }
  }

  static String key(String queue, long seq) {
    return queue + '\0' + seq;
  }

  @Override
  public CompletableFuture<Void> commit(List<StoredRecord> records) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    IOException failed = failure;
    if (failed != null || closing) {
      done.completeExceptionally(
          failed != null ? failed : new IOException("the queue log is closed"));
      return done;
    }
    for (int i = 0; i < records.size(); i++) {
      queue.add(new Append(records.get(i), i == records.size() - 1 ? done : null));
    }
    return done;
  }

  @Override
  public void append(StoredRecord record) {
    if (!closing && failure == null) {
      queue.add(new Append(record, null));
    }
  }

  private void run() {
    List<Append> batch = new ArrayList<>();
    ByteBuffer buffer = ByteBuffer.allocateDirect(1024 * 1024);
    CRC32C crc = new CRC32C();
    while (true) {
      batch.clear();
      try {
        Append first = queue.poll(100, TimeUnit.MILLISECONDS);
        if (first == null) {
          if (closing && queue.isEmpty()) {
            return;
          }
          continue;
        }
        batch.add(first);
        queue.drainTo(batch);
      } catch (InterruptedException e) {
        if (closing) {
          return;
        }
        continue;
      }
      long start = System.nanoTime();
      try {
        for (Append append : batch) {
          buffer = write(append.record(), buffer, crc);
          track(append.record());
        }
        flush(buffer);
        channel.force(false);
      } catch (IOException | RuntimeException e) {
        IOException error = e instanceof IOException io ? io : new IOException(e);
        failure = error;
        log.error("queue log write failed; queues are no longer durable: {}", e.toString());
        for (Append append : batch) {
          if (append.done() != null) {
            append.done().completeExceptionally(error);
          }
        }
        failRest(error);
        return;
      }
      stats.accept(new CommitStats(batch.size(), System.nanoTime() - start));
      for (Append append : batch) {
        if (append.done() != null) {
          append.done().complete(null);
        }
      }
      try {
        maintain(buffer, crc);
      } catch (IOException e) {
        log.warn("queue log compaction failed, will retry: {}", e.toString());
      }
    }
  }

  private void failRest(IOException error) {
    Append append;
    while ((append = queue.poll()) != null) {
      if (append.done() != null) {
        append.done().completeExceptionally(error);
      }
    }
  }

  private ByteBuffer write(StoredRecord record, ByteBuffer buffer, CRC32C crc) throws IOException {
    byte[] bytes = record.toByteArray();
    if (buffer.remaining() < bytes.length + 8) {
      flush(buffer);
      if (buffer.capacity() < bytes.length + 8) {
        buffer = ByteBuffer.allocateDirect(bytes.length + 8);
      }
    }
    crc.reset();
    crc.update(bytes);
    buffer.putInt(bytes.length).putInt((int) crc.getValue()).put(bytes);
    active.bytes += bytes.length + 8;
    return buffer;
  }

  private void flush(ByteBuffer buffer) throws IOException {
    buffer.flip();
    while (buffer.hasRemaining()) {
      channel.write(buffer);
    }
    buffer.clear();
  }

  private void track(StoredRecord record) {
    switch (record.getKindCase()) {
      case ENQUEUED -> {
        String key = key(record.getEnqueued().getQueue(), record.getEnqueued().getSeq());
        Segment previous = liveIn.put(key, active);
        if (previous != null) {
          previous.live--;
        }
        active.enqueued++;
        active.live++;
      }
      case REMOVED -> {
        Segment segment =
            liveIn.remove(key(record.getRemoved().getQueue(), record.getRemoved().getSeq()));
        if (segment != null) {
          segment.live--;
        }
      }
      default -> {}
    }
  }

  /** After a commit: roll to a new segment when full, and compact the oldest. */
  private void maintain(ByteBuffer buffer, CRC32C crc) throws IOException {
    if (active.bytes >= segmentBytes) {
      channel.close();
      Segment next = new Segment(active.number + 1, segmentPath(directory, active.number + 1));
      channel = create(next);
      channel.force(true);
      active = next;
      segments.add(next);
    }
    while (segments.size() > 1) {
      Segment oldest = segments.peekFirst();
      if (oldest == null || oldest == active) {
        return;
      }
      if (oldest.live > 0) {
        boolean sparse = oldest.live * 10 <= oldest.enqueued && segments.size() > 2;
        if (!sparse) {
          return;
        }
        copyForward(oldest, buffer, crc);
      }
      Files.deleteIfExists(oldest.path);
      segments.pollFirst();
      log.debug("queue log: deleted segment {}", oldest.path);
    }
  }

  /** Re-appends the oldest segment's queued messages and recent ids, durably, to the active one. */
  private void copyForward(Segment oldest, ByteBuffer buffer, CRC32C crc) throws IOException {
    long cutoff = clock.millis() - dedupWindow.toMillis();
    List<StoredRecord> copies = new ArrayList<>();
    try (FileChannel in = FileChannel.open(oldest.path, StandardOpenOption.READ)) {
      long size = in.size();
      long offset = MAGIC.length;
      ByteBuffer header = ByteBuffer.allocate(8);
      while (offset + 8 <= size) {
        header.clear();
        readFully(in, header, offset);
        int length = header.getInt(0);
        ByteBuffer body = ByteBuffer.allocate(length);
        readFully(in, body, offset + 8);
        StoredRecord record = StoredRecord.parseFrom(body.array());
        offset += 8 + length;
        if (record.hasEnqueued()) {
          Enqueued enqueued = record.getEnqueued();
          if (liveIn.get(key(enqueued.getQueue(), enqueued.getSeq())) == oldest) {
            copies.add(record);
          } else if (!enqueued.getId().isEmpty() && enqueued.getEnqueuedMillis() >= cutoff) {
            copies.add(
                StoredRecord.newBuilder()
                    .setIdSeen(
                        IdSeen.newBuilder()
                            .setQueue(enqueued.getQueue())
                            .setId(enqueued.getId())
                            .setMillis(enqueued.getEnqueuedMillis()))
                    .build());
          }
        } else if (record.hasIdSeen() && record.getIdSeen().getMillis() >= cutoff) {
          copies.add(record);
        }
      }
    }
    for (StoredRecord copy : copies) {
      buffer = write(copy, buffer, crc);
      track(copy);
    }
    flush(buffer);
    channel.force(false);
    log.debug("queue log: copied {} records forward from {}", copies.size(), oldest.path);
  }

  /** Number of segment files, for tests and metrics. */
  int segmentCount() {
    return segments.size();
  }

  @Override
  public void close() {
    // No interrupt: it would close the file channel under a write. The writer drains and stops.
    closing = true;
    try {
      writer.join(TimeUnit.SECONDS.toMillis(10));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    failRest(new IOException("the queue log is closed"));
    try {
      channel.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
