package dev.switchboard.titancompute.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The HTTP plumbing the two HTTP engines share: post JSON, read the streamed body line by line as
 * it arrives, and turn failures into {@link EngineException}s that name the engine and URL.
 */
final class HttpEngineSupport {
  static final ObjectMapper JSON = new ObjectMapper();

  /** Receives one line of the body; returns false to stop reading. */
  interface LineHandler {
    boolean line(String line) throws EngineException;
  }

  private final HttpClient http;
  private final String engine;

  HttpEngineSupport(HttpClient http, String engine) {
    this.http = http;
    this.engine = engine;
  }

  static URI resolve(URI base, String path) {
    String b = base.toString();
    return URI.create(b.endsWith("/") ? b.substring(0, b.length() - 1) + path : b + path);
  }

  /**
   * Extra request parameters go into {@code target} with JSON types guessed from the text, so that
   * {@code top_p=0.9} arrives as a number, as the engines expect.
   */
  static void putParameters(ObjectNode target, Map<String, String> parameters) {
    for (Map.Entry<String, String> p : parameters.entrySet()) {
      String v = p.getValue();
      if (v.equals("true") || v.equals("false")) {
        target.put(p.getKey(), Boolean.parseBoolean(v));
      } else if (v.matches("-?[0-9]+")) {
        target.put(p.getKey(), Long.parseLong(v));
      } else if (v.matches("-?[0-9]*\\.[0-9]+([eE][-+]?[0-9]+)?")) {
        target.put(p.getKey(), Double.parseDouble(v));
      } else {
        target.put(p.getKey(), v);
      }
    }
  }

  void postStreaming(URI uri, JsonNode body, Map<String, String> headers, LineHandler handler)
      throws EngineException, InterruptedException {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(uri)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body.toString(), StandardCharsets.UTF_8));
    headers.forEach(request::header);
    HttpResponse<InputStream> response;
    try {
      response = http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
    } catch (ConnectException e) {
      throw new EngineException(
          "cannot reach the " + engine + " engine at " + uri + " (connection refused)", e);
    } catch (HttpTimeoutException e) {
      throw new EngineException(
          "the " + engine + " engine at " + uri + " did not answer in time", e);
    } catch (IOException e) {
      throw new EngineException(
          "cannot reach the " + engine + " engine at " + uri + ": " + e.getMessage(), e);
    }
    try (InputStream in = response.body();
        BufferedReader reader =
            new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      if (response.statusCode() != 200) {
        String text = new String(in.readNBytes(4096), StandardCharsets.UTF_8).strip();
        throw new EngineException(
            "the "
                + engine
                + " engine at "
                + uri
                + " answered HTTP "
                + response.statusCode()
                + ": "
                + errorMessage(text));
      }
      String line;
      while ((line = reader.readLine()) != null) {
        if (Thread.interrupted()) {
          throw new InterruptedException();
        }
        if (!handler.line(line)) {
          return;
        }
      }
    } catch (IOException e) {
      if (Thread.currentThread().isInterrupted()) {
        throw new InterruptedException();
      }
      throw new EngineException("the " + engine + " engine's stream broke: " + e.getMessage(), e);
    }
  }

  /** The "error" text of a JSON error body (both engines answer that way), else the body itself. */
  static String errorMessage(String body) {
    try {
      JsonNode node = JSON.readTree(body);
      JsonNode error = node.path("error");
      if (error.isTextual()) {
        return error.asText();
      }
      if (error.path("message").isTextual()) {
        return error.path("message").asText();
      }
    } catch (IOException notJson) {
      // fall through: show the raw text
    }
    return body.isEmpty() ? "(empty body)" : body;
  }

  JsonNode parse(String line) throws EngineException {
    try {
      return JSON.readTree(line);
    } catch (IOException e) {
      throw new EngineException(
          "the "
              + engine
              + " engine sent a line that is not JSON: "
              + (line.length() > 200 ? line.substring(0, 200) + "…" : line));
    }
  }
}
