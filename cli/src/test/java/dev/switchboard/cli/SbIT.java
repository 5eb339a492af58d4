package dev.switchboard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.runtime.SwitchboardServer;
import dev.switchboard.testing.FreePorts;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** sb's commands in-process ({@code Sb.run}) against a real server on our runtime, over TCP. */
class SbIT {
  @TempDir static Path work;
  static ShopServer server;
  static String target;

  @BeforeAll
  static void start() throws Exception {
    server = ShopServer.start(work);
    target = server.target();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void listsServicesThroughReflection() {
    SbRun run = SbRun.run("list", "--plaintext", target);

    assertThat(run.exit()).as(run.toString()).isZero();
    assertThat(run.out().lines()).contains("grpc.health.v1.Health", "shop.v1.Orders").isSorted();
    assertThat(run.err()).isEmpty();
  }

  @Test
  void listsTheMethodsOfAService() {
    SbRun run = SbRun.run("list", "--plaintext", target, "shop.v1.Orders");

    assertThat(run.exit()).as(run.toString()).isZero();
    assertThat(run.out())
        .isEqualTo(
            "shop.v1.Orders.GetOrder\nshop.v1.Orders.ListOrders\n"
                + "shop.v1.Orders.ImportOrders\nshop.v1.Orders.Chat\n");
  }

  @Test
  void describesServicesMessagesAndEnumsAsProtoSource() {
    SbRun service = SbRun.run("describe", "--plaintext", target, "shop.v1.Orders");
    SbRun message = SbRun.run("describe", "--plaintext", target, "shop.v1.Order");
    SbRun enumType = SbRun.run("describe", "--plaintext", target, "shop.v1.Currency");

    assertThat(service.exit()).as(service.toString()).isZero();
    assertThat(service.out())
        .isEqualTo(
            """
        shop.v1.Orders is a service:
        service Orders {
          rpc GetOrder ( .shop.v1.GetOrderRequest ) returns ( .shop.v1.Order );
          rpc ListOrders ( .shop.v1.ListOrdersRequest ) returns ( stream .shop.v1.Order );
          rpc ImportOrders ( stream .shop.v1.Order ) returns ( .shop.v1.ImportSummary );
          rpc Chat ( stream .shop.v1.ChatMessage ) returns ( stream .shop.v1.ChatMessage );
        }
        """);
    assertThat(message.out())
        .isEqualTo(
            """
        shop.v1.Order is a message:
        message Order {
          message Item {
            string name = 1;
            int32 quantity = 2;
            .shop.v1.Money price = 3;
          }
          enum Status {
            STATUS_UNSPECIFIED = 0;
            OPEN = 1;
            SHIPPED = 2;
          }
          string id = 1;
          repeated .shop.v1.Order.Item items = 2;
          map<string, string> labels = 3;
          map<string, .shop.v1.Order.Item> items_by_sku = 4;
          .google.protobuf.Timestamp created = 5;
          optional string note = 6;
          oneof payment {
            string card = 7;
            string voucher = 8;
          }
          .google.protobuf.Any extra = 9;
          .shop.v1.Order.Status status = 10;
        }
        """);
    assertThat(enumType.out()).startsWith("shop.v1.Currency is an enum:\nenum Currency {\n");
  }

  @Test
  void unknownSymbolListsTheNearestNames() {
    SbRun run = SbRun.run("describe", "--plaintext", target, "shop.v1.Ordr");

    assertThat(run.exit()).as(run.toString()).isEqualTo(2);
    assertThat(run.err())
        .startsWith("shop.v1.Ordr: no symbol shop.v1.Ordr; nearest names: shop.v1.Order");
  }

  @Test
  void callsUnaryWithInlineJson() {
    SbRun run =
        SbRun.run(
            "call", "--plaintext", target, "shop.v1.Orders/GetOrder", "-d", "{\"id\": \"o-7\"}");

    assertThat(run.exit()).as(run.toString()).isZero();
    assertThat(run.out())
        .isEqualTo(
            "{\"id\":\"o-7\",\"items\":[{\"name\":\"pen\",\"quantity\":1}],\"status\":\"OPEN\"}\n");
    assertThat(run.err()).isEmpty();
  }

  @Test
  void emitsDefaultsOnRequest() {
    SbRun run =
        SbRun.run(
            "call",
            "--plaintext",
            "--emit-defaults",
            target,
            "shop.v1.Orders.ListOrders",
            "-d",
            "{\"limit\": 1}");

    assertThat(run.exit()).as(run.toString()).isZero();
    assertThat(run.out())
        .isEqualTo(
            "{\"id\":\"o-1\",\"items\":[],\"labels\":{},\"itemsBySku\":{},"
                + "\"status\":\"STATUS_UNSPECIFIED\"}\n");
  }

  @Test
  void serverStreamPrintsOneLinePerMessage() {
    SbRun run =
        SbRun.run(
            "call", "--plaintext", target, "shop.v1.Orders/ListOrders", "-d", "{\"limit\": 3}");

    assertThat(run.exit()).as(run.toString()).isZero();
    assertThat(run.out()).isEqualTo("{\"id\":\"o-1\"}\n{\"id\":\"o-2\"}\n{\"id\":\"o-3\"}\n");
  }

  @Test
  void clientStreamReadsNdjsonFromAFile() throws Exception {
    Path input =
        Files.writeString(
            work.resolve("orders.ndjson"), "{\"id\":\"a\"}\n{\"id\":\"b\"}\n\n{\"id\":\"c\"}\n");

    SbRun run =
        SbRun.run("call", "--plaintext", target, "shop.v1.Orders/ImportOrders", "-d", "@" + input);

    assertThat(run.exit()).as(run.toString()).isZero();
    assertThat(run.out()).isEqualTo("{\"count\":3}\n");
  }

  @Test
  void bidiStreamReadsStdin() {
    SbRun run =
        SbRun.withStdin(
            "{\"text\":\"one\"}\n{\"text\":\"two\"}\n",
            "call",
            "--plaintext",
            target,
            "shop.v1.Orders/Chat",
            "-d",
            "@-");

    assertThat(run.exit()).as(run.toString()).isZero();
    assertThat(run.out()).isEqualTo("{\"text\":\"echo: one\"}\n{\"text\":\"echo: two\"}\n");
  }

  @Test
  void healthOfTheServerAndOfAnUnknownService() {
    SbRun serving = SbRun.run("health", "--plaintext", target);
    SbRun unknown = SbRun.run("health", "--plaintext", target, "no.such.Service");

    assertThat(serving.exit()).as(serving.toString()).isZero();
    assertThat(serving.out()).isEqualTo("{\"status\":\"SERVING\"}\n");
    assertThat(unknown.exit()).as(unknown.toString()).isEqualTo(1);
    assertThat(unknown.err()).startsWith("NOT_FOUND");
  }

  @Test
  void healthWatchPrintsEachChangeUntilTheDeadline() throws Exception {
    SwitchboardServer.HealthControl health = server.server.health();
    health.setStatus("shop.v1.Orders", ServingStatus.NOT_SERVING);
    CompletableFuture<SbRun> watching =
        CompletableFuture.supplyAsync(
            () ->
                SbRun.run(
                    "health",
                    "--watch",
                    "--deadline",
                    "3s",
                    "--plaintext",
                    target,
                    "shop.v1.Orders"));
    try {
      Thread.sleep(1000);
      health.setStatus("shop.v1.Orders", ServingStatus.SERVING);

      SbRun run = watching.get(20, TimeUnit.SECONDS);

      assertThat(run.exit()).as(run.toString()).isZero();
      assertThat(run.out()).isEqualTo("{\"status\":\"NOT_SERVING\"}\n{\"status\":\"SERVING\"}\n");
    } finally {
      health.setStatus("shop.v1.Orders", ServingStatus.SERVING);
    }
  }

  @Test
  void metadataGoesOutAndVerboseShowsWhatCameBack() {
    SbRun run =
        SbRun.run(
            "call",
            "--plaintext",
            "-v",
            "-H",
            "x-echo-who: sb",
            "-H",
            "x-echo-raw-bin: AAEC",
            target,
            "shop.v1.Orders/GetOrder",
            "-d",
            "{\"id\":\"o-1\"}");

    assertThat(run.exit()).as(run.toString()).isZero();
    assertThat(run.err())
        .contains("Request metadata to send:\nx-echo-who: sb\nx-echo-raw-bin: AAEC\n")
        .contains("Response headers received:")
        .contains("Response trailers received:")
        .containsPattern(
            "(?s)Response headers received:.*x-echo-who: sb.*Response trailers received:.*x-echo-who: sb")
        .contains("x-echo-raw-bin: AAEC");
  }

  @Test
  void grpcErrorIsCodeAndMessageWithExitOne() {
    SbRun run =
        SbRun.run(
            "call", "--plaintext", target, "shop.v1.Orders/GetOrder", "-d", "{\"id\":\"missing\"}");

    assertThat(run.exit()).isEqualTo(1);
    assertThat(run.out()).isEmpty();
    assertThat(run.err()).isEqualTo("NOT_FOUND: no such thing\n");
  }

  @Test
  void deadlineExceededIsExitOne() {
    SbRun run =
        SbRun.run(
            "call",
            "--plaintext",
            "--deadline",
            "300ms",
            target,
            "shop.v1.Orders/GetOrder",
            "-d",
            "{\"id\":\"slow\"}");

    assertThat(run.exit()).as(run.toString()).isEqualTo(1);
    assertThat(run.err()).startsWith("DEADLINE_EXCEEDED: ");
  }

  @Test
  void badJsonIsExitTwoWithTheFieldPath() {
    SbRun run =
        SbRun.withStdin(
            "{\"items\":[{\"name\":\"a\"},{\"quantity\":\"lots\"}]}\n",
            "call",
            "--plaintext",
            target,
            "shop.v1.Orders/ImportOrders",
            "-d",
            "@-");

    assertThat(run.exit()).as(run.toString()).isEqualTo(2);
    assertThat(run.err()).startsWith("<stdin>:1:1: $.items[1].quantity: ");
    assertThat(run.err()).doesNotContain("\tat ");
  }

  @Test
  void syntaxErrorIsLocatedByLineAndColumn() {
    SbRun run =
        SbRun.run(
            "call", "--plaintext", target, "shop.v1.Orders/GetOrder", "-d", "{\n  \"id\" \"x\"\n}");

    assertThat(run.exit()).as(run.toString()).isEqualTo(2);
    assertThat(run.err()).startsWith("-d:2:8: invalid JSON: ");
  }

  @Test
  void secondMessageForAUnaryMethodIsAnError() {
    SbRun run = SbRun.run("call", "--plaintext", target, "shop.v1.Orders/GetOrder", "-d", "{}\n{}");

    assertThat(run.exit()).as(run.toString()).isEqualTo(2);
    assertThat(run.err())
        .isEqualTo(
            "-d:2:1: shop.v1.Orders.GetOrder takes one request message, but a second one starts here\n");
  }

  @Test
  void unknownMethodIsExitTwoWithTheNearestNames() {
    SbRun run = SbRun.run("call", "--plaintext", target, "shop.v1.Orders/GetOrdr");

    assertThat(run.exit()).as(run.toString()).isEqualTo(2);
    assertThat(run.err())
        .startsWith(
            "shop.v1.Orders/GetOrdr: service shop.v1.Orders has no method GetOrdr; "
                + "nearest names: shop.v1.Orders/GetOrder");
  }

  @Test
  void unknownServiceIsExitTwoWithTheNearestNames() {
    SbRun run = SbRun.run("call", "--plaintext", target, "shop.Orders/GetOrder");

    assertThat(run.exit()).as(run.toString()).isEqualTo(2);
    assertThat(run.err())
        .startsWith(
            "shop.Orders/GetOrder: no service shop.Orders; nearest names: shop.v1.Orders/GetOrder");
  }

  @Test
  void protosetModeNeedsNoReflection() throws Exception {
    try (ShopServer plain = ShopServer.start(work, null, false)) {
      SbRun withoutContract = SbRun.run("list", "--plaintext", plain.target());
      SbRun run =
          SbRun.run(
              "call",
              "--plaintext",
              "--protoset",
              ShopServer.protoset(work).toString(),
              plain.target(),
              "shop.v1.Orders/GetOrder",
              "-d",
              "{\"id\":\"p\"}");

      assertThat(withoutContract.exit()).as(withoutContract.toString()).isEqualTo(1);
      assertThat(withoutContract.err())
          .startsWith("UNIMPLEMENTED: the server does not offer reflection")
          .contains("--proto FILE or --protoset FILE");
      assertThat(run.exit()).as(run.toString()).isZero();
      assertThat(run.out()).startsWith("{\"id\":\"p\",");
    }
  }

  @Test
  void protoModeNeedsNoReflection() throws Exception {
    try (ShopServer plain = ShopServer.start(work, null, false)) {
      SbRun run =
          SbRun.run(
              "call",
              "--plaintext",
              "--proto",
              "shop/v1/orders.proto",
              "-I",
              ShopServer.PROTOS.toString(),
              plain.target(),
              "shop.v1.Orders/ListOrders",
              "-d",
              "{\"limit\":2}");
      SbRun describe =
          SbRun.run(
              "describe",
              "--proto",
              "shop/v1/orders.proto",
              "-I",
              ShopServer.PROTOS.toString(),
              plain.target(),
              "shop.v1.Money");

      SbRun service =
          SbRun.run(
              "describe",
              "--proto",
              "shop/v1/orders.proto",
              "-I",
              ShopServer.PROTOS.toString(),
              plain.target(),
              "shop.v1.Orders");

      assertThat(run.exit()).as(run.toString()).isZero();
      assertThat(run.out()).isEqualTo("{\"id\":\"o-1\"}\n{\"id\":\"o-2\"}\n");
      // Source files keep their comments, and describe shows them.
      assertThat(service.out())
          .startsWith(
              "shop.v1.Orders is a service:\n// Orders of the test shop.\n"
                  + "service Orders {\n  // Looks one order up.\n  rpc GetOrder (");
      assertThat(describe.out())
          .isEqualTo(
              """
          shop.v1.Money is a message:
          message Money {
            .shop.v1.Currency currency = 1;
            int64 units = 2;
          }
          """);
    }
  }

  @Test
  void listAndDescribeNeedNoServerWhenTheContractComesFromFiles() throws Exception {
    String protos = ShopServer.PROTOS.toString();
    SbRun services = SbRun.run("list", "--proto", "shop/v1/orders.proto", "-I", protos);
    SbRun methods =
        SbRun.run("list", "--protoset", ShopServer.protoset(work).toString(), "shop.v1.Orders");
    SbRun message =
        SbRun.run("describe", "--proto", "shop/v1/orders.proto", "-I", protos, "shop.v1.Money");
    SbRun noContract = SbRun.run("list");
    SbRun tooMany =
        SbRun.run("describe", "--proto", "shop/v1/orders.proto", "-I", protos, target, "a", "b");

    assertThat(services.exit()).as(services.toString()).isZero();
    assertThat(services.out()).isEqualTo("shop.v1.Orders\n");
    assertThat(methods.exit()).as(methods.toString()).isZero();
    assertThat(methods.out()).startsWith("shop.v1.Orders.GetOrder\n");
    assertThat(message.exit()).as(message.toString()).isZero();
    assertThat(message.out()).startsWith("shop.v1.Money is a message:\n");
    assertThat(noContract.exit()).isEqualTo(2);
    assertThat(noContract.err())
        .startsWith("TARGET is required unless --proto or --protoset gives the contract");
    assertThat(tooMany.exit()).isEqualTo(2);
    assertThat(tooMany.err()).startsWith("expected [TARGET] [SYMBOL], got 3 operands");
  }

  @Test
  void brokenProtoIsExitTwoWithFileLineColumn() throws Exception {
    Path dir = Files.createDirectories(work.resolve("broken"));
    Files.writeString(
        dir.resolve("broken.proto"), "syntax = \"proto3\";\nmessage M {\n  strin x = 1;\n}\n");

    SbRun run = SbRun.run("list", "--proto", "broken.proto", "-I", dir.toString(), target);

    assertThat(run.exit()).as(run.toString()).isEqualTo(2);
    assertThat(run.err()).startsWith("broken.proto:3:3: ");
  }

  @Test
  void usageErrorsAreExitTwoWithAHint() {
    SbRun missing = SbRun.run("call", "--plaintext", target);
    SbRun badDeadline =
        SbRun.run("call", "--plaintext", "--deadline", "soon", target, "shop.v1.Orders/GetOrder");
    SbRun badTarget = SbRun.run("list", "--plaintext", "unix:");
    SbRun badHeader = SbRun.run("list", "--plaintext", "-H", "novalue", target);
    SbRun noCommand = SbRun.run();

    assertThat(missing.exit()).isEqualTo(2);
    assertThat(missing.err())
        .contains("Missing required parameter: 'METHOD'")
        .contains("sb call --help");
    assertThat(badDeadline.exit()).isEqualTo(2);
    assertThat(badDeadline.err()).contains("'soon' is not a duration");
    assertThat(badTarget.exit()).isEqualTo(2);
    assertThat(badTarget.err()).startsWith("TARGET 'unix:': ");
    assertThat(badHeader.exit()).isEqualTo(2);
    assertThat(badHeader.err()).isEqualTo("-H 'novalue': write a header as 'name: value'\n");
    assertThat(noCommand.exit()).isEqualTo(2);
    assertThat(noCommand.err()).contains("Usage: sb");
  }

  @Test
  void unreachableServerIsUnavailable() throws Exception {
    int freePort = FreePorts.pick();
    SbRun run = SbRun.run("health", "--plaintext", "127.0.0.1:" + freePort);

    assertThat(run.exit()).as(run.toString()).isEqualTo(1);
    assertThat(run.err()).startsWith("UNAVAILABLE: ");
  }
}
