package dev.switchboard.durable;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;

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
 * </ul>
 *
 * <p>Prints {@code listening PORT} when ready. Stops when its standard input closes.
 */
public final class EffectServer {
  private final Map<String, Integer> effects = new TreeMap<>();
  private final Map<String, String> answersByKey = new TreeMap<>();
  private final Map<String, Integer> requestsByKey = new TreeMap<>();
  private int requests;

  public static void main(String[] args) throws Exception {
    EffectServer state = new EffectServer();
    HttpServer server =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
    server.createContext("/", state::handle);
    server.start();
    System.out.println("listening " + server.getAddress().getPort());
    System.out.flush();
    while (System.in.read() >= 0) {
      // run until the test closes our stdin
    }
    server.stop(0);
  }

  private void handle(HttpExchange exchange) throws IOException {
    byte[] body;
    int status = 200;
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
      } else if (path.startsWith("/effects/")) {
        requests++;
        String name = path.substring("/effects/".length());
        if (method.equals("POST")) {
          String key = exchange.getRequestHeaders().getFirst("Idempotency-Key");
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
    exchange.sendResponseHeaders(status, body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }
}
