package dev.switchboard.messaging.internal.hub;

import dev.switchboard.messaging.internal.proto.StoredRecord;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** Where work queues keep their messages: a {@link SegmentLog} on disk, or nowhere (memory). */
interface QueueStore extends AutoCloseable {

  /** Appends records; the future completes once they would survive {@code kill -9}. */
  CompletableFuture<Void> commit(List<StoredRecord> records);

  /** Appends a record nobody waits for; it becomes durable with a later commit. */
  void append(StoredRecord record);

  @Override
  void close();

  /** The store of a hub without a data directory: queues live in memory only. */
  static QueueStore inMemory() {
    return new QueueStore() {
      private final CompletableFuture<Void> done = CompletableFuture.completedFuture(null);

      @Override
      public CompletableFuture<Void> commit(List<StoredRecord> records) {
        return done;
      }

      @Override
      public void append(StoredRecord record) {}

      @Override
      public void close() {}
    };
  }
}
