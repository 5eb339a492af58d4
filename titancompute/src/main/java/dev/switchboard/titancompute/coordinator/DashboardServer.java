package dev.switchboard.titancompute.coordinator;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.switchboard.titancompute.v1.AgentState;
import dev.switchboard.titancompute.v1.SystemMetrics;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The live dashboard: one self-contained HTML page (no external scripts, styles or fonts, so it
 * works offline and behind strict networks) that polls {@code /api/status} once a second and draws
 * the per-agent load charts as inline SVG. The page carries a first snapshot, so it shows the
 * agents even before its first poll returns.
 */
final class DashboardServer implements AutoCloseable {
  private static final String INITIAL_MARKER = "/*INITIAL_STATE*/null";

  private final AgentRegistry registry;
  private final RequestLog requests;
  private final Clock clock;
  private final ObjectMapper json = new ObjectMapper();
  private final String page;
  private final HttpServer server;
  private final ExecutorService executor;

  DashboardServer(
      InetSocketAddress address, AgentRegistry registry, RequestLog requests, Clock clock)
      throws IOException {
    this.registry = registry;
    this.requests = requests;
    this.clock = clock;
    this.page = loadPage();
    this.server = HttpServer.create(address, 0);
    this.executor =
        Executors.newFixedThreadPool(
            2,
            r -> {
              Thread t = new Thread(r, "titan-dashboard");
              t.setDaemon(true);
              return t;
            });
    server.setExecutor(executor);
    server.createContext("/", this::handle);
  }

  DashboardServer start() {
    server.start();
    return this;
  }

  int port() {
    return server.getAddress().getPort();
  }

  private static String loadPage() throws IOException {
    try (InputStream in = DashboardServer.class.getResourceAsStream("dashboard.html")) {
      if (in == null) {
        throw new IOException("dashboard.html is missing from the titancompute jar");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      if (!"GET".equals(exchange.getRequestMethod())
          && !"HEAD".equals(exchange.getRequestMethod())) {
        send(exchange, 405, "text/plain", "only GET is supported\n");
        return;
      }
      switch (exchange.getRequestURI().getPath()) {
        case "/", "/index.html" -> {
          // "</" inside a script element would end it early; JSON allows "<\/".
          String state = json.writeValueAsString(snapshot()).replace("</", "<\\/");
          send(exchange, 200, "text/html; charset=utf-8", page.replace(INITIAL_MARKER, state));
        }
        case "/api/status" ->
            send(exchange, 200, "application/json", json.writeValueAsString(snapshot()));
        default ->
            send(
                exchange,
                404,
                "text/plain",
                "not found: " + exchange.getRequestURI().getPath() + "\n");
      }
    }
  }

  private static void send(HttpExchange exchange, int code, String type, String body)
      throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", type);
    exchange.getResponseHeaders().set("Cache-Control", "no-store");
    exchange.sendResponseHeaders(
        code, "HEAD".equals(exchange.getRequestMethod()) ? -1 : bytes.length);
    if (!"HEAD".equals(exchange.getRequestMethod())) {
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(bytes);
      }
    }
  }

  /** The dashboard's JSON: agents with their load history, and the recent requests. */
  ObjectNode snapshot() {
    long now = clock.millis();
    ObjectNode root = json.createObjectNode();
    root.put("now", now);
    root.put("requestsRouted", requests.routedCount());
    root.put("heartbeatTimeoutMs", registry.heartbeatTimeout().toMillis());
    ArrayNode agents = root.putArray("agents");
    for (AgentRecord record : registry.all()) {
      SystemMetrics m = record.metrics();
      ObjectNode agent = agents.addObject();
      agent.put("id", record.agentId());
      agent.put("endpoint", record.endpoint());
      agent.put("state", stateName(record.state()));
      agent.put("engine", record.registration().getEngine());
      ArrayNode models = agent.putArray("models");
      record.models().forEach(models::add);
      agent.put("capacity", record.capacity());
      agent.put("active", m.getActiveStreams());
      agent.put("queue", m.getQueueDepth());
      agent.put("cpu", m.getCpuPercent());
      agent.put("memUsed", m.getMemoryUsedBytes());
      agent.put("memTotal", m.getMemoryTotalBytes());
      agent.put("rttMs", record.rttMs());
      agent.put("lastSeenAgoMs", now - record.lastSeenMillis());
      ArrayNode history = agent.putArray("history");
      for (AgentRecord.LoadPoint point : record.history()) {
        history.addArray().add(point.atUnixMs()).add(point.load()).add(point.cpuPercent());
      }
    }
    ArrayNode recent = root.putArray("recent");
    for (RequestLog.Entry e : requests.recent()) {
      ObjectNode r = recent.addObject();
      r.put("requestId", e.requestId());
      r.put("clientId", e.clientId());
      r.put("model", e.model());
      r.put("agentId", e.agentId());
      r.put("at", e.routedAtUnixMs());
      r.put("routeMs", e.routeMs());
      r.put("streamMs", e.streamMs());
      r.put("firstTokenMs", e.firstTokenMs());
      r.put("tokens", e.tokens());
      r.put("outcome", e.outcome());
    }
    return root;
  }

  static String stateName(AgentState state) {
    return switch (state) {
      case AGENT_STATE_HEALTHY -> "HEALTHY";
      case AGENT_STATE_DEGRADED -> "DEGRADED";
      case AGENT_STATE_UNHEALTHY -> "UNHEALTHY";
      case AGENT_STATE_DRAINING -> "DRAINING";
      default -> "UNKNOWN";
    };
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
