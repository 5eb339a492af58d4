package dev.switchboard.benchmarks.messaging;

import dev.switchboard.messaging.ConsumerOptions;
import dev.switchboard.messaging.Messaging;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A consumer that takes work and never acknowledges it, printing {@code holding N} each time it
 * receives one; the detection benchmark freezes it with SIGSTOP and times how long its work takes
 * to reach another consumer.
 *
 * <p>Usage: {@code DetectionPeer ADDRESS QUEUE HEARTBEAT_MILLIS}
 */
public final class DetectionPeer {
  private DetectionPeer() {}

  public static void main(String[] args) throws Exception {
    Messaging.Builder builder =
        Messaging.builder(args[0])
            .name("frozen-holder")
            .heartbeat(Duration.ofMillis(Long.parseLong(args[2])));
    if (!args[0].startsWith("nats://")) {
      builder.plaintext();
    }
    Messaging messaging = builder.build();
    AtomicInteger held = new AtomicInteger();
    messaging.consume(
        args[1],
        ConsumerOptions.builder().maxInFlight(10_000).ackTimeout(Duration.ofHours(1)).build(),
        delivery -> {
          System.out.println("holding " + held.incrementAndGet());
          System.out.flush();
        });
    new CountDownLatch(1).await();
  }
}
