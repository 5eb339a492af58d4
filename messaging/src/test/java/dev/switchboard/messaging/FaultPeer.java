package dev.switchboard.messaging;

import dev.switchboard.runtime.Target;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The processes of the fault tests, in named modes (as go-plugin's test binaries):
 *
 * <ul>
 *   <li>{@code hub TARGET DATA_DIR HEARTBEAT_MILLIS}: an embedded hub; prints {@code hub listening
 *       on HOST:PORT} when ready.
 *   <li>{@code hold ADDRESS QUEUE N HEARTBEAT_MILLIS}: consumes QUEUE and never acknowledges;
 *       prints {@code holding N} once it holds N messages.
 *   <li>{@code subscribe ADDRESS SUBJECT HEARTBEAT_MILLIS}: subscribes and counts; prints {@code
 *       subscribed}.
 * </ul>
 *
 * A test freezes these with SIGSTOP or kills them with SIGKILL.
 */
public final class FaultPeer {
  private FaultPeer() {}

  public static void main(String[] args) throws Exception {
    switch (args[0]) {
      case "hub" -> hub(args[1], Path.of(args[2]), Duration.ofMillis(Long.parseLong(args[3])));
      case "hold" ->
          hold(
              args[1],
              args[2],
              Integer.parseInt(args[3]),
              Duration.ofMillis(Long.parseLong(args[4])));
      case "subscribe" -> subscribe(args[1], args[2], Duration.ofMillis(Long.parseLong(args[3])));
      default -> throw new IllegalArgumentException("unknown mode " + args[0]);
    }
  }

  private static void hub(String target, Path data, Duration heartbeat) throws Exception {
    MessagingHub hub =
        MessagingHub.builder(target).dataDirectory(data).heartbeat(heartbeat).start();
    Target bound = hub.target();
    System.out.println("hub listening on " + bound);
    System.out.flush();
    hub.awaitTermination();
  }

  private static Messaging connect(String address, String name, Duration heartbeat) {
    Messaging.Builder builder = Messaging.builder(address).name(name).heartbeat(heartbeat);
    if (!address.startsWith("nats://")) {
      builder.plaintext();
    }
    return builder.build();
  }

  private static void hold(String address, String queue, int n, Duration heartbeat)
      throws Exception {
    Messaging messaging = connect(address, "holder", heartbeat);
    AtomicInteger held = new AtomicInteger();
    CountDownLatch forever = new CountDownLatch(1);
    messaging.consume(
        queue,
        ConsumerOptions.builder().maxInFlight(n).ackTimeout(Duration.ofMinutes(10)).build(),
        delivery -> {
          if (held.incrementAndGet() == n) {
            System.out.println("holding " + n);
            System.out.flush();
          }
        });
    forever.await();
  }

  private static void subscribe(String address, String subject, Duration heartbeat)
      throws Exception {
    Messaging messaging =
        connect(address, "subscriber-" + ProcessHandle.current().pid(), heartbeat);
    CountDownLatch forever = new CountDownLatch(1);
    messaging.subscribe(subject, message -> {});
    System.out.println("subscribed");
    System.out.flush();
    forever.await();
  }
}
