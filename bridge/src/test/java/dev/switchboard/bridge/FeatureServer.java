package dev.switchboard.bridge;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A stateful HTTP server for what Prism cannot show: notes with ETags that a PUT must match
 * (If-Match, 412 otherwise), a flaky endpoint answering 503/429 with Retry-After in both forms
 * before it succeeds, and echo endpoints that report exactly what arrived (raw path, query,
 * headers, cookies, multipart parts, form bodies, bytes).
 */
final class FeatureServer implements AutoCloseable {
  private final HttpServer server;
  private final Map<String, String[]> notes = new ConcurrentHashMap<>();
  private final AtomicInteger version = new AtomicInteger(1);
  final AtomicInteger flakyGets = new AtomicInteger();
  final AtomicInteger flakyPosts = new AtomicInteger();
  final List<String> seenAuthorization = new ArrayList<>();
  volatile int failuresBeforeSuccess = 2;

  FeatureServer() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    notes.put("n1", new String[] {"{\"id\":\"n1\",\"text\":\"first\",\"due\":null}", "\"v1\""});
    server.createContext("/v1/notes/", this::notes);
    server.createContext("/v1/styles/", this::styles);
    server.createContext("/v1/flaky", this::flaky);
    server.createContext("/v1/uploads", this::uploads);
    server.createContext("/v1/forms", this::forms);
    server.createContext("/v1/blobs", this::blobs);
    server.start();
  }

  String baseUrl() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
  }

  private void notes(HttpExchange x) throws IOException {
    String id = x.getRequestURI().getPath().substring("/v1/notes/".length());
    synchronized (seenAuthorization) {
      seenAuthorization.add(String.valueOf(x.getRequestHeaders().getFirst("Authorization")));
    }
    String[] note = notes.get(id);
    if (note == null) {
      x.getResponseHeaders().add("Content-Type", "application/problem+json");
      send(
          x,
          404,
          "{\"type\":\"about:blank\",\"title\":\"Not Found\",\"detail\":\"no note " + id + "\"}");
      return;
    }
    if (x.getRequestMethod().equals("PUT")) {
      String ifMatch = x.getRequestHeaders().getFirst("If-Match");
      if (!note[1].equals(ifMatch)) {
        send(x, 412, "");
        return;
      }
      String body = new String(x.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      if (body.contains("\"id\"")) {
        x.getResponseHeaders().add("Content-Type", "application/problem+json");
        send(
            x,
            422,
            "{\"title\":\"read-only property sent\",\"invalid-params\":[{\"name\":\"id\",\"reason\":\"is read-only\"}]}");
        return;
      }
      String stored =
          body.replaceFirst("\\{", "{\"id\":\"" + id + "\",")
              .replaceAll(",\"secret\":\"[^\"]*\"", "");
      note = new String[] {stored, "\"v" + version.incrementAndGet() + "\""};
      notes.put(id, note);
    }
    x.getResponseHeaders().add("ETag", note[1]);
    x.getResponseHeaders().add("Content-Type", "application/json");
    send(x, 200, note[0]);
  }

  private void styles(HttpExchange x) throws IOException {
    Map<String, String> echo = new LinkedHashMap<>();
    echo.put("path", x.getRequestURI().getRawPath());
    echo.put("query", String.valueOf(x.getRequestURI().getRawQuery()));
    echo.put("trace", String.valueOf(x.getRequestHeaders().getFirst("X-Trace")));
    echo.put("cookie", String.valueOf(x.getRequestHeaders().getFirst("Cookie")));
    echo.put("accept", String.valueOf(x.getRequestHeaders().getFirst("Accept")));
    x.getResponseHeaders().add("Content-Type", "application/json");
    send(x, 200, json(echo));
  }

  private void flaky(HttpExchange x) throws IOException {
    if (x.getRequestMethod().equals("POST")) {
      flakyPosts.incrementAndGet();
      x.getResponseHeaders().add("Retry-After", "0");
      send(x, 503, "busy");
      return;
    }
    int n = flakyGets.incrementAndGet();
    if (!"k3y".equals(x.getRequestHeaders().getFirst("X-API-Key"))) {
      send(x, 401, "no key");
      return;
    }
    if (n <= failuresBeforeSuccess) {
      // one failure gives seconds, the next an HTTP-date: both forms of Retry-After
      x.getResponseHeaders()
          .add(
              "Retry-After",
              n % 2 == 1
                  ? "1"
                  : DateTimeFormatter.RFC_1123_DATE_TIME.format(
                      ZonedDateTime.now(ZoneOffset.UTC).plusSeconds(1)));
      send(x, n % 2 == 1 ? 503 : 429, "busy");
      return;
    }
    x.getResponseHeaders().add("Content-Type", "text/plain");
    send(x, 200, "ok after " + n);
  }

  private void uploads(HttpExchange x) throws IOException {
    String type = x.getRequestHeaders().getFirst("Content-Type");
    byte[] body = x.getRequestBody().readAllBytes();
    String boundary = type.substring(type.indexOf("boundary=") + "boundary=".length());
    String text = new String(body, StandardCharsets.ISO_8859_1);
    Map<String, String> parts = new LinkedHashMap<>();
    for (String part : text.split("--" + java.util.regex.Pattern.quote(boundary))) {
      int headEnd = part.indexOf("\r\n\r\n");
      if (headEnd < 0) {
        continue;
      }
      String head = part.substring(0, headEnd);
      String content = part.substring(headEnd + 4, part.length() - 2);
      String name = head.replaceAll("(?s).*name=\"([^\"]*)\".*", "$1");
      String partType = head.replaceAll("(?s).*Content-Type: ([^\r\n]*).*", "$1");
      parts.put(
          name,
          partType
              + (head.contains("filename=") ? " file " : " ")
              + (partType.startsWith("application/octet-stream")
                  ? content.length() + " bytes"
                  : content));
    }
    x.getResponseHeaders().add("Content-Type", "application/json");
    send(x, 201, json(parts));
  }

  private void forms(HttpExchange x) throws IOException {
    String body = new String(x.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
    x.getResponseHeaders().add("Content-Type", "text/plain");
    send(x, 200, x.getRequestHeaders().getFirst("Content-Type") + " " + body);
  }

  private void blobs(HttpExchange x) throws IOException {
    byte[] body = x.getRequestBody().readAllBytes();
    int sum = 0;
    for (byte b : body) {
      sum += b & 0xFF;
    }
    x.getResponseHeaders().add("Content-Type", "text/plain");
    send(
        x,
        200,
        body.length + " bytes, sum " + sum + ", " + x.getRequestHeaders().getFirst("Content-Type"));
  }

  private static String json(Map<String, String> map) {
    StringBuilder out = new StringBuilder("{");
    map.forEach(
        (k, v) -> {
          if (out.length() > 1) {
            out.append(',');
          }
          out.append('"')
              .append(k)
              .append("\":\"")
              .append(v.replace("\\", "\\\\").replace("\"", "\\\""))
              .append('"');
        });
    return out.append('}').toString();
  }

  private static void send(HttpExchange x, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    x.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
    if (bytes.length > 0) {
      x.getResponseBody().write(bytes);
    }
    x.close();
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
