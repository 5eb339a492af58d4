package dev.switchboard.durable.internal;

import dev.switchboard.durable.OplogEntry;
import dev.switchboard.durable.Outcome;
import dev.switchboard.durable.Snapshot;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32C;

/**
 * CRC-32C over what each row stores, so that a row damaged on disk (or edited by hand) is reported
 * as damaged instead of replayed as if it were the truth. The intent part and the outcome part of
 * an entry are committed at different times and so have a checksum each.
 */
final class Checksums {
  private Checksums() {}

  static long intent(String workerId, OplogEntry e) {
    CRC32C crc = new CRC32C();
    text(crc, workerId);
    number(crc, e.sequence());
    text(crc, e.kind().name());
    text(crc, e.function());
    text(crc, e.idempotency().name());
    text(crc, e.requestHash());
    text(crc, e.request());
    String key = e.idempotencyKey();
    text(crc, key == null ? "" : key);
    number(crc, e.startedAt().toEpochMilli());
    return crc.getValue();
  }

  static long outcome(String workerId, long sequence, Outcome outcome, long completedAtMillis) {
    CRC32C crc = new CRC32C();
    text(crc, workerId);
    number(crc, sequence);
    text(crc, outcome.isOk() ? "ok" : "error");
    bytes(crc, outcome.value());
    number(crc, completedAtMillis);
    return crc.getValue();
  }

  static long snapshot(String workerId, Snapshot s) {
    CRC32C crc = new CRC32C();
    text(crc, workerId);
    number(crc, s.sequence());
    bytes(crc, s.state());
    number(crc, s.createdAt().toEpochMilli());
    return crc.getValue();
  }

  private static void text(CRC32C crc, String s) {
    bytes(crc, s.getBytes(StandardCharsets.UTF_8));
  }

  private static void bytes(CRC32C crc, byte[] b) {
    number(crc, b.length);
    crc.update(b);
  }

  private static void number(CRC32C crc, long n) {
    crc.update(ByteBuffer.allocate(Long.BYTES).putLong(n).array());
  }
}
