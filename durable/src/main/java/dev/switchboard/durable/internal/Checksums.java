package dev.switchboard.durable.internal;

import dev.switchboard.durable.OplogEntry;
import dev.switchboard.durable.Outcome;
import dev.switchboard.durable.Snapshot;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32C;

/**
 * CRC-32C over what each row stores, so that a row damaged on disk (or edited by hand) is reported
 * as damaged instead of replayed as if it were the truth. The intent part and the outcome part of
 * an entry are committed at different times and so have a checksum each.
 *
 * <p>Each field counts with its length first, text as its UTF-8 bytes, so a loaded row can be
 * checked on the bytes the database returned, without encoding them again.
 */
final class Checksums {
  private final CRC32C crc = new CRC32C();
  private final byte[] number = new byte[Long.BYTES];

  private Checksums() {}

  /** A checksum to feed field by field, for the columns of a loaded row. */
  static Checksums start() {
    return new Checksums();
  }

  static long intent(String workerId, OplogEntry e) {
    String key = e.idempotencyKey();
    return start()
        .text(workerId)
        .number(e.sequence())
        .text(e.kind().name())
        .text(e.function())
        .text(e.idempotency().name())
        .text(e.requestHash())
        .text(e.request())
        .text(key == null ? "" : key)
        .number(e.startedAt().toEpochMilli())
        .value();
  }

  static long outcome(String workerId, long sequence, Outcome outcome, long completedAtMillis) {
    return start()
        .text(workerId)
        .number(sequence)
        .text(outcome.isOk() ? "ok" : "error")
        .bytes(outcome.value())
        .number(completedAtMillis)
        .value();
  }

  static long snapshot(String workerId, Snapshot s) {
    return start()
        .text(workerId)
        .number(s.sequence())
        .bytes(s.state())
        .number(s.createdAt().toEpochMilli())
        .value();
  }

  Checksums text(String s) {
    return bytes(s.getBytes(StandardCharsets.UTF_8));
  }

  /** Text as its UTF-8 bytes; the same as {@link #text} of the decoded string. */
  Checksums bytes(byte[] b) {
    number(b.length);
    crc.update(b);
    return this;
  }

  Checksums number(long n) {
    for (int i = Long.BYTES - 1; i >= 0; i--) {
      number[i] = (byte) n;
      n >>>= 8;
    }
    crc.update(number);
    return this;
  }

  long value() {
    return crc.getValue();
  }
}
