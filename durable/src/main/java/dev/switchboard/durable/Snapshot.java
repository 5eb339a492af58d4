package dev.switchboard.durable;

import java.time.Instant;
import java.util.Arrays;

/**
 * The state a worker chose to keep when it compacted its oplog, and the sequence number it stands
 * for: the entries up to {@link #sequence()} are gone, and a replaying worker resumes from this
 * state with the call after it.
 */
public final class Snapshot {
  private final long sequence;
  private final byte[] state;
  private final Instant createdAt;

  public Snapshot(long sequence, byte[] state, Instant createdAt) {
    if (sequence < 1) {
      throw new IllegalArgumentException("a snapshot stands for at least one entry");
    }
    this.sequence = sequence;
    this.state = state.clone();
    this.createdAt = createdAt;
  }

  /** The last sequence number the snapshot replaces. */
  public long sequence() {
    return sequence;
  }

  /** The worker's state after that entry (a copy). */
  public byte[] state() {
    return state.clone();
  }

  /** When the snapshot was committed. */
  public Instant createdAt() {
    return createdAt;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Snapshot s
        && sequence == s.sequence
        && Arrays.equals(state, s.state)
        && createdAt.equals(s.createdAt);
  }

  @Override
  public int hashCode() {
    return Long.hashCode(sequence) * 31 + Arrays.hashCode(state);
  }

  @Override
  public String toString() {
    return "Snapshot{#" + sequence + ", " + state.length + " bytes, " + createdAt + "}";
  }
}
