package dev.switchboard.messaging;

import dev.switchboard.messaging.internal.nats.NatsTransport;
import dev.switchboard.testing.NatsServer;
import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.JetStreamSubscription;
import io.nats.client.Nats;
import io.nats.client.PullSubscribeOptions;
import io.nats.client.api.AckPolicy;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.RetentionPolicy;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.io.TempDir;

/** The pattern contract on NATS: a real nats-server with JetStream, through jnats. */
class NatsContractIT extends MessagingContract {
  private static final Duration HEARTBEAT = Duration.ofMillis(300);

  @TempDir Path temp;
  private @Nullable NatsServer server;

  @Override
  void startServer() throws Exception {
    server = NatsServer.start(temp.resolve("nats"));
  }

  @Override
  void stopServer() throws Exception {
    if (server != null) {
      server.close();
    }
  }

  @Override
  void restartServer() throws Exception {
    nats().restart();
  }

  private NatsServer nats() {
    if (server == null) {
      throw new IllegalStateException("nats-server not started");
    }
    return server;
  }

  @Override
  Messaging connect(String name) {
    return Messaging.builder(nats().url()).name(name).heartbeat(HEARTBEAT).build();
  }

  @Override
  Duration heartbeat() {
    return HEARTBEAT;
  }

  /** A jnats client that takes messages from the queue's durable consumer and never acks. */
  @Override
  FrozenPeer frozenConsumer(String queue, int take) throws Exception {
    Connection connection = Nats.connect(nats().url());
    JetStreamManagement management = connection.jetStreamManagement();
    String stream = NatsTransport.streamName(queue);
    try {
      management.addStream(
          StreamConfiguration.builder()
              .name(stream)
              .subjects("sbq." + queue)
              .retentionPolicy(RetentionPolicy.WorkQueue)
              .storageType(StorageType.File)
              .build());
    } catch (JetStreamApiException exists) {
      // created by the producer already
    }
    management.addOrUpdateConsumer(
        stream,
        ConsumerConfiguration.builder()
            .durable(NatsTransport.WORKERS)
            .ackPolicy(AckPolicy.Explicit)
            .ackWait(HEARTBEAT.multipliedBy(3))
            .maxDeliver(-1)
            .maxAckPending(100_000)
            .build());
    JetStreamSubscription subscription =
        connection
            .jetStream()
            .subscribe(null, PullSubscribeOptions.bind(stream, NatsTransport.WORKERS));
    AtomicInteger received = new AtomicInteger();
    long[] last = {System.nanoTime()};
    while (received.get() < take) {
      int got = subscription.fetch(take - received.get(), Duration.ofSeconds(5)).size();
      received.addAndGet(got);
      last[0] = System.nanoTime();
      if (got == 0) {
        break;
      }
    }
    return new FrozenPeer() {
      @Override
      public int received() {
        return received.get();
      }

      @Override
      public long lastSentNanos() {
        return last[0];
      }

      @Override
      public void close() throws InterruptedException {
        connection.close();
      }
    };
  }

  /** A jnats responder in the group that takes requests and never answers or reports progress. */
  @Override
  FrozenPeer frozenResponder(String subject, String group)
      throws IOException, InterruptedException {
    Connection connection = Nats.connect(nats().url());
    AtomicInteger received = new AtomicInteger();
    Dispatcher dispatcher = connection.createDispatcher(message -> received.incrementAndGet());
    dispatcher.subscribe(subject, group);
    try {
      connection.flush(Duration.ofSeconds(5));
    } catch (java.util.concurrent.TimeoutException e) {
      throw new AssertionError("nats-server did not answer", e);
    }
    long since = System.nanoTime();
    return new FrozenPeer() {
      @Override
      public int received() {
        return received.get();
      }

      @Override
      public long lastSentNanos() {
        return since;
      }

      @Override
      public void close() throws InterruptedException {
        connection.close();
      }
    };
  }
}
