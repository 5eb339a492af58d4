package dev.switchboard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.testing.FreePorts;
import dev.switchboard.testing.NatsServer;
import dev.switchboard.testing.PeerPrograms;
import dev.switchboard.testing.TestProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code sb hub} and {@code sb msg} as users run them: every command a real {@code java -jar
 * sb.jar} process, against a real hub process (and a real nats-server for the NATS address).
 */
class MsgProcessIT {
  private static final Path JAR =
      Path.of(System.getProperty("sb.jar", "target/sb.jar")).toAbsolutePath();
  private static final Duration TIMEOUT = Duration.ofSeconds(60);
  private static final Pattern LISTENING = Pattern.compile("^hub listening on (\\S+)$");

  @TempDir static Path work;
  static TestProcess hub;
  static String address;

  @BeforeAll
  static void startHub() throws Exception {
    assertThat(JAR).as("the shaded jar (mvn package builds it)").exists();
    hub = sb("hub", "--port", "0");
    address = hub.awaitLine(LISTENING, TIMEOUT).group(1);
    Files.writeString(
        work.resolve("order.proto"),
        """
        syntax = "proto3";
        package shop.v1;
        import "buf/validate/validate.proto";
        message OrderPlaced {
          string order_id = 1 [(buf.validate.field).string.min_len = 1];
          string region = 2 [(buf.validate.field).string.pattern = "^[a-z]{2}$"];
        }
        """);
  }

  @AfterAll
  static void stopHub() {
    hub.close();
  }

  @Test
  void publishedMessagesReachTheSubscriberAsJsonLines() throws Exception {
    Files.write(work.resolve("blob.bin"), new byte[] {(byte) 0xff, 0, 1});
    try (TestProcess sub = msg("sub", "orders.>", "--queue", "billing", "--count", "3")) {
      sub.awaitLine(Pattern.compile("subscribed to orders.>"), TIMEOUT);

      assertSucceeds(run(msg("pub", "orders.eu", "-d", "{\"id\":7}")), "");
      assertSucceeds(run(msg("pub", "orders.eu.paid", "-d", "@blob.bin")), "");
      TestProcess fromStdin = msg("pub", "orders.us", "-d", "@-");
      fromStdin.stdin().write("piped\ntext");
      assertSucceeds(run(fromStdin), "");

      assertThat(sub.awaitExit(TIMEOUT)).as(sub.tail()).isZero();
      assertThat(sub.stdout())
          .isEqualTo(
              """
              {"subject":"orders.eu","data":"{\\"id\\":7}"}
              {"subject":"orders.eu.paid","data_base64":"/wAB"}
              {"subject":"orders.us","data":"piped\\ntext"}
              """);
    }
  }

  @Test
  void requestGetsTheEchoedReply() {
    try (TestProcess reply = msg("reply", "prices.get", "--echo", "--count", "1")) {
      reply.awaitLine(Pattern.compile("responding to prices.get"), TIMEOUT);

      assertSucceeds(
          run(msg("request", "prices.get", "-d", "sku-1")),
          "{\"subject\":\"prices.get\",\"data\":\"sku-1\"}\n");

      assertThat(reply.awaitExit(TIMEOUT)).as(reply.tail()).isZero();
      assertThat(reply.stdout()).isEqualTo("{\"subject\":\"prices.get\",\"data\":\"sku-1\"}\n");
    }
    TestProcess.Result nobody = run(msg("request", "nobody.home", "-d", "x", "--timeout", "5s"));
    assertThat(nobody.exitCode()).as(nobody.toString()).isEqualTo(1);
    assertThat(nobody.stderr()).isEqualTo("UNAVAILABLE: no responder for nobody.home\n");
  }

  @Test
  void queueMessagesGoToOneConsumerAndReturnWhenItsHolderDies() {
    assertSucceeds(run(msg("queue", "push", "jobs", "-d", "first", "--id", "j1")), "");
    assertSucceeds(run(msg("queue", "push", "jobs", "-d", "second", "--id", "j2")), "");
    assertSucceeds(run(msg("queue", "push", "jobs", "-d", "second again", "--id", "j2")), "");

    assertSucceeds(
        run(msg("queue", "pull", "jobs")),
        "{\"subject\":\"jobs\",\"data\":\"first\",\"id\":\"j1\"}\n");
    try (TestProcess holder = msg("queue", "pull", "jobs", "--no-ack", "--hold")) {
      holder.awaitLine(Pattern.compile("holding 1 messages of jobs"), TIMEOUT);
      assertThat(holder.stdout())
          .isEqualTo("{\"subject\":\"jobs\",\"data\":\"second\",\"id\":\"j2\"}\n");
      TestProcess.Result meanwhile = run(msg("queue", "pull", "jobs", "--timeout", "1s"));
      assertThat(meanwhile.exitCode()).as("j2 is in flight with the holder").isEqualTo(1);
      assertThat(meanwhile.stderr())
          .isEqualTo("DEADLINE_EXCEEDED: 0 of 1 messages within 1000 ms\n");
      holder.kill();
    }

    assertSucceeds(
        run(msg("queue", "pull", "jobs", "--timeout", "30s")),
        "{\"subject\":\"jobs\",\"data\":\"second\",\"id\":\"j2\"}\n");
    TestProcess.Result empty = run(msg("queue", "pull", "jobs", "--timeout", "1s"));
    assertThat(empty.exitCode()).as("the duplicate of j2 was dropped at push").isEqualTo(1);
  }

  @Test
  void broadcastReportsWhoAcknowledgedAndNotifyReachesTheNamedPeer() {
    try (TestProcess member = msg("join", "fleet", "--name", "node-1", "--count", "1");
        TestProcess listener = msg("listen", "--name", "peer-1", "--count", "1")) {
      member.awaitLine(Pattern.compile("joined fleet"), TIMEOUT);
      listener.awaitLine(Pattern.compile("listening as peer-1"), TIMEOUT);

      assertSucceeds(
          run(msg("broadcast", "fleet", "-d", "reload", "--deadline", "10s")),
          "{\"group\":\"fleet\",\"acknowledged\":[\"node-1\"],\"not_acknowledged\":[]}\n");
      assertSucceeds(run(msg("notify", "peer-1", "-d", "hello", "--ack")), "");

      assertThat(member.awaitExit(TIMEOUT)).as(member.tail()).isZero();
      assertThat(member.stdout()).isEqualTo("{\"subject\":\"fleet\",\"data\":\"reload\"}\n");
      assertThat(listener.awaitExit(TIMEOUT)).as(listener.tail()).isZero();
      assertThat(listener.stdout()).isEqualTo("{\"subject\":\"peer-1\",\"data\":\"hello\"}\n");
    }
    TestProcess.Result offline = run(msg("notify", "nobody", "-d", "hello"));
    assertThat(offline.exitCode()).isEqualTo(1);
    assertThat(offline.stderr()).isEqualTo("UNAVAILABLE: peer nobody is offline\n");
  }

  @Test
  void typedPayloadsAreValidatedJsonAndABadOneExits2NamingTheFieldAndRule() {
    String[] typed = {"--proto", "order.proto", "-I", ".", "--type", "shop.v1.OrderPlaced"};
    try (TestProcess sub = msg(concat(List.of("sub", "orders.eu", "--count", "1"), typed))) {
      sub.awaitLine(Pattern.compile("subscribed to orders.eu"), TIMEOUT);

      TestProcess.Result bad =
          run(
              msg(
                  concat(
                      List.of("pub", "orders.eu", "-d", "{\"orderId\":\"\",\"region\":\"eu\"}"),
                      typed)));
      assertThat(bad.exitCode()).as(bad.toString()).isEqualTo(2);
      assertThat(bad.stderr())
          .isEqualTo(
              "-d: shop.v1.OrderPlaced is invalid: order_id: string.min_len: must be at least 1"
                  + " characters\n");
      TestProcess.Result misspelt =
          run(msg(concat(List.of("pub", "orders.eu", "-d", "{\"orderID\":\"o-1\"}"), typed)));
      assertThat(misspelt.exitCode()).isEqualTo(2);
      assertThat(misspelt.stderr()).startsWith("-d:1:1: $.orderID: ").doesNotContain("\tat ");
      assertSucceeds(
          run(
              msg(
                  concat(
                      List.of("pub", "orders.eu", "-d", "{\"orderId\":\"o-1\",\"region\":\"eu\"}"),
                      typed))),
          "");

      assertThat(sub.awaitExit(TIMEOUT)).as(sub.tail()).isZero();
      assertThat(sub.stdout())
          .as("only the valid message was sent")
          .isEqualTo(
              "{\"subject\":\"orders.eu\",\"data\":{\"orderId\":\"o-1\",\"region\":\"eu\"}}\n");
    }
  }

  @Test
  void confirmedPushesSurviveKill9AndSigtermStopsTheHubCleanly() {
    Path data = work.resolve("durable");
    int port = FreePorts.pick();
    String[] hubArgs = {
      "hub", "--port", Integer.toString(port), "--data", data.toString(), "--heartbeat", "1s"
    };
    String target = "127.0.0.1:" + port;
    TestProcess first = sb(hubArgs);
    first.awaitLine(LISTENING, TIMEOUT);
    assertSucceeds(run(msgAt(target, "queue", "push", "invoices", "-d", "one", "--id", "i1")), "");
    assertSucceeds(run(msgAt(target, "queue", "push", "invoices", "-d", "two", "--id", "i2")), "");
    first.kill();

    TestProcess second = sb(hubArgs);
    second.awaitLine(LISTENING, TIMEOUT);
    assertSucceeds(run(msgAt(target, "queue", "push", "invoices", "-d", "three")), "");
    second.stop(Duration.ofSeconds(20));
    assertThat(second.exitCode()).as(second.tail()).contains(0);
    assertThat(second.stdout()).isEqualTo("hub listening on " + target + "\n");

    try (TestProcess third = sb(hubArgs)) {
      third.awaitLine(LISTENING, TIMEOUT);
      assertSucceeds(
          run(msgAt(target, "queue", "pull", "invoices", "--count", "3", "--timeout", "30s")),
          """
          {"subject":"invoices","data":"one","id":"i1"}
          {"subject":"invoices","data":"two","id":"i2"}
          {"subject":"invoices","data":"three"}
          """);
    }
  }

  @Test
  void theSameVerbsWorkAgainstNats() {
    try (NatsServer nats = NatsServer.start(work.resolve("nats"))) {
      try (TestProcess sub = msgAt(nats.url(), "sub", "orders.*", "--count", "1")) {
        sub.awaitLine(Pattern.compile("subscribed to orders.\\*"), TIMEOUT);
        assertSucceeds(run(msgAt(nats.url(), "pub", "orders.eu", "-d", "hello nats")), "");
        assertThat(sub.awaitExit(TIMEOUT)).as(sub.tail()).isZero();
        assertThat(sub.stdout()).isEqualTo("{\"subject\":\"orders.eu\",\"data\":\"hello nats\"}\n");
      }
      assertSucceeds(run(msgAt(nats.url(), "queue", "push", "jobs", "-d", "a", "--id", "n1")), "");
      assertSucceeds(run(msgAt(nats.url(), "queue", "push", "jobs", "-d", "a", "--id", "n1")), "");
      assertSucceeds(run(msgAt(nats.url(), "queue", "push", "jobs", "-d", "b", "--id", "n2")), "");
      assertSucceeds(
          run(msgAt(nats.url(), "queue", "pull", "jobs", "--count", "2", "--timeout", "30s")),
          """
          {"subject":"jobs","data":"a","id":"n1"}
          {"subject":"jobs","data":"b","id":"n2"}
          """);
    }
  }

  private static void assertSucceeds(TestProcess.Result result, String stdout) {
    assertThat(result.exitCode()).as(result.toString()).isZero();
    assertThat(result.stdout()).as(result.toString()).isEqualTo(stdout);
  }

  private static String[] concat(List<String> head, String... tail) {
    List<String> all = new ArrayList<>(head);
    all.addAll(List.of(tail));
    return all.toArray(String[]::new);
  }

  /** {@code sb msg ARGS --hub} the shared hub. */
  private static TestProcess msg(String... args) {
    return msgAt(address, args);
  }

  private static TestProcess msgAt(String hubAddress, String... args) {
    List<String> line = new ArrayList<>(List.of("msg"));
    line.addAll(List.of(args));
    line.addAll(List.of("--hub", hubAddress, "--connect-timeout", "30s"));
    return sb(line.toArray(String[]::new));
  }

  private static TestProcess sb(String... args) {
    List<String> command = PeerPrograms.java("-jar", JAR.toString());
    command.addAll(List.of(args));
    return TestProcess.builder(command)
        .name("sb " + args[0] + " " + args[1])
        .directory(work)
        .start();
  }

  private static TestProcess.Result run(TestProcess process) {
    try (process) {
      process.closeStdin();
      process.awaitExit(TIMEOUT);
      return process.result();
    }
  }
}
