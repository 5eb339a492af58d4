package dev.switchboard.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * A stateful HTTP peer, run as its own process, that applies side effects and deduplicates them by
 * {@code Idempotency-Key} the way payment APIs do: a repeated key gets the first answer again and
 * applies nothing. It counts what it saw, so tests can tell a duplicated effect from a deduplicated
 * retry, and a replayed call from one that reached the network.
 *
 * <ul>
 *   <li>{@code POST /effects/NAME}: applies one effect to NAME, answers {@code NAME applied #N}
 *   <li>{@code GET /effects/NAME}: how many effects NAME has had
 *   <li>{@code GET /stats}: {@code requests N}, then {@code effect NAME COUNT} and {@code key KEY
 *       REQUESTS} lines
 *   <li>{@code GET /openapi.yaml}: its contract, with this server in {@code servers}, so the bridge
 *       can call it the way it calls any documented API (optional bearer or {@code X-Api-Key}
 *       credentials, which it accepts whatever they are)
 * </ul>
 *
 * <p>Answers are {@code text/plain}. Each effect request is also printed on stdout as {@code
 * request METHOD PATH key=KEY authorization=VALUE x-api-key=VALUE}, so a test can check what really
 * arrived (credentials included). Prints {@code listening PORT} when ready; stops when its standard
 * input closes.
 *
 * <pre>{@code
 * try (EffectServer peer = EffectServer.start()) {
 *   ... calls to peer.baseUrl() ...
 *   assertThat(peer.stats()).containsEntry("effect e1", "1");
 * }
 * }</pre>
 */
public final class EffectServer implements AutoCloseable {
  private static final Pattern LISTENING = Pattern.compile("^listening (\\d+)$");
  private static final Duration START = Duration.ofSeconds(60);

  private final TestProcess process;
  private final int port;

  private EffectServer(TestProcess process, int port) {
    this.process = process;
    this.port = port;
  }

  /** Starts the peer in a fresh JVM and waits until it listens. */
  public static EffectServer start() {
    TestProcess process =
        TestProcess.builder(PeerPrograms.javaMain(EffectServer.class.getName()))
            .name("effect-server")
            .start();
    int port =
        Integer.parseInt(
            Objects.requireNonNull(process.awaitLine(LISTENING, START).group(1), "port"));
    return new EffectServer(process, port);
  }

  /** The peer's port on the loopback address. */
  public int port() {
    return port;
  }

  /** {@code http://127.0.0.1:PORT}. */
  public String baseUrl() {
    return "http://127.0.0.1:" + port;
  }

  /** Where its OpenAPI document is served. */
  public String openApiUrl() {
    return baseUrl() + "/openapi.yaml";
  }

  /** The process, for its output. */
  public TestProcess process() {
    return process;
  }

  /**
   * What the peer counted: {@code requests} (effect requests), {@code effect NAME} (effects
   * applied), {@code key KEY} (requests carrying that key).
   */
  public Map<String, String> stats() {
    HttpResponse<String> response;
    try {
      response =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(URI.create(baseUrl() + "/stats")).build(),
                  HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException("effect-server: /stats failed", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted reading /stats", e);
    }
    Map<String, String> stats = new TreeMap<>();
    for (String line : response.body().split("\n")) {
      int space = line.lastIndexOf(' ');
      if (space > 0) {
        stats.put(line.substring(0, space), line.substring(space + 1));
      }
    }
    return stats;
  }

  /** How many effect requests the peer has received. */
  public int requests() {
    return Integer.parseInt(stats().getOrDefault("requests", "0"));
  }

  /** Stops the peer (SIGTERM, then SIGKILL). */
  @Override
  public void close() {
    process.close();
  }

  // ---- the peer itself

  public static void main(String[] args) throws Exception {
    HttpServer server =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
    String document = document(server.getAddress().getPort());
    State state = new State(document);
    server.createContext("/", state::handle);
    server.start();
    System.out.println("listening " + server.getAddress().getPort());
    System.out.flush();
    while (System.in.read() >= 0) {
      // run until the test closes our stdin
    }
    server.stop(0);
  }

  private static String document(int port) throws IOException {
    try (InputStream in = EffectServer.class.getResourceAsStream("effects-openapi.yaml")) {
      if (in == null) {
        throw new IllegalStateException("effects-openapi.yaml is missing beside EffectServer");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8)
          .replace("${port}", Integer.toString(port));
    }
  }

  /** What the peer has applied and seen. */
  private static final class State {
    private final String document;
    // Guarded by this.
    private final Map<String, Integer> effects = new TreeMap<>();
    private final Map<String, String> answersByKey = new TreeMap<>();
    private final Map<String, Integer> requestsByKey = new TreeMap<>();
    private int requests;

    State(String document) {
      this.document = document;
    }

    void handle(HttpExchange exchange) throws IOException {
      byte[] body;
      int status = 200;
      String type = "text/plain; charset=utf-8";
      synchronized (this) {
        exchange.getRequestBody().readAllBytes();
        String path = exchange.getRequestURI().getPath();
        String method = exchange.getRequestMethod();
        if (path.equals("/stats")) {
          StringBuilder out = new StringBuilder("requests " + requests + "\n");
          effects.forEach(
              (k, v) -> out.append("effect ").append(k).append(' ').append(v).append('\n'));
          requestsByKey.forEach(
              (k, v) -> out.append("key ").append(k).append(' ').append(v).append('\n'));
          body = out.toString().getBytes(StandardCharsets.UTF_8);
        } else if (path.equals("/openapi.yaml")) {
          type = "application/yaml";
          body = document.getBytes(StandardCharsets.UTF_8);
        } else if (path.startsWith("/effects/")) {
          requests++;
          String name = path.substring("/effects/".length());
          String key = exchange.getRequestHeaders().getFirst("Idempotency-Key");
          System.out.println(
              "request "
                  + method
                  + " "
                  + path
                  + " key="
                  + key
                  + " authorization="
                  + exchange.getRequestHeaders().getFirst("Authorization")
                  + " x-api-key="
                  + exchange.getRequestHeaders().getFirst("X-Api-Key"));
          System.out.flush();
          if (method.equals("POST")) {
            String answer = key == null ? null : answersByKey.get(key);
            if (key != null) {
              requestsByKey.merge(key, 1, Integer::sum);
            }
            if (answer == null) {
              int n = effects.merge(name, 1, Integer::sum);
              answer = name + " applied #" + n;
              if (key != null) {
                answersByKey.put(key, answer);
              }
            }
            body = answer.getBytes(StandardCharsets.UTF_8);
          } else {
            body = String.valueOf(effects.getOrDefault(name, 0)).getBytes(StandardCharsets.UTF_8);
          }
        } else {
          status = 404;
          body = "no such path".getBytes(StandardCharsets.UTF_8);
        }
      }
      exchange.getResponseHeaders().set("Content-Type", type);
      exchange.sendResponseHeaders(status, body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    }
  }
}
