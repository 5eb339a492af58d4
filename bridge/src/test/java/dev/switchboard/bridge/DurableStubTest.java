package dev.switchboard.bridge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import dev.switchboard.contract.OpenApiContract;
import dev.switchboard.durable.DivergenceException;
import dev.switchboard.durable.Durable;
import dev.switchboard.durable.Idempotency;
import dev.switchboard.durable.OplogEntry;
import dev.switchboard.durable.OplogStore;
import dev.switchboard.durable.Worker;
import dev.switchboard.testing.FreePorts;
import dev.switchboard.wit.OpenApiTranslator;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Stubs opened on a durable worker ({@link Bridge#open(WitTypes, BridgeConfig, Worker)}) against a
 * counting HTTP server on a real socket, with a SQLite oplog: what is recorded, what a replay sends
 * (nothing), what the request carries (the key, the credentials), what is stored (never a
 * credential or a sensitive value), what is thrown instead of recorded, and {@link Bridge#replay}.
 */
class DurableStubTest {
  private static final String TOKEN = "tok-5e1f0a";

  @TempDir Path dir;
  private HttpServer server;
  private final Map<String, Integer> effects = new TreeMap<>();
  private final List<String> requests = new CopyOnWriteArrayList<>();
  private WitTypes types;

  @BeforeEach
  void start() throws Exception {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
    server.createContext(
        "/effects/",
        exchange -> {
          exchange.getRequestBody().readAllBytes();
          String name = exchange.getRequestURI().getPath().substring("/effects/".length());
          String method = exchange.getRequestMethod();
          requests.add(
              method
                  + " "
                  + name
                  + " key="
                  + exchange.getRequestHeaders().getFirst("Idempotency-Key")
                  + " auth="
                  + exchange.getRequestHeaders().getFirst("Authorization"));
          String answer;
          synchronized (effects) {
            answer =
                method.equals("POST")
                    ? name + " applied #" + effects.merge(name, 1, Integer::sum)
                    : String.valueOf(effects.getOrDefault(name, 0));
          }
          byte[] body = answer.getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().set("Content-Type", "text/plain");
          exchange.sendResponseHeaders(200, body.length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
          }
        });
    server.start();
    Path document = dir.resolve("effects-openapi.yaml");
    try (InputStream in =
        dev.switchboard.testing.EffectServer.class.getResourceAsStream("effects-openapi.yaml")) {
      assertThat(in).as("the effects document beside EffectServer").isNotNull();
      Files.writeString(
          document,
          new String(in.readAllBytes(), StandardCharsets.UTF_8)
              .replace("${port}", Integer.toString(server.getAddress().getPort())));
    }
    types =
        WitTypes.of(
            OpenApiTranslator.create().translate(OpenApiContract.load(document.toString())));
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  private BridgeConfig config() {
    return BridgeConfig.builder()
        .bearerToken(Secret.of(TOKEN))
        .honoursIdempotencyKeys(true)
        .sensitiveField("name")
        .maxAttempts(1)
        .build();
  }

  @Test
  void recordsEachCallAndReplaysItWithoutTheNetwork() throws Exception {
    try (OplogStore store = OplogStore.sqlite(dir.resolve("oplog"));
        Durable durable = Durable.open(store)) {
      try (Worker worker = durable.worker("w1");
          Stub stub = Bridge.open(types, config(), worker)) {
        assertThat(Wave.print(stub.invoke("effects-resource.post", WitValue.string("card-4242"))))
            .isEqualTo("ok(\"card-4242 applied #1\")");
        assertThat(Wave.print(stub.invoke("effects-resource.get", WitValue.string("card-4242"))))
            .isEqualTo("ok(\"1\")");
      }
      assertThat(requests).hasSize(2);
      assertThat(requests.get(0)).matches("POST card-4242 key=[0-9a-f-]{36} auth=Bearer " + TOKEN);
      assertThat(requests.get(1)).isEqualTo("GET card-4242 key=null auth=Bearer " + TOKEN);

      try (Worker worker = durable.worker("w1");
          Stub stub = Bridge.open(types, config(), worker)) {
        assertThat(Wave.print(stub.invoke("effects-resource.post", WitValue.string("card-4242"))))
            .isEqualTo("ok(\"card-4242 applied #1\")");
        assertThat(Wave.print(stub.invoke("effects-resource.get", WitValue.string("card-4242"))))
            .isEqualTo("ok(\"1\")");
        assertThat(requests).as("a replayed call sends nothing").hasSize(2);
        assertThat(worker.isReplaying()).isFalse();
        stub.invoke("effects-resource.post", WitValue.string("card-4242"));
        assertThat(requests).hasSize(3);
      }

      List<OplogEntry> entries = durable.history("w1").entries();
      assertThat(entries).extracting(OplogEntry::request).containsOnly("\"<redacted>\"");
      assertThat(entries.get(0).idempotency()).isEqualTo(Idempotency.KEYED);
      assertThat(entries.get(1).idempotency()).isEqualTo(Idempotency.IDEMPOTENT);
      // Results are stored as returned (replay must return them), so only requests are masked.
      assertThat(stored(dir.resolve("oplog"))).as("the oplog's files").doesNotContain(TOKEN);

      try (Worker worker = durable.worker("w1")) {
        List<Bridge.Replayed> replayed = Bridge.replay(types, worker);
        assertThat(replayed)
            .extracting(r -> r.sequence() + " " + r.function() + " " + Wave.print(r.result()))
            .containsExactly(
                "1 effects-resource.post ok(\"card-4242 applied #1\")",
                "2 effects-resource.get ok(\"1\")",
                "3 effects-resource.post ok(\"card-4242 applied #2\")");
      }
      assertThat(requests).as("replay sends nothing").hasSize(3);
    }
  }

  @Test
  void aDifferentCallOnReplayIsADivergence() throws Exception {
    BridgeConfig plain = BridgeConfig.builder().maxAttempts(1).build();
    try (OplogStore store = OplogStore.sqlite(dir.resolve("oplog"));
        Durable durable = Durable.open(store)) {
      try (Worker worker = durable.worker("w2");
          Stub stub = Bridge.open(types, plain, worker)) {
        stub.invoke("effects-resource.post", WitValue.string("a"));
      }
      try (Worker worker = durable.worker("w2");
          Stub stub = Bridge.open(types, plain, worker)) {
        assertThatThrownBy(() -> stub.invoke("effects-resource.post", WitValue.string("b")))
            .isInstanceOf(DivergenceException.class)
            .hasMessageContaining("diverged from its oplog at #1")
            .hasMessageContaining("recorded: \"a\"")
            .hasMessageContaining("now:      \"b\"");
      }
      assertThat(requests).hasSize(1);
    }
  }

  @Test
  void replayAgainstAChangedContractNamesTheEntry() throws Exception {
    BridgeConfig plain = BridgeConfig.builder().maxAttempts(1).build();
    try (OplogStore store = OplogStore.sqlite(dir.resolve("oplog"));
        Durable durable = Durable.open(store)) {
      try (Worker worker = durable.worker("w4");
          Stub stub = Bridge.open(types, plain, worker)) {
        stub.invoke("effects-resource.get", WitValue.string("a"));
      }
      try (Worker worker = durable.worker("w4")) {
        assertThat(Bridge.replay(types, worker)).hasSize(1);
      }
      try (Worker worker = durable.worker("w4")) {
        WitTypes renamed =
            WitTypes.of(
                OpenApiTranslator.create()
                    .translate(
                        OpenApiContract.load(
                            write(
                                    "renamed.yaml",
                                    Files.readString(dir.resolve("effects-openapi.yaml"))
                                        .replace("/effects/{name}", "/items/{name}"))
                                .toString())));
        assertThatThrownBy(() -> Bridge.replay(renamed, worker))
            .isInstanceOf(ValueException.class)
            .hasMessageStartingWith("oplog entry #1: effects-resource.get: unknown function");
      }
    }
    assertThat(requests).hasSize(1);
  }

  private Path write(String name, String text) throws Exception {
    Path file = dir.resolve(name);
    Files.writeString(file, text);
    return file;
  }

  @Test
  void noAnswerIsThrownNotRecorded() throws Exception {
    BridgeConfig unreachable =
        BridgeConfig.builder()
            .baseUrl(URI.create("http://127.0.0.1:" + FreePorts.pick()))
            .maxAttempts(1)
            .build();
    try (OplogStore store = OplogStore.sqlite(dir.resolve("oplog"));
        Durable durable = Durable.open(store);
        Worker worker = durable.worker("w3");
        Stub stub = Bridge.open(types, unreachable, worker)) {
      assertThatThrownBy(() -> stub.invoke("effects-resource.get", WitValue.string("x")))
          .isInstanceOf(TransientFailureException.class)
          .hasMessageContaining("no result was recorded")
          .satisfies(
              e ->
                  assertThat(Wave.print(((TransientFailureException) e).result()))
                      .startsWith("err(unavailable("));
      assertThat(durable.history("w3").entries()).as("an idempotent call leaves nothing").isEmpty();
      assertThatThrownBy(() -> stub.invoke("effects-resource.post", WitValue.string("x")))
          .isInstanceOf(TransientFailureException.class);
      assertThat(durable.history("w3").entries())
          .singleElement()
          .satisfies(e -> assertThat(e.isOpen()).as("the intent stays open").isTrue());
    }
  }

  private static String stored(Path directory) throws Exception {
    StringBuilder all = new StringBuilder();
    try (Stream<Path> files = Files.walk(directory)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        all.append(new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1));
      }
    }
    return all.toString();
  }
}
