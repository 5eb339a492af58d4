package dev.switchboard.durable;

import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A worker's oplog as loaded: the snapshot it was compacted into, if any, then the entries after it
 * in sequence order. Only the last entry may be an open intent.
 */
public final class History {
  private final @Nullable Snapshot snapshot;
  private final List<OplogEntry> entries;

  public History(@Nullable Snapshot snapshot, List<OplogEntry> entries) {
    this.snapshot = snapshot;
    this.entries = List.copyOf(entries);
    long expected = snapshot == null ? 1 : snapshot.sequence() + 1;
    for (int i = 0; i < this.entries.size(); i++) {
      OplogEntry entry = this.entries.get(i);
      if (entry.sequence() != expected + i) {
        throw new IllegalArgumentException(
            "oplog entries must follow on without gaps: expected #"
                + (expected + i)
                + ", found #"
                + entry.sequence());
      }
      if (entry.isOpen() && i != this.entries.size() - 1) {
        throw new IllegalArgumentException(
            "only the last oplog entry may be an open intent, but " + entry.describe() + " is");
      }
    }
  }

  /** The snapshot the oplog was compacted into, if it was. */
  public Optional<Snapshot> snapshot() {
    return Optional.ofNullable(snapshot);
  }

  /** The entries after the snapshot, in sequence order. */
  public List<OplogEntry> entries() {
    return entries;
  }

  /** The sequence number the next new entry gets. */
  public long nextSequence() {
    if (!entries.isEmpty()) {
      return entries.get(entries.size() - 1).sequence() + 1;
    }
    return snapshot == null ? 1 : snapshot.sequence() + 1;
  }
}
