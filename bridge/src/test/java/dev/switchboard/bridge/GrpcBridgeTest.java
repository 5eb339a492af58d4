package dev.switchboard.bridge;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.DynamicMessage;
import dev.switchboard.contract.ContractSet;
import dev.switchboard.runtime.DynamicService;
import dev.switchboard.runtime.SwitchboardServer;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The gRPC path end to end on a real socket: a server on our runtime serving {@code shapes.proto}
 * with dynamic handlers, called through a stub with WIT values, in all four shapes.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GrpcBridgeTest {
  private WitTypes types;
  private SwitchboardServer server;
  private Stub stub;
  private final List<Metadata> seenHeaders = new CopyOnWriteArrayList<>();
  private final AtomicInteger sentBeforeFirstRead = new AtomicInteger();

  @BeforeAll
  void start() throws Exception {
    types = Contracts.proto(Contracts.RESOURCES.resolve("proto"), "shapes.proto");
    ContractSet set = types.descriptors().orElseThrow();
    Descriptor count = set.message("bridge.test.v1.Count").orElseThrow();
    Descriptor item = set.message("bridge.test.v1.Item").orElseThrow();
    FieldDescriptor n = count.findFieldByName("n");
    FieldDescriptor size = count.findFieldByName("size");
    FieldDescriptor name = item.findFieldByName("name");
    FieldDescriptor blob = item.findFieldByName("blob");
    DynamicService shapes =
        DynamicService.builder(set.service("bridge.test.v1.Shapes").orElseThrow())
            .unary(
                "Echo",
                (request, response) -> {
                  if (request.getField(name).equals("missing")) {
                    response.onError(
                        Status.NOT_FOUND.withDescription("no such item").asRuntimeException());
                    return;
                  }
                  response.onNext(request);
                  response.onCompleted();
                })
            .serverStreaming(
                "Expand",
                (request, responses) -> {
                  int total = (Integer) request.getField(n);
                  byte[] payload = new byte[(Integer) request.getField(size)];
                  ServerCallStreamObserver<DynamicMessage> out =
                      (ServerCallStreamObserver<DynamicMessage>) responses;
                  int[] next = {0};
                  boolean[] done = {false};
                  // Send only while the transport is ready: what the client does not read stays
                  // unsent, which is the flow control the test checks.
                  out.setOnReadyHandler(
                      () -> {
                        while (out.isReady() && next[0] < total) {
                          out.onNext(
                              DynamicMessage.newBuilder(item)
                                  .setField(name, "item-" + next[0])
                                  .setField(blob, com.google.protobuf.ByteString.copyFrom(payload))
                                  .build());
                          next[0]++;
                          sentBeforeFirstRead.set(next[0]);
                        }
                        if (next[0] == total && !done[0]) {
                          done[0] = true;
                          out.onCompleted();
                        }
                      });
                })
            .clientStreaming(
                "Sum",
                response ->
                    new StreamObserver<>() {
                      int sum;

                      @Override
                      public void onNext(DynamicMessage value) {
                        sum += (Integer) value.getField(n);
                      }

                      @Override
                      public void onError(Throwable t) {}

                      @Override
                      public void onCompleted() {
                        response.onNext(DynamicMessage.newBuilder(count).setField(n, sum).build());
                        response.onCompleted();
                      }
                    })
            .bidiStreaming(
                "Chat",
                responses ->
                    new StreamObserver<>() {
                      @Override
                      public void onNext(DynamicMessage value) {
                        responses.onNext(
                            value.toBuilder()
                                .setField(name, "re: " + value.getField(name))
                                .build());
                      }

                      @Override
                      public void onError(Throwable t) {}

                      @Override
                      public void onCompleted() {
                        responses.onCompleted();
                      }
                    })
            .unary(
                "Nothing",
                (request, response) -> {
                  response.onNext(request);
                  response.onCompleted();
                })
            .build();
    server =
        SwitchboardServer.builder("localhost:0")
            .service(shapes)
            .interceptor(
                new io.grpc.ServerInterceptor() {
                  @Override
                  public <Q, R> io.grpc.ServerCall.Listener<Q> interceptCall(
                      io.grpc.ServerCall<Q, R> call,
                      Metadata headers,
                      io.grpc.ServerCallHandler<Q, R> next) {
                    seenHeaders.add(headers);
                    return next.startCall(call, headers);
                  }
                })
            .build()
            .start();
    stub =
        Bridge.open(
            types,
            BridgeConfig.builder()
                .target("localhost:" + server.port())
                .plaintext()
                .bearerToken(Secret.of("s3cret"))
                .header("x-tenant", "acme")
                .build());
  }

  @AfterAll
  void stop() {
    stub.close();
    server.close();
  }

  private WitValue wave(String function, String text) {
    return Wave.parse(types, types.function(function).function().params().get(0).type(), text);
  }

  @Test
  void unaryRoundTripsEveryFieldKind() {
    String item =
        "{name: \"widget\", count: -5, code: 4000000000, tags: [\"a\", \"b\"],"
            + " scores: [(\"x\", 1), (\"y\", -2)], contact: some(email(\"w@example.com\")),"
            + " at: some({seconds: 1700000000, nanos: 5}), limit: some(7),"
            + " extra: some(\"{\\\"k\\\":[1.5,true]}\"), ttl: some({seconds: 3, nanos: 500}),"
            + " mask: [\"name\", \"tags\"], blob: [1, 2, 255], color: blue, ratio: some(0.25),"
            + " child: some(\"{\\\"name\\\":\\\"kid\\\"}\"), children: [\"{\\\"count\\\":\\\"2\\\"}\"],"
            + " big: 18446744073709551615}";
    WitValue request = wave("shapes.echo", item);
    WitValue.ResultValue result = stub.invoke("shapes.echo", request);
    assertThat(result.isOk()).as(Wave.print(result)).isTrue();
    assertThat(result.payload())
        .isEqualTo(types.check(types.function("shapes.echo").function().ok(), request, "request"));
    assertThat(Wave.print(result))
        .contains(
            "contact: some(email(\"w@example.com\"))",
            "big: 18446744073709551615",
            "code: 4000000000");
  }

  @Test
  void emptyOneofCaseAndEmptyMessages() {
    WitValue.ResultValue r =
        stub.invoke(
            "shapes.echo",
            wave(
                "shapes.echo",
                "{name: \"a\", count: 0, code: 0, tags: [], scores: [], contact: some(anonymous), mask: [], blob: [], color: red, children: [], big: 0}"));
    assertThat(Wave.print(r)).contains("contact: some(anonymous)");
    assertThat(Wave.print(stub.invoke("shapes.nothing"))).isEqualTo("ok");
  }

  @Test
  void statusesBecomeErrorCases() {
    WitValue.ResultValue r =
        stub.invoke(
            "shapes.echo",
            wave(
                "shapes.echo",
                "{name: \"missing\", count: 0, code: 0, tags: [], scores: [], mask: [], blob: [], color: red, children: [], big: 0}"));
    assertThat(Wave.print(r))
        .isEqualTo(
            "err(not-found({resource: \"/bridge.test.v1.Shapes/Echo\", id: \"\", message: \"no such item\"}))");
  }

  @Test
  void credentialsAndHeadersTravelAsMetadata() {
    seenHeaders.clear();
    stub.invoke("shapes.nothing");
    Metadata h = seenHeaders.get(0);
    assertThat(h.get(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER)))
        .isEqualTo("Bearer s3cret");
    assertThat(h.get(Metadata.Key.of("x-tenant", Metadata.ASCII_STRING_MARSHALLER)))
        .isEqualTo("acme");
  }

  @Test
  void interceptorsAddMetadataPerCall() {
    seenHeaders.clear();
    try (Stub keyed =
        Bridge.open(
            types,
            BridgeConfig.builder()
                .target("localhost:" + server.port())
                .plaintext()
                .interceptor(
                    (call, chain) -> chain.proceed(call.withHeader("idempotency-key", "w1-7")))
                .build())) {
      assertThat(keyed.invoke("shapes.nothing").isOk()).isTrue();
    }
    assertThat(
            seenHeaders
                .get(0)
                .get(Metadata.Key.of("idempotency-key", Metadata.ASCII_STRING_MARSHALLER)))
        .isEqualTo("w1-7");
  }

  @Test
  void serverStreamingIsReadOneMessageAtATimeWithFlowControl() throws Exception {
    WitValue.ResultValue opened =
        stub.invoke("shapes.expand", wave("shapes.expand", "{n: 200, size: 65536}"));
    WitValue.HandleValue handle = (WitValue.HandleValue) opened.payload();
    assertThat(handle.resource()).isEqualTo("shapes.expand-stream");
    WitValue.ResultValue first = stub.invoke("shapes.expand-stream.receive", handle);
    assertThat(Wave.print(first)).startsWith("ok(some({name: \"item-0\"");
    Thread.sleep(300);
    // 200 messages of 64 KiB are 12.5 MiB; unread, the server must be held back by the window.
    assertThat(sentBeforeFirstRead.get()).isLessThan(100);
    int received = 1;
    while (true) {
      WitValue.ResultValue next = stub.invoke("shapes.expand-stream.receive", handle);
      assertThat(next.isOk()).isTrue();
      if (next.payload() instanceof WitValue.OptionValue o && o.value() == null) {
        break;
      }
      received++;
    }
    assertThat(received).isEqualTo(200);
    assertThat(Wave.print(stub.invoke("shapes.expand-stream.receive", handle)))
        .isEqualTo("ok(none)");
    stub.drop(handle);
  }

  @Test
  void clientStreamingSendsThenFinishes() {
    WitValue.HandleValue call = (WitValue.HandleValue) stub.invoke("shapes.sum").payload();
    List<WitValue.ResultValue> sent = new ArrayList<>();
    for (int i = 1; i <= 10; i++) {
      sent.add(
          stub.invoke(
              "shapes.sum-call.send", call, wave("shapes.expand", "{n: " + i + ", size: 0}")));
    }
    assertThat(sent).allMatch(WitValue.ResultValue::isOk);
    assertThat(Wave.print(stub.invoke("shapes.sum-call.finish", call)))
        .isEqualTo("ok({n: 55, size: 0})");
  }

  @Test
  void bidiSendsAndReceivesIndependently() {
    WitValue.HandleValue chat = (WitValue.HandleValue) stub.invoke("shapes.chat").payload();
    WitValue hello =
        wave(
            "shapes.echo",
            "{name: \"hello\", count: 1, code: 0, tags: [], scores: [], mask: [], blob: [], color: red, children: [], big: 0}");
    assertThat(stub.invoke("shapes.chat-stream.send", chat, hello).isOk()).isTrue();
    assertThat(Wave.print(stub.invoke("shapes.chat-stream.receive", chat)))
        .contains("name: \"re: hello\"");
    assertThat(stub.invoke("shapes.chat-stream.finish", chat).isOk()).isTrue();
    assertThat(Wave.print(stub.invoke("shapes.chat-stream.receive", chat))).isEqualTo("ok(none)");
    assertThat(Wave.print(stub.invoke("shapes.chat-stream.send", chat, hello))).startsWith("err(");
  }
}
