package dev.switchboard.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.switchboard.testing.Await;
import dev.switchboard.testing.NatsServer;
import dev.switchboard.testing.PeerPrograms;
import dev.switchboard.testing.TestProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Faults with real processes: a hub killed with SIGKILL in the middle of a queue, consumers and
 * subscribers frozen with SIGSTOP; against the embedded hub and against nats-server.
 */
class FaultsIT {
  private static final Duration HEARTBEAT = Duration.ofMillis(500);
  private static final int TOTAL = 100_000;
  private static final Pattern LISTENING = Pattern.compile("^hub listening on (\\S+)$");

  @TempDir Path temp;

  /** Figures the report quotes; one line per run, appended to target/fault-figures.txt. */
  private static void record(String line) throws IOException {
    Path file = Path.of("target", "fault-figures.txt");
    Files.createDirectories(file.getParent());
    Files.writeString(
        file, line + System.lineSeparator(), StandardOpenOption.CREATE, StandardOpenOption.APPEND);
  }

  private static Messaging client(String address, String name) {
    Messaging.Builder builder =
        Messaging.builder(address)
            .name(name)
            .heartbeat(HEARTBEAT)
            .connectTimeout(Duration.ofSeconds(20));
    if (!address.startsWith("nats://")) {
      builder.plaintext();
    }
    return builder.build();
  }

  /** A {@link FaultPeer} in its own JVM on this test class path. */
  private static TestProcess peer(String... args) {
    return TestProcess.builder(PeerPrograms.javaMain(FaultPeer.class.getName(), args))
        .name("FaultPeer " + args[0])
        .start();
  }

  /** Sends a POSIX signal: SIGSTOP freezes the peer as a debugger or an overloaded host would. */
  private static void signal(TestProcess process, String signal) {
    TestProcess.builder("kill", "-" + signal, Long.toString(process.pid()))
        .run(Duration.ofSeconds(10))
        .assertSuccess();
  }

  /** What a server under test can be made to do. */
  private interface Server {
    String address();

    void kill9() throws Exception;

    void restart() throws Exception;
  }

  @Test
  void killingTheHubMidQueueLosesNoAcknowledgedPushAndIdsPreventDuplicates() throws Exception {
    Path data = temp.resolve("hub-data");
    Path log = temp.resolve("hub.log");
    TestProcess[] hub = {
      peer("hub", "127.0.0.1:0", data.toString(), Long.toString(HEARTBEAT.toMillis()))
    };
    String target = hub[0].awaitLine(LISTENING, Duration.ofSeconds(30)).group(1);
    try {
      durability(
          new Server() {
            @Override
            public String address() {
              return target;
            }

            @Override
            public void kill9() throws Exception {
              hub[0].kill();
            }

            @Override
            public void restart() throws Exception {
              hub[0] = peer("hub", target, data.toString(), Long.toString(HEARTBEAT.toMillis()));
              hub[0].awaitLine(LISTENING, Duration.ofSeconds(30));
            }
          },
          "hub");
    } finally {
      hub[0].close();
    }
  }

  @Test
  void killingNatsServerMidQueue() throws Exception {
    try (NatsServer nats = NatsServer.start(temp.resolve("nats"))) {
      durability(
          new Server() {
            @Override
            public String address() {
              return nats.url();
            }

            @Override
            public void kill9() throws Exception {
              nats.kill();
            }

            @Override
            public void restart() throws Exception {
              nats.restart();
            }
          },
          "nats");
    }
  }

  /**
   * Pushes {@link #TOTAL} messages with ids while two consumers ack them; kills the server with
   * SIGKILL after a third are confirmed and restarts it on the same storage. Every confirmed push
   * must be consumed; the consumers may see again only what was in flight at the crash.
   */
  private void durability(Server server, String name) throws Exception {
    String queue = "orders";
    Map<String, AtomicInteger> received = new ConcurrentHashMap<>();
    AtomicInteger deliveries = new AtomicInteger();
    int maxInFlight = 64;
    List<Messaging> clients = new ArrayList<>();
    try {
      Messaging producer = client(server.address(), "producer");
      clients.add(producer);
      for (int c = 0; c < 2; c++) {
        Messaging consumer = client(server.address(), "consumer-" + c);
        clients.add(consumer);
        consumer.consume(
            queue,
            ConsumerOptions.builder().maxInFlight(maxInFlight).build(),
            d -> {
              deliveries.incrementAndGet();
              received
                  .computeIfAbsent(d.message().id().orElse("?"), k -> new AtomicInteger())
                  .incrementAndGet();
              d.ack();
            });
      }
      Semaphore window = new Semaphore(2000);
      Set<String> confirmed = ConcurrentHashMap.newKeySet();
      AtomicInteger retried = new AtomicInteger();
      boolean killed = false;
      long start = System.nanoTime();
      for (int i = 0; i < TOTAL; i++) {
        if (!killed && confirmed.size() >= TOTAL / 3) {
          server.kill9();
          server.restart();
          killed = true;
        }
        window.acquire();
        String id = "m-" + i;
        push(producer, queue, id, window, confirmed, retried);
      }
      window.acquire(2000);
      Await.until("every push confirmed", Duration.ofSeconds(120), () -> confirmed.size() == TOTAL);
      Await.until(
          "every confirmed push consumed",
          Duration.ofSeconds(120),
          () -> received.keySet().containsAll(confirmed));
      long seconds = Duration.ofNanos(System.nanoTime() - start).toSeconds();
      int duplicates = deliveries.get() - received.size();
      record(
          name
              + ": "
              + TOTAL
              + " pushes with ids, SIGKILL after "
              + TOTAL / 3
              + " confirmed: lost 0, consumer duplicates "
              + duplicates
              + ", pushes retried by the producer "
              + retried.get()
              + ", "
              + seconds
              + " s");
      Set<String> lost = new HashSet<>(confirmed);
      lost.removeAll(received.keySet());
      assertThat(lost).as("confirmed pushes never consumed").isEmpty();
      // At-least-once: what the consumers held, or had acked without the ack reaching the disk,
      // comes again. Ids keep retried pushes from being stored twice.
      assertThat(duplicates)
          .as("duplicates beyond what was in flight at the crash")
          .isLessThanOrEqualTo(2 * maxInFlight + 4000);
    } finally {
      for (Messaging client : clients) {
        client.close();
      }
    }
  }

  /** Pushes, retrying after failures (NATS fails in-flight publishes when its server dies). */
  private static void push(
      Messaging producer,
      String queue,
      String id,
      Semaphore window,
      Set<String> confirmed,
      AtomicInteger retried) {
    var unused =
        producer
            .push(Message.builder(queue).data(ByteString.copyFromUtf8(id)).id(id).build())
            .whenComplete(
                (v, error) -> {
                  if (error == null) {
                    confirmed.add(id);
                    window.release();
                  } else {
                    retried.incrementAndGet();
                    CompletableFuture.delayedExecutor(100, TimeUnit.MILLISECONDS)
                        .execute(() -> push(producer, queue, id, window, confirmed, retried));
                  }
                });
  }

  @Test
  void aFrozenHubConsumersWorkGoesToAnotherWithinThreeIntervalsPlusOne() throws Exception {
    try (MessagingHub hub = MessagingHub.builder("127.0.0.1:0").heartbeat(HEARTBEAT).start()) {
      frozenConsumer(hub.target().toString(), "hub");
    }
  }

  @Test
  void aFrozenNatsConsumersWorkGoesToAnotherWithinThreeIntervalsPlusOne() throws Exception {
    try (NatsServer nats = NatsServer.start(temp.resolve("nats"))) {
      frozenConsumer(nats.url(), "nats");
    }
  }

  private void frozenConsumer(String address, String name) throws Exception {
    String queue = "jobs";
    int held = 5;
    try (Messaging producer = client(address, "producer");
        Messaging alive = client(address, "alive")) {
      for (int i = 0; i < held; i++) {
        producer.push(Message.ofText(queue, "j" + i)).get(20, TimeUnit.SECONDS);
      }
      try (TestProcess holder =
          peer(
              "hold",
              address,
              queue,
              Integer.toString(held),
              Long.toString(HEARTBEAT.toMillis()))) {
        holder.awaitLine(Pattern.compile("^holding " + held + "$"), Duration.ofSeconds(30));
        BlockingQueue<Long> redelivered = new LinkedBlockingQueue<>();
        alive.consume(
            queue,
            ConsumerOptions.defaults(),
            d -> {
              redelivered.add(System.nanoTime());
              d.ack();
            });
        signal(holder, "STOP");
        long frozenAt = System.nanoTime();
        long last = 0;
        for (int i = 0; i < held; i++) {
          Long at = redelivered.poll(30, TimeUnit.SECONDS);
          assertThat(at).as("redelivery " + i).isNotNull();
          last = Math.max(last, at);
        }
        signal(holder, "CONT");
        Duration took = Duration.ofNanos(last - frozenAt);
        record(
            name
                + ": SIGSTOPped consumer's "
                + held
                + " messages redelivered "
                + took.toMillis()
                + " ms after the freeze (heartbeat "
                + HEARTBEAT.toMillis()
                + " ms, bound "
                + HEARTBEAT.multipliedBy(4).toMillis()
                + " ms)");
        assertThat(took).isLessThanOrEqualTo(HEARTBEAT.multipliedBy(4));
      }
    }
  }

  @Test
  void aFrozenSubscriberSlowsNeitherThePublisherNorOtherSubscribers() throws Exception {
    try (MessagingHub hub = MessagingHub.builder("127.0.0.1:0").heartbeat(HEARTBEAT).start();
        Messaging publisher = client(hub.target().toString(), "publisher");
        Messaging fast = client(hub.target().toString(), "fast");
        TestProcess frozen =
            peer(
                "subscribe",
                hub.target().toString(),
                "ticks",
                Long.toString(HEARTBEAT.toMillis()))) {
      frozen.awaitLine(Pattern.compile("^subscribed$"), Duration.ofSeconds(30));
      AtomicInteger got = new AtomicInteger();
      int total = 50_000;
      // Room for the whole burst: the fast subscriber must get every message because the frozen
      // one holds nothing up, not because it happened to keep within the default 8,192 of the
      // publisher on a busy machine (then drop-oldest would rightly drop for it too).
      fast.subscribe(
          "ticks",
          SubscribeOptions.builder().bufferSize(total).build(),
          m -> got.incrementAndGet());
      signal(frozen, "STOP");
      ByteString payload = ByteString.copyFrom(new byte[1024]);
      for (int i = 0; i < total; i++) {
        publisher.publish(Message.of("ticks", payload));
      }
      publisher.flush(Duration.ofSeconds(30));
      Await.until("the fast subscriber got all", Duration.ofSeconds(60), () -> got.get() == total);
      signal(frozen, "CONT");
      double dropped = hub.meterRegistry().get("switchboard.hub.dropped").counter().count();
      double dead = hub.meterRegistry().get("switchboard.hub.peers.dead").counter().count();
      record(
          "hub: SIGSTOPped subscriber while 50000 x 1 KiB were published: fast subscriber got all, hub dropped "
              + (long) dropped
              + " for the frozen one, peers declared dead "
              + (long) dead);
      assertThat(dropped + dead)
          .as("the frozen subscriber was handled by the buffer policy or the dead-peer rule")
          .isPositive();
    }
  }
}
