package dev.switchboard.cli;

import com.google.protobuf.ByteString;
import dev.switchboard.messaging.BroadcastReport;
import dev.switchboard.messaging.ConsumerOptions;
import dev.switchboard.messaging.Delivery;
import dev.switchboard.messaging.Message;
import dev.switchboard.messaging.Messaging;
import dev.switchboard.messaging.NotifyOptions;
import dev.switchboard.messaging.RequestOptions;
import dev.switchboard.messaging.SubscribeOptions;
import dev.switchboard.messaging.Subscription;
import io.grpc.Status;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code sb msg}: the five messaging patterns from the command line, each verb a thin shell over
 * {@link Messaging}. Senders read the payload before they connect, so bad input exits 2 without a
 * hub; receivers print one JSON line per message ({@link MessageLines}) and say on stderr when they
 * are ready.
 */
@Command(
    name = "msg",
    mixinStandardHelpOptions = true,
    header = "Send and receive messages through the hub (sb hub) or NATS.",
    synopsisSubcommandLabel = "VERB",
    description =
        "Publish and subscribe, request and reply, push to and pull from durable work queues,"
            + " broadcast to a group and notify one peer, on the embedded hub (--hub HOST:PORT or"
            + " unix:PATH) or on NATS (--hub nats://HOST:PORT, JetStream for queues). Payloads are"
            + " raw bytes, or with --proto/--type a message's JSON, validated with protovalidate."
            + " Received messages print as one JSON object per line: subject, data, id.",
    subcommands = {
      MsgCommand.Pub.class,
      MsgCommand.Sub.class,
      MsgCommand.Request.class,
      MsgCommand.Reply.class,
      MsgCommand.Queue.class,
      MsgCommand.Broadcast.class,
      MsgCommand.Join.class,
      MsgCommand.Notify.class,
      MsgCommand.Listen.class,
    },
    footer = {
      "",
      "Examples:",
      "  sb msg sub 'orders.>' --count 1",
      "  sb msg pub orders.eu -d '{\"id\": 7}'",
      "  sb msg queue push invoices -d @invoice.json --id invoice-7",
      "  sb msg pub --hub nats://localhost:4222 orders.eu -d hello",
      "  sb msg pub orders.eu --proto shop.proto -I protos --type shop.v1.OrderPlaced \\",
      "      -d '{\"orderId\": \"o-1\", \"region\": \"eu\"}'",
    })
final class MsgCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getErr());
    return ExitCode.BAD_INPUT;
  }

  /** The flags every verb has: where to connect, the payloads' type, logging. */
  abstract static class Verb implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin HubOptions hub = new HubOptions();
    @Mixin MessageTypeOptions types = new MessageTypeOptions();
    @Mixin LogOptions log = new LogOptions();

    PrintWriter out() {
      return spec.commandLine().getOut();
    }

    /** A line on stderr saying a receiver is ready; stdout carries only messages. */
    void ready(String what) {
      PrintWriter err = spec.commandLine().getErr();
      err.println(what + " on " + hub.hub);
      err.flush();
    }

    MessageLines lines() throws Exception {
      return new MessageLines(out(), types.typed());
    }

    /**
     * Waits for {@code future}; a timeout is {@code DEADLINE_EXCEEDED} naming {@code what}, a
     * failure is the status it failed with.
     */
    static <T> T await(Future<T> future, Duration timeout, String what) throws Exception {
      try {
        return future.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
      } catch (TimeoutException e) {
        future.cancel(true);
        throw Status.DEADLINE_EXCEEDED
            .withDescription(what + " did not complete within " + timeout.toMillis() + " ms")
            .asRuntimeException();
      } catch (ExecutionException e) {
        Throwable cause = e.getCause();
        throw cause instanceof Exception failure ? failure : e;
      }
    }
  }

  /**
   * A receiving verb's handlers and its wait: counts messages up to {@code --count}, and ends the
   * wait when the count is reached or when the registration ends (the hub refused it, or the
   * connection broke for good). The handlers run on an executor of its own, so that the wait can
   * let them finish what they started: a work-queue ack, a broadcast's or notification's
   * acknowledgement and a request's answer go out as the handler returns.
   */
  static final class Receiver implements AutoCloseable {
    private final int count;
    private final AtomicInteger received = new AtomicInteger();
    private final CompletableFuture<Status> finished = new CompletableFuture<>();
    private final ExecutorService handlers =
        Executors.newCachedThreadPool(
            runnable -> {
              Thread thread = new Thread(runnable, "sb-msg-handler");
              thread.setDaemon(true);
              return thread;
            });

    Receiver(int count) {
      this.count = count;
    }

    /** Where the handlers run. */
    Executor handlers() {
      return handlers;
    }

    /** Counts one message; false when it is beyond the count (the receiver leaves it alone). */
    boolean take() {
      int n = received.incrementAndGet();
      if (count > 0 && n > count) {
        return false;
      }
      if (n == count) {
        finished.complete(Status.OK);
      }
      return true;
    }

    void watch(Subscription subscription) {
      var unused =
          subscription
              .closed()
              .whenComplete(
                  (status, error) ->
                      finished.complete(status != null ? status : Status.fromThrowable(error)));
    }

    /**
     * Blocks until the count is reached (forever with count 0) or the registration ended, then lets
     * the running handlers finish and flushes what they sent.
     *
     * @throws io.grpc.StatusRuntimeException the status the registration ended with
     */
    void await(Messaging messaging) throws Exception {
      await(messaging, null);
    }

    /** The same, giving up after {@code timeout} with {@code DEADLINE_EXCEEDED}. */
    void await(Messaging messaging, @Nullable Duration timeout) throws Exception {
      Status status;
      if (timeout == null) {
        status = finished.get();
      } else {
        try {
          status = finished.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
          throw Status.DEADLINE_EXCEEDED
              .withDescription(
                  Math.min(received.get(), count)
                      + " of "
                      + count
                      + " messages within "
                      + timeout.toMillis()
                      + " ms")
              .asRuntimeException();
        }
      }
      if (!status.isOk()) {
        throw status.asRuntimeException();
      }
      handlers.shutdown();
      if (!handlers.awaitTermination(5, TimeUnit.SECONDS)) {
        throw Status.DEADLINE_EXCEEDED
            .withDescription("the last message's handler did not finish within 5 s")
            .asRuntimeException();
      }
      messaging.flush(Duration.ofSeconds(5));
    }

    @Override
    public void close() {
      handlers.shutdownNow();
    }
  }

  @Command(
      name = "pub",
      mixinStandardHelpOptions = true,
      header = "Publish one message to a subject.",
      sortOptions = false,
      description =
          "Every live subscriber of SUBJECT gets the message (one member of each queue group)."
              + " Fire-and-forget, as NATS core: exits 0 once the hub or NATS server has taken it;"
              + " a refusal (no permission, too large) exits 1 with its status.",
      footer = {
        "",
        "Examples:",
        "  sb msg pub orders.eu -d '{\"id\": 7}'",
        "  sb msg pub orders.eu -d @order.json --hub unix:/run/sb/hub.sock",
        "  cat blob.bin | sb msg pub blobs.new -d @-",
      })
  static final class Pub extends Verb {
    @Mixin PayloadOptions payload = new PayloadOptions();

    @Parameters(index = "0", paramLabel = "SUBJECT", description = "e.g. orders.eu (no wildcards)")
    String subject = "";

    @Option(
        names = "--timeout",
        paramLabel = "DURATION",
        converter = DurationConverter.Positive.class,
        description = "How long to wait for the server to take it (default 5s).")
    Duration timeout = Duration.ofSeconds(5);

    @Override
    public Integer call() throws Exception {
      ByteString data = payload.read(types);
      try (Messaging messaging = hub.connect()) {
        messaging.publish(Message.of(subject, data));
        messaging.flush(timeout);
      }
      return ExitCode.OK;
    }
  }

  @Command(
      name = "sub",
      mixinStandardHelpOptions = true,
      header = "Print the messages published to a subject.",
      sortOptions = false,
      description =
          "Prints one JSON object per message, {\"subject\":...,\"data\":...,\"id\":...}, as each"
              + " arrives, until --count messages arrived or you stop it. Wildcards: * matches one"
              + " token, a final > one or more. Says `subscribed to SUBJECT` on stderr once every"
              + " message published from then on will arrive.",
      footer = {
        "",
        "Examples:",
        "  sb msg sub 'orders.>'",
        "  sb msg sub 'orders.*' --queue billing --count 10",
        "  sb msg sub orders.eu --proto shop.proto -I protos --type shop.v1.OrderPlaced",
      })
  static final class Sub extends Verb {
    @Parameters(index = "0", paramLabel = "SUBJECT", description = "A subject or wildcard filter.")
    String subject = "";

    @Option(
        names = "--queue",
        paramLabel = "GROUP",
        description = "Join this queue group: each message goes to one member of the group.")
    @Nullable String queue;

    @Option(
        names = "--count",
        paramLabel = "N",
        description = "Exit after N messages (default 0: until stopped).")
    int count;

    @Override
    public Integer call() throws Exception {
      MessageLines lines = lines();
      try (Receiver receiver = new Receiver(count);
          Messaging messaging = hub.connect(receiver.handlers())) {
        Subscription subscription =
            messaging.subscribe(
                subject,
                SubscribeOptions.builder().queueGroup(queue).build(),
                message -> {
                  if (receiver.take()) {
                    lines.print(message);
                  }
                });
        receiver.watch(subscription);
        ready("subscribed to " + subject);
        receiver.await(messaging);
      }
      return ExitCode.OK;
    }
  }

  @Command(
      name = "request",
      mixinStandardHelpOptions = true,
      header = "Send a request and print the reply.",
      sortOptions = false,
      description =
          "One responder of the subject's responders answers; its reply prints as one JSON line."
              + " No responder, or one that died before answering, exits 1 with UNAVAILABLE (an"
              + " --idempotent request is sent to another responder instead); no reply within"
              + " --timeout exits 1 with DEADLINE_EXCEEDED.",
      footer = {
        "",
        "Examples:",
        "  sb msg request prices.get -d sku-1",
        "  sb msg request prices.get -d '{\"sku\":\"s\"}' --proto shop.proto --type shop.v1.Quote"
            + " --reply-type shop.v1.Price",
      })
  static final class Request extends Verb {
    @Mixin PayloadOptions payload = new PayloadOptions();

    @Parameters(index = "0", paramLabel = "SUBJECT", description = "e.g. prices.get")
    String subject = "";

    @Option(
        names = "--timeout",
        paramLabel = "DURATION",
        converter = DurationConverter.Positive.class,
        description = "The request's deadline (default 10s).")
    Duration timeout = RequestOptions.DEFAULT_DEADLINE;

    @Option(
        names = "--idempotent",
        description = "Safe to run twice: retried on another responder if its responder dies.")
    boolean idempotent;

    @Option(
        names = "--reply-type",
        paramLabel = "FULL.NAME",
        description = "Print the reply as this message's JSON (from the same contract).")
    @Nullable String replyType;

    @Override
    public Integer call() throws Exception {
      ByteString data = payload.read(types);
      MessageTypeOptions.Typed replies =
          replyType == null ? null : types.typed("--reply-type", replyType);
      RequestOptions options = RequestOptions.deadline(timeout);
      try (Messaging messaging = hub.connect()) {
        Message reply =
            messaging.request(
                Message.of(subject, data), idempotent ? options.idempotent() : options);
        new MessageLines(out(), replies).print(reply);
      }
      return ExitCode.OK;
    }
  }

  @Command(
      name = "reply",
      mixinStandardHelpOptions = true,
      header = "Answer requests to a subject.",
      sortOptions = false,
      description =
          "Joins the subject's responders (one responder of a --group answers each request) and"
              + " answers every request with the request itself (--echo) or with -d. Prints each"
              + " request as a JSON line; says `responding to SUBJECT` on stderr once registered.",
      footer = {
        "",
        "Examples:",
        "  sb msg reply prices.get --echo",
        "  sb msg reply 'prices.*' -d 42 --group pricing --count 1",
      })
  static final class Reply extends Verb {
    @Mixin PayloadOptions payload = new PayloadOptions();

    @Parameters(index = "0", paramLabel = "SUBJECT", description = "A subject or wildcard filter.")
    String subject = "";

    @Option(names = "--echo", description = "Answer each request with the request's payload.")
    boolean echo;

    @Option(
        names = "--group",
        paramLabel = "GROUP",
        description = "The responder group; each request goes to one member (default sb).")
    String group = "sb";

    @Option(
        names = "--count",
        paramLabel = "N",
        description = "Exit after answering N requests (default 0: until stopped).")
    int count;

    @Override
    public Integer call() throws Exception {
      if (echo == (payload.data != null)) {
        throw new BadInputException(
            "give either --echo (answer with the request) or -d (a fixed answer)");
      }
      ByteString fixed = echo ? null : payload.read(types);
      MessageLines lines = lines();
      try (Receiver receiver = new Receiver(count);
          Messaging messaging = hub.connect(receiver.handlers())) {
        receiver.watch(
            messaging.respond(
                subject,
                group,
                request -> {
                  if (receiver.take()) {
                    lines.print(request);
                  }
                  return fixed == null ? request.data() : fixed;
                }));
        ready("responding to " + subject);
        receiver.await(messaging);
      }
      return ExitCode.OK;
    }
  }

  @Command(
      name = "queue",
      mixinStandardHelpOptions = true,
      header = "Push to and pull from durable work queues.",
      synopsisSubcommandLabel = "push|pull",
      description =
          "Each message of a queue goes to one consumer, which acknowledges it; unacknowledged"
              + " messages go to another consumer after the ack timeout or as soon as their"
              + " consumer is found dead (3 heartbeats).",
      subcommands = {MsgCommand.Push.class, MsgCommand.Pull.class},
      footer = {
        "",
        "Examples:",
        "  sb msg queue push invoices -d @invoice.json --id invoice-7",
        "  sb msg queue pull invoices --count 10",
      })
  static final class Queue implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      spec.commandLine().usage(spec.commandLine().getErr());
      return ExitCode.BAD_INPUT;
    }
  }

  @Command(
      name = "push",
      mixinStandardHelpOptions = true,
      header = "Push one message to a work queue; exit 0 once it is durable.",
      sortOptions = false,
      description =
          "Prints nothing and exits 0 only after the hub wrote the message to its data directory"
              + " (fsync) or JetStream stored it: from then on it survives kill -9 of the server."
              + " With --id, a second push of the same id within the dedup window (2 minutes) is"
              + " dropped, so a retried push is safe.",
      footer = {
        "",
        "Examples:",
        "  sb msg queue push invoices -d @invoice.json --id invoice-7",
        "  sb msg queue push jobs --hub nats://localhost:4222 -d '{\"n\":1}'",
      })
  static final class Push extends Verb {
    @Mixin PayloadOptions payload = new PayloadOptions();

    @Parameters(index = "0", paramLabel = "QUEUE", description = "The queue's name.")
    String queue = "";

    @Option(
        names = "--id",
        paramLabel = "ID",
        description = "The message id: pushes of the same id within the window are dropped.")
    @Nullable String id;

    @Option(
        names = "--timeout",
        paramLabel = "DURATION",
        converter = DurationConverter.Positive.class,
        description = "How long to wait for the confirmation (default 30s).")
    Duration timeout = Duration.ofSeconds(30);

    @Override
    public Integer call() throws Exception {
      ByteString data = payload.read(types);
      try (Messaging messaging = hub.connect()) {
        await(
            messaging.push(Message.builder(queue).data(data).id(id).build()),
            timeout,
            "the push to " + queue);
      }
      return ExitCode.OK;
    }
  }

  @Command(
      name = "pull",
      mixinStandardHelpOptions = true,
      header = "Take messages from a work queue.",
      sortOptions = false,
      description =
          "Prints each message as a JSON line and acknowledges it, until --count messages. With"
              + " --no-ack the messages are received but not acknowledged: once this command"
              + " exits (or is found dead) they go to another consumer. --hold stays connected"
              + " after the last message, so they stay in flight here until you stop it (stderr"
              + " then says `holding N messages`).",
      footer = {
        "",
        "Examples:",
        "  sb msg queue pull invoices --count 10",
        "  sb msg queue pull invoices --no-ack --hold",
      })
  static final class Pull extends Verb {
    @Parameters(index = "0", paramLabel = "QUEUE", description = "The queue's name.")
    String queue = "";

    @Option(
        names = "--count",
        paramLabel = "N",
        description = "Exit after N messages (default ${DEFAULT-VALUE}; 0: until stopped).")
    int count = 1;

    @Option(names = "--no-ack", description = "Receive without acknowledging.")
    boolean noAck;

    @Option(
        names = "--hold",
        description = "Stay connected after the last message (until stopped).")
    boolean hold;

    @Option(
        names = "--ack-timeout",
        paramLabel = "DURATION",
        converter = DurationConverter.Positive.class,
        description =
            "Unacknowledged messages go to another consumer after this long (default 30s).")
    Duration ackTimeout = ConsumerOptions.DEFAULT_ACK_TIMEOUT;

    @Option(
        names = "--timeout",
        paramLabel = "DURATION",
        converter = DurationConverter.Positive.class,
        description =
            "Give up after this long: exit 1 with DEADLINE_EXCEEDED if fewer than N messages came"
                + " (default: wait).")
    @Nullable Duration timeout;

    @Override
    public Integer call() throws Exception {
      MessageLines lines = lines();
      ConsumerOptions.Builder options = ConsumerOptions.builder().ackTimeout(ackTimeout);
      if (count > 0) {
        // Never more in flight here than will be printed: the rest stays for other consumers.
        options.maxInFlight(count);
      }
      try (Receiver receiver = new Receiver(count);
          Messaging messaging = hub.connect(receiver.handlers())) {
        receiver.watch(
            messaging.consume(
                queue,
                options.build(),
                (Delivery delivery) -> {
                  if (!receiver.take()) {
                    delivery.nack();
                    return;
                  }
                  lines.print(delivery.message());
                  if (!noAck) {
                    delivery.ack();
                  }
                }));
        receiver.await(messaging, timeout);
        if (hold) {
          ready("holding " + count + " messages of " + queue);
          new CompletableFuture<Void>().get();
        }
      }
      return ExitCode.OK;
    }
  }

  @Command(
      name = "broadcast",
      mixinStandardHelpOptions = true,
      header = "Send one message to every live member of a group.",
      sortOptions = false,
      description =
          "Prints who acknowledged within --deadline and who did not, as one JSON line:"
              + " {\"group\":...,\"acknowledged\":[...],\"not_acknowledged\":[...]}. Members join"
              + " with `sb msg join GROUP` or Messaging.join.",
      footer = {"", "Examples:", "  sb msg broadcast fleet -d reload --deadline 2s"})
  static final class Broadcast extends Verb {
    @Mixin PayloadOptions payload = new PayloadOptions();

    @Parameters(index = "0", paramLabel = "GROUP", description = "The group's name.")
    String group = "";

    @Option(
        names = "--deadline",
        paramLabel = "DURATION",
        converter = DurationConverter.Positive.class,
        description = "How long members have to acknowledge (default 5s).")
    Duration deadline = Duration.ofSeconds(5);

    @Override
    public Integer call() throws Exception {
      ByteString data = payload.read(types);
      try (Messaging messaging = hub.connect()) {
        BroadcastReport report =
            await(
                messaging.broadcast(Message.of(group, data), deadline),
                deadline.plusSeconds(5),
                "the broadcast to " + group);
        PrintWriter out = out();
        out.println(
            "{\"group\":"
                + MessageLines.quoted(report.group())
                + ",\"acknowledged\":"
                + quoted(List.copyOf(new TreeSet<>(report.acknowledged())))
                + ",\"not_acknowledged\":"
                + quoted(List.copyOf(new TreeSet<>(report.notAcknowledged())))
                + "}");
        out.flush();
      }
      return ExitCode.OK;
    }

    private static String quoted(List<String> names) {
      StringBuilder array = new StringBuilder("[");
      for (String name : names) {
        array.append(array.length() > 1 ? "," : "").append(MessageLines.quoted(name));
      }
      return array.append(']').toString();
    }
  }

  @Command(
      name = "join",
      mixinStandardHelpOptions = true,
      header = "Join a broadcast group and print what it receives.",
      sortOptions = false,
      description =
          "Prints each broadcast to GROUP as a JSON line and acknowledges it to its sender. Says"
              + " `joined GROUP` on stderr once a member.",
      footer = {"", "Examples:", "  sb msg join fleet --name node-1"})
  static final class Join extends Verb {
    @Parameters(index = "0", paramLabel = "GROUP", description = "The group's name.")
    String group = "";

    @Option(
        names = "--count",
        paramLabel = "N",
        description = "Exit after N messages (default 0: until stopped).")
    int count;

    @Override
    public Integer call() throws Exception {
      MessageLines lines = lines();
      try (Receiver receiver = new Receiver(count);
          Messaging messaging = hub.connect(receiver.handlers())) {
        receiver.watch(
            messaging.join(
                group,
                message -> {
                  if (receiver.take()) {
                    lines.print(message);
                  }
                }));
        ready("joined " + group);
        receiver.await(messaging);
      }
      return ExitCode.OK;
    }
  }

  @Command(
      name = "notify",
      mixinStandardHelpOptions = true,
      header = "Send a one-way message to one named peer.",
      sortOptions = false,
      description =
          "Fire-and-forget by default: exits 0 once the message was routed to PEER; an offline"
              + " peer exits 1 with UNAVAILABLE at once, unless --hold-for keeps the message for"
              + " it. With --ack, exits 0 only once the peer's handler took it.",
      footer = {
        "",
        "Examples:",
        "  sb msg notify node-1 -d 'disk almost full'",
        "  sb msg notify node-1 -d restart --ack --hold-for 1m",
      })
  static final class Notify extends Verb {
    @Mixin PayloadOptions payload = new PayloadOptions();

    @Parameters(index = "0", paramLabel = "PEER", description = "The peer's name (its --name).")
    String peer = "";

    @Option(names = "--ack", description = "Wait until the peer acknowledged it.")
    boolean ack;

    @Option(
        names = "--hold-for",
        paramLabel = "DURATION",
        converter = DurationConverter.class,
        description = "Hold the message this long for a peer that is offline (default: fail fast).")
    Duration holdFor = Duration.ZERO;

    @Option(
        names = "--timeout",
        paramLabel = "DURATION",
        converter = DurationConverter.Positive.class,
        description = "How long to wait for the outcome (default 10s, or --hold-for plus 10s).")
    @Nullable Duration timeout;

    @Override
    public Integer call() throws Exception {
      ByteString data = payload.read(types);
      NotifyOptions options =
          (ack ? NotifyOptions.acknowledged() : NotifyOptions.fireAndForget()).holdFor(holdFor);
      Duration wait = timeout != null ? timeout : holdFor.plusSeconds(10);
      try (Messaging messaging = hub.connect()) {
        await(messaging.notify(Message.of(peer, data), options), wait, "the notification");
      }
      return ExitCode.OK;
    }
  }

  @Command(
      name = "listen",
      mixinStandardHelpOptions = true,
      header = "Print the notifications sent to this peer.",
      sortOptions = false,
      description =
          "Receives the notifications addressed to --name (and those held for it) and prints each"
              + " as a JSON line. Says `listening as PEER` on stderr once reachable.",
      footer = {"", "Examples:", "  sb msg listen --name node-1 --count 1"})
  static final class Listen extends Verb {
    @Option(
        names = "--count",
        paramLabel = "N",
        description = "Exit after N notifications (default 0: until stopped).")
    int count;

    @Override
    public Integer call() throws Exception {
      MessageLines lines = lines();
      try (Receiver receiver = new Receiver(count);
          Messaging messaging = hub.connect(receiver.handlers())) {
        receiver.watch(
            messaging.listen(
                message -> {
                  if (receiver.take()) {
                    lines.print(message);
                  }
                }));
        ready("listening as " + messaging.name());
        receiver.await(messaging);
      }
      return ExitCode.OK;
    }
  }
}
