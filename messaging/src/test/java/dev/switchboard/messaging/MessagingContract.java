package dev.switchboard.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import dev.switchboard.testing.Await;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The semantics of the five patterns, as docs/messaging.md states them, checked against a
 * transport. Each transport's fixture extends this class, so every claim runs on each.
 */
abstract class MessagingContract {
  static final Duration WAIT = Duration.ofSeconds(10);

  private final List<AutoCloseable> closeables = new ArrayList<>();

  /** Starts the server the clients talk to. */
  abstract void startServer() throws Exception;

  /** Stops it. */
  abstract void stopServer() throws Exception;

  /** Restarts it where clients find it again (same address). */
  abstract void restartServer() throws Exception;

  /** A new client named {@code name}. */
  abstract Messaging connect(String name);

  /** The heartbeat interval clients and server use in these tests. */
  abstract Duration heartbeat();

  /**
   * A consumer on {@code queue} that takes up to {@code take} messages and then goes silent without
   * closing its connection, as a frozen process would.
   */
  abstract FrozenPeer frozenConsumer(String queue, int take) throws Exception;

  /** A responder on {@code subject} that takes requests and then goes silent. */
  abstract FrozenPeer frozenResponder(String subject, String group) throws Exception;

  /** A peer that has stopped talking. */
  interface FrozenPeer extends AutoCloseable {
    /** Messages (or requests) it received before freezing. */
    int received();

    /** When it last sent anything, from {@link System#nanoTime()}. */
    long lastSentNanos();
  }

  @BeforeEach
  void start() throws Exception {
    startServer();
  }

  @AfterEach
  void stop() throws Exception {
    Collections.reverse(closeables);
    for (AutoCloseable closeable : closeables) {
      try {
        closeable.close();
      } catch (Exception e) {
        // keep closing the rest
      }
    }
    stopServer();
  }

  Messaging client(String name) {
    Messaging messaging = connect(name);
    closeables.add(messaging);
    return messaging;
  }

  <T extends AutoCloseable> T closeLater(T closeable) {
    closeables.add(closeable);
    return closeable;
  }

  private static String uniq(String prefix) {
    return prefix + Long.toHexString(System.nanoTime());
  }

  // ---- publish/subscribe ----

  @Test
  void subscribersReceiveEveryMessageInPublisherOrderWithWildcards() throws Exception {
    Messaging publisher = client("pub");
    Messaging subscriber = client("sub");
    String root = uniq("orders");
    BlockingQueue<Message> star = new LinkedBlockingQueue<>();
    BlockingQueue<Message> tail = new LinkedBlockingQueue<>();
    BlockingQueue<Message> other = new LinkedBlockingQueue<>();
    subscriber.subscribe(root + ".*", star::add);
    subscriber.subscribe(root + ".>", tail::add);
    subscriber.subscribe(root + ".us", other::add);
    for (int i = 0; i < 500; i++) {
      publisher.publish(Message.ofText(root + ".eu", Integer.toString(i)));
    }
    publisher.publish(Message.ofText(root + ".eu.x", "deep"));
    for (int i = 0; i < 500; i++) {
      assertThat(poll(star).text()).isEqualTo(Integer.toString(i));
      assertThat(poll(tail).text()).isEqualTo(Integer.toString(i));
    }
    assertThat(poll(tail).text()).isEqualTo("deep");
    assertThat(star.poll(200, TimeUnit.MILLISECONDS)).as("'*' matches one token only").isNull();
    assertThat(other).isEmpty();
  }

  @Test
  void aMessageGoesToOneMemberOfAQueueGroup() throws Exception {
    Messaging publisher = client("pub");
    AtomicInteger a = new AtomicInteger();
    AtomicInteger b = new AtomicInteger();
    AtomicInteger plain = new AtomicInteger();
    String subject = uniq("work");
    SubscribeOptions group = SubscribeOptions.builder().queueGroup("workers").build();
    client("a").subscribe(subject, group, m -> a.incrementAndGet());
    client("b").subscribe(subject, group, m -> b.incrementAndGet());
    client("c").subscribe(subject, m -> plain.incrementAndGet());
    for (int i = 0; i < 200; i++) {
      publisher.publish(Message.ofText(subject, "x"));
    }
    Await.until("all 200 delivered", WAIT, () -> a.get() + b.get() == 200 && plain.get() == 200);
    assertThat(a.get()).isPositive();
    assertThat(b.get()).isPositive();
  }

  @Test
  void aSlowSubscriberMissesTheOldestAndIsToldHowManyWhileOthersGetEverything() throws Exception {
    Messaging publisher = client("pub");
    String subject = uniq("ticks");
    CountDownLatch release = new CountDownLatch(1);
    List<Message> slow = Collections.synchronizedList(new ArrayList<>());
    AtomicInteger fast = new AtomicInteger();
    client("slow")
        .subscribe(
            subject,
            SubscribeOptions.builder().bufferSize(10).build(),
            m -> {
              release.await();
              slow.add(m);
            });
    client("fast").subscribe(subject, m -> fast.incrementAndGet());
    int total = 5000;
    for (int i = 0; i < total; i++) {
      publisher.publish(Message.of(subject, ByteString.copyFromUtf8(Integer.toString(i))));
    }
    Await.until("the fast subscriber got all", WAIT, () -> fast.get() == total);
    release.countDown();
    Await.until(
        "the slow subscriber accounted for every message",
        WAIT,
        () -> {
          synchronized (slow) {
            return slow.size() + slow.stream().mapToLong(Message::missedBefore).sum() == total;
          }
        });
    synchronized (slow) {
      assertThat(slow.size()).isLessThan(total);
      assertThat(slow.get(slow.size() - 1).text()).isEqualTo(Integer.toString(total - 1));
      List<Integer> order = slow.stream().map(m -> Integer.parseInt(m.text())).toList();
      assertThat(order).isSorted();
    }
  }

  @Test
  void aSlowSubscriberWithTheDisconnectPolicyIsEnded() throws Exception {
    Messaging publisher = client("pub");
    String subject = uniq("ticks");
    CountDownLatch release = new CountDownLatch(1);
    Subscription subscription =
        client("slow")
            .subscribe(
                subject,
                SubscribeOptions.builder()
                    .bufferSize(5)
                    .overflow(SubscribeOptions.Overflow.DISCONNECT)
                    .build(),
                m -> release.await());
    AtomicInteger fast = new AtomicInteger();
    client("fast").subscribe(subject, m -> fast.incrementAndGet());
    for (int i = 0; i < 2000; i++) {
      publisher.publish(Message.ofText(subject, "x"));
    }
    Status status = subscription.closed().toCompletableFuture().get(10, TimeUnit.SECONDS);
    release.countDown();
    assertThat(status.getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
    Await.until("the fast subscriber got all", WAIT, () -> fast.get() == 2000);
  }

  @Test
  void aClosedSubscriptionReceivesNothingMore() throws Exception {
    Messaging publisher = client("pub");
    String subject = uniq("s");
    BlockingQueue<Message> got = new LinkedBlockingQueue<>();
    Subscription subscription = client("sub").subscribe(subject, got::add);
    publisher.publish(Message.ofText(subject, "1"));
    assertThat(poll(got).text()).isEqualTo("1");
    subscription.close();
    assertThat(subscription.closed().toCompletableFuture().get()).isEqualTo(Status.OK);
    publisher.publish(Message.ofText(subject, "2"));
    publisher.flush(WAIT);
    assertThat(got.poll(300, TimeUnit.MILLISECONDS)).isNull();
  }

  // ---- request/response ----

  @Test
  void aRequestGetsTheResponderAnswer() {
    String subject = uniq("prices");
    client("responder")
        .respond(subject, "pricing", request -> ByteString.copyFromUtf8("42:" + request.text()));
    Message reply =
        client("asker").request(Message.ofText(subject, "sku"), RequestOptions.defaults());
    assertThat(reply.text()).isEqualTo("42:sku");
  }

  @Test
  void aRequestWithoutResponderFailsFastWithUnavailable() {
    Messaging asker = client("asker");
    long start = System.nanoTime();
    assertThatThrownBy(
            () -> asker.request(Message.ofText(uniq("nobody"), "x"), RequestOptions.defaults()))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE));
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
  }

  @Test
  void aResponderFailureReachesTheRequesterAsItsStatus() {
    String subject = uniq("strict");
    client("responder")
        .respond(
            subject,
            "g",
            request -> {
              throw Status.INVALID_ARGUMENT.withDescription("sku unknown").asException();
            });
    assertThatThrownBy(
            () -> client("asker").request(Message.ofText(subject, "x"), RequestOptions.defaults()))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
              assertThat(e.getStatus().getDescription()).isEqualTo("sku unknown");
            });
  }

  @Test
  void aSlowResponderMakesTheRequestMissItsDeadline() {
    String subject = uniq("slow");
    CountDownLatch release = closeLater(new Latch()).latch;
    client("responder")
        .respond(
            subject,
            "g",
            request -> {
              release.await();
              return ByteString.EMPTY;
            });
    assertThatThrownBy(
            () ->
                client("asker")
                    .request(
                        Message.ofText(subject, "x"),
                        RequestOptions.deadline(Duration.ofMillis(300))))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED));
  }

  @Test
  void anIdempotentRequestMovesToAnotherResponderWhenItsResponderDies() throws Exception {
    String subject = uniq("idem");
    // Clients first: the frozen peer's silence counts from its start.
    Messaging asker = client("asker");
    Messaging alive = client("alive");
    FrozenPeer frozen = closeLater(frozenResponder(subject, "g"));
    CompletableFuture<Message> reply =
        asker.requestAsync(
            Message.ofText(subject, "x"), RequestOptions.deadline(WAIT).idempotent());
    Await.until("the frozen responder took the request", WAIT, () -> frozen.received() == 1);
    alive.respond(subject, "g", request -> ByteString.copyFromUtf8("from alive"));
    assertThat(reply.get(WAIT.toMillis(), TimeUnit.MILLISECONDS).text()).isEqualTo("from alive");
  }

  @Test
  void aNonIdempotentRequestFailsWithUnavailableWhenItsResponderDies() throws Exception {
    String subject = uniq("once");
    // Clients first: the frozen peer's silence counts from its start.
    Messaging asker = client("asker");
    Messaging alive = client("alive");
    FrozenPeer frozen = closeLater(frozenResponder(subject, "g"));
    CompletableFuture<Message> reply =
        asker.requestAsync(Message.ofText(subject, "x"), RequestOptions.deadline(WAIT));
    Await.until("the frozen responder took the request", WAIT, () -> frozen.received() == 1);
    alive.respond(subject, "g", request -> ByteString.copyFromUtf8("from alive"));
    assertThatThrownBy(() -> reply.get(WAIT.toMillis(), TimeUnit.MILLISECONDS))
        .isInstanceOf(ExecutionException.class)
        .cause()
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE));
  }

  // ---- work queues ----

  @Test
  void eachQueuedMessageGoesToExactlyOneConsumer() throws Exception {
    String queue = uniq("jobs");
    Set<String> seenA = ConcurrentHashMap.newKeySet();
    Set<String> seenB = ConcurrentHashMap.newKeySet();
    client("a")
        .consume(
            queue,
            ConsumerOptions.defaults(),
            d -> {
              seenA.add(d.message().text());
              d.ack();
            });
    client("b")
        .consume(
            queue,
            ConsumerOptions.defaults(),
            d -> {
              seenB.add(d.message().text());
              d.ack();
            });
    Messaging producer = client("producer");
    List<CompletableFuture<Void>> pushes = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      pushes.add(producer.push(Message.ofText(queue, "job-" + i)));
    }
    CompletableFuture.allOf(pushes.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
    Await.until("all 300 consumed", WAIT, () -> seenA.size() + seenB.size() == 300);
    Set<String> overlap = new HashSet<>(seenA);
    overlap.retainAll(seenB);
    assertThat(overlap).isEmpty();
    assertThat(seenA).isNotEmpty();
    assertThat(seenB).isNotEmpty();
  }

  @Test
  void aNackedMessageComesBackWithItsDeliveryCount() throws Exception {
    String queue = uniq("jobs");
    BlockingQueue<Integer> counts = new LinkedBlockingQueue<>();
    client("c")
        .consume(
            queue,
            ConsumerOptions.defaults(),
            d -> {
              counts.add(d.deliveryCount());
              if (d.deliveryCount() == 1) {
                d.nack();
              } else {
                d.ack();
              }
            });
    client("p").push(Message.ofText(queue, "x")).get(10, TimeUnit.SECONDS);
    assertThat(counts.poll(10, TimeUnit.SECONDS)).isEqualTo(1);
    assertThat(counts.poll(10, TimeUnit.SECONDS)).isEqualTo(2);
    assertThat(counts.poll(300, TimeUnit.MILLISECONDS)).isNull();
  }

  @Test
  void anUnacknowledgedMessageIsRedeliveredAfterTheAckTimeout() throws Exception {
    String queue = uniq("jobs");
    BlockingQueue<Long> deliveredAt = new LinkedBlockingQueue<>();
    client("c")
        .consume(
            queue,
            ConsumerOptions.builder().ackTimeout(Duration.ofMillis(500)).build(),
            d -> {
              deliveredAt.add(System.nanoTime());
              if (d.deliveryCount() > 1) {
                d.ack();
              }
            });
    client("p").push(Message.ofText(queue, "x")).get(10, TimeUnit.SECONDS);
    long first = deliveredAt.poll(10, TimeUnit.SECONDS);
    long second = deliveredAt.poll(10, TimeUnit.SECONDS);
    assertThat(Duration.ofNanos(second - first)).isGreaterThanOrEqualTo(Duration.ofMillis(400));
  }

  @Test
  void afterTheMaximumDeliveriesAMessageMovesToTheDeadLetterQueue() throws Exception {
    String queue = uniq("jobs");
    AtomicInteger attempts = new AtomicInteger();
    client("c")
        .consume(
            queue,
            ConsumerOptions.builder().maxDeliveries(3).build(),
            d -> {
              attempts.incrementAndGet();
              d.nack();
            });
    BlockingQueue<Delivery> dead = new LinkedBlockingQueue<>();
    client("janitor")
        .consume(
            queue + ".dlq",
            ConsumerOptions.defaults(),
            d -> {
              dead.add(d);
              d.ack();
            });
    client("p").push(Message.ofText(queue, "poison")).get(10, TimeUnit.SECONDS);
    Delivery letter = dead.poll(10, TimeUnit.SECONDS);
    assertThat(letter).isNotNull();
    assertThat(letter.message().text()).isEqualTo("poison");
    assertThat(attempts).hasValue(3);
  }

  @Test
  void aRepeatedIdWithinTheWindowIsStoredOnce() throws Exception {
    String queue = uniq("jobs");
    Messaging producer = client("p");
    for (int i = 0; i < 3; i++) {
      producer
          .push(Message.builder(queue).data(ByteString.copyFromUtf8("once")).id("order-7").build())
          .get(10, TimeUnit.SECONDS);
    }
    producer
        .push(Message.builder(queue).data(ByteString.copyFromUtf8("other")).id("order-8").build())
        .get(10, TimeUnit.SECONDS);
    BlockingQueue<String> got = new LinkedBlockingQueue<>();
    client("c")
        .consume(
            queue,
            ConsumerOptions.defaults(),
            d -> {
              got.add(d.message().text() + "/" + d.message().id().orElse(""));
              d.ack();
            });
    assertThat(got.poll(10, TimeUnit.SECONDS)).isEqualTo("once/order-7");
    assertThat(got.poll(10, TimeUnit.SECONDS)).isEqualTo("other/order-8");
    assertThat(got.poll(300, TimeUnit.MILLISECONDS)).isNull();
  }

  @Test
  void aConsumerHoldsNoMoreThanItsInFlightLimit() throws Exception {
    String queue = uniq("jobs");
    Messaging producer = client("p");
    for (int i = 0; i < 10; i++) {
      producer.push(Message.ofText(queue, "j" + i)).get(10, TimeUnit.SECONDS);
    }
    List<Delivery> held = Collections.synchronizedList(new ArrayList<>());
    client("c").consume(queue, ConsumerOptions.builder().maxInFlight(3).build(), held::add);
    Await.until("3 in flight", WAIT, () -> held.size() == 3);
    Thread.sleep(200);
    assertThat(held).hasSize(3);
    held.get(0).ack();
    Await.until("a fourth after one ack", WAIT, () -> held.size() == 4);
  }

  @Test
  void theWorkOfADeadConsumerGoesToAnotherWithinThreeIntervalsPlusOne() throws Exception {
    String queue = uniq("jobs");
    Messaging producer = client("p");
    for (int i = 0; i < 3; i++) {
      producer.push(Message.ofText(queue, "j" + i)).get(10, TimeUnit.SECONDS);
    }
    Messaging alive = client("alive");
    FrozenPeer frozen = closeLater(frozenConsumer(queue, 3));
    Await.until("the frozen consumer took 3", WAIT, () -> frozen.received() == 3);
    BlockingQueue<Long> redelivered = new LinkedBlockingQueue<>();
    alive.consume(
        queue,
        ConsumerOptions.defaults(),
        d -> {
          redelivered.add(System.nanoTime());
          d.ack();
        });
    for (int i = 0; i < 3; i++) {
      Long at = redelivered.poll(10, TimeUnit.SECONDS);
      assertThat(at).as("redelivery " + i).isNotNull();
      Duration after = Duration.ofNanos(at - frozen.lastSentNanos());
      assertThat(after).isLessThanOrEqualTo(heartbeat().multipliedBy(4).plusMillis(250));
    }
  }

  // ---- broadcast ----

  @Test
  void aBroadcastReportsWhoAcknowledgedAndWhoDidNot() throws Exception {
    String group = uniq("fleet");
    CountDownLatch never = closeLater(new Latch()).latch;
    client("ok-member").join(group, m -> {});
    client("failing-member")
        .join(
            group,
            m -> {
              throw new IllegalStateException("disk full");
            });
    client("stuck-member").join(group, m -> never.await());
    BroadcastReport report =
        client("sender")
            .broadcast(Message.ofText(group, "reload"), Duration.ofMillis(800))
            .get(10, TimeUnit.SECONDS);
    assertThat(report.acknowledged()).containsExactly("ok-member");
    assertThat(report.notAcknowledged())
        .containsExactlyInAnyOrder("failing-member", "stuck-member");
  }

  @Test
  void aBroadcastToAnEmptyGroupReportsNobody() throws Exception {
    BroadcastReport report =
        client("sender")
            .broadcast(Message.ofText(uniq("empty"), "x"), Duration.ofSeconds(1))
            .get(10, TimeUnit.SECONDS);
    assertThat(report.acknowledged()).isEmpty();
    assertThat(report.notAcknowledged()).isEmpty();
  }

  // ---- notification ----

  @Test
  void notificationsReachANamedPeerFireAndForgetOrAcknowledged() throws Exception {
    String name = uniq("peer");
    BlockingQueue<Message> got = new LinkedBlockingQueue<>();
    client(name).listen(got::add);
    Messaging sender = client("sender");
    sender
        .notify(Message.ofText(name, "one"), NotifyOptions.fireAndForget())
        .get(10, TimeUnit.SECONDS);
    sender
        .notify(Message.ofText(name, "two"), NotifyOptions.acknowledged())
        .get(10, TimeUnit.SECONDS);
    assertThat(poll(got).text()).isEqualTo("one");
    Message two = poll(got);
    assertThat(two.text()).isEqualTo("two");
    assertThat(two.sender()).contains("sender");
  }

  @Test
  void anAcknowledgedNotificationFailsWhenThePeerHandlerFails() {
    String name = uniq("peer");
    client(name)
        .listen(
            m -> {
              throw new IllegalArgumentException("no thanks");
            });
    assertThatThrownBy(
            () ->
                client("sender")
                    .notify(Message.ofText(name, "x"), NotifyOptions.acknowledged())
                    .get(10, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .cause()
        .isInstanceOf(StatusRuntimeException.class);
  }

  @Test
  void aNotificationToAnOfflinePeerFailsFast() {
    Messaging sender = client("sender");
    assertThatThrownBy(
            () ->
                sender
                    .notify(Message.ofText(uniq("ghost"), "x"), NotifyOptions.acknowledged())
                    .get(5, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .cause()
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE));
  }

  @Test
  void aHeldNotificationReachesThePeerWhenItComesOnlineWithinItsTtl() throws Exception {
    String name = uniq("late");
    Messaging sender = client("sender");
    CompletableFuture<Void> acknowledged =
        sender.notify(
            Message.ofText(name, "welcome back"), NotifyOptions.acknowledged().holdFor(WAIT));
    BlockingQueue<Message> got = new LinkedBlockingQueue<>();
    client(name).listen(got::add);
    assertThat(poll(got).text()).isEqualTo("welcome back");
    acknowledged.get(10, TimeUnit.SECONDS);
  }

  @Test
  void aHeldNotificationExpiresAfterItsTtl() {
    Messaging sender = client("sender");
    CompletableFuture<Void> acknowledged =
        sender.notify(
            Message.ofText(uniq("never"), "x"),
            NotifyOptions.acknowledged().holdFor(Duration.ofMillis(300)));
    assertThatThrownBy(() -> acknowledged.get(10, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .cause()
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED));
  }

  // ---- reconnects ----

  @Test
  void afterTheServerRestartsClientsGetTheirSubscriptionsBackByThemselves() throws Exception {
    String subject = uniq("after");
    BlockingQueue<Message> got = new LinkedBlockingQueue<>();
    client("sub").subscribe(subject, got::add);
    Messaging publisher = client("pub");
    publisher.publish(Message.ofText(subject, "before"));
    assertThat(poll(got).text()).isEqualTo("before");
    restartServer();
    AtomicLong sent = new AtomicLong();
    Await.until(
        "a message published after the restart arrives",
        Duration.ofSeconds(20),
        () -> {
          try {
            publisher.publish(Message.ofText(subject, "after-" + sent.incrementAndGet()));
          } catch (StatusRuntimeException e) {
            return false;
          }
          Message m = got.poll();
          return m != null && m.text().startsWith("after-");
        });
  }

  // ---- helpers ----

  static Message poll(BlockingQueue<Message> queue) throws InterruptedException {
    Message message = queue.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    assertThat(message).as("a message within " + WAIT).isNotNull();
    return message;
  }

  /** A latch released when the test ends, so blocked handlers let their clients close. */
  static final class Latch implements AutoCloseable {
    final CountDownLatch latch = new CountDownLatch(1);

    @Override
    public void close() {
      latch.countDown();
    }
  }
}
