package dev.switchboard.bridge.internal;

import dev.switchboard.bridge.BridgeConfig;
import dev.switchboard.bridge.Call;
import dev.switchboard.bridge.WitTypes;
import dev.switchboard.bridge.WitValue;
import dev.switchboard.wit.Origin;
import dev.switchboard.wit.WitField;
import dev.switchboard.wit.WitFunction;
import dev.switchboard.wit.WitType;
import dev.switchboard.wit.WitTypeRef;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP path for OpenAPI 3.0 operations, on the JDK's {@link HttpClient}: parameters laid out in
 * their styles ({@link HttpParameters}), credentials exactly where the security scheme says, the
 * body in the operation's media type, client-side validation before anything is sent, retries with
 * backoff and jitter for idempotent methods only (honouring {@code Retry-After}), and the response
 * mapped by the Binding's status map to the ok value or an error case ({@link HttpResponses}).
 */
public final class HttpTransport implements Transport {
  private static final Logger log = LoggerFactory.getLogger(HttpTransport.class);
  private static final Set<String> IDEMPOTENT =
      Set.of("GET", "HEAD", "PUT", "DELETE", "OPTIONS", "TRACE");
  private static final Set<Integer> RETRYABLE = Set.of(408, 429, 502, 503, 504);

  private final WitTypes types;
  private final BridgeConfig config;
  private final HttpClient client;
  private final HttpParameters parameters;
  private final JsonCodec json;
  private final Validator validator;
  private final HttpResponses responses;
  private final @Nullable URI baseUrl;
  private final @Nullable String baseUrlProblem;
  private final Clock clock;

  public HttpTransport(WitTypes types, BridgeConfig config) {
    this.types = types;
    this.config = config;
    this.clock = Clock.systemUTC();
    HttpClient.Builder b =
        HttpClient.newBuilder()
            .connectTimeout(config.connectTimeout())
            .followRedirects(HttpClient.Redirect.NORMAL);
    config.tls().ifPresent(tls -> b.sslContext(TlsContexts.sslContext(tls)));
    this.client = b.build();
    this.parameters = new HttpParameters(types);
    this.json = new JsonCodec(types, null, true);
    this.validator = new Validator(types);
    this.responses = new HttpResponses(types, new JsonCodec(types, null, false), clock);
    URI chosen = config.baseUrl().orElse(null);
    String problem = null;
    if (chosen == null) {
      Origin doc = types.binding().mainPackage().origin();
      String servers = doc.attribute("servers");
      String first = servers == null || servers.isBlank() ? null : servers.strip().split("\\s+")[0];
      if (first == null) {
        problem = "the document names no server: configure a base URL";
      } else {
        String url = substitute(first, doc.attribute("server-variables"));
        URI u = URI.create(url);
        if (!u.isAbsolute()) {
          problem =
              "the document's server " + url + " is relative: configure a base URL (--base-url)";
        } else {
          chosen = u;
        }
      }
    }
    this.baseUrl = chosen;
    this.baseUrlProblem = problem;
  }

  private static String substitute(String url, @Nullable String variables) {
    String out = url;
    if (variables != null && !variables.isBlank()) {
      for (String pair : variables.split(" ")) {
        int eq = pair.indexOf('=');
        if (eq > 0) {
          out = out.replace("{" + pair.substring(0, eq) + "}", pair.substring(eq + 1));
        }
      }
    }
    return out;
  }

  @Override
  public boolean idempotent(WitTypes.Function function) {
    String method = function.function().origin().attribute("method");
    return method != null && IDEMPOTENT.contains(method.toUpperCase(Locale.ROOT));
  }

  /** A value bound for the wire: the field that declares it, the value, and its WIT path. */
  private record Bound(WitField field, WitValue value, String path) {}

  @Override
  public WitValue.ResultValue call(Call call) {
    WitTypes.Function f = call.function();
    WitFunction fn = f.function();
    String method = String.valueOf(fn.origin().attribute("method")).toUpperCase(Locale.ROOT);
    String template = String.valueOf(fn.origin().attribute("path"));
    List<Bound> bound = bind(fn, call.arguments());
    if (config.validate()) {
      List<Validator.Item> items = new ArrayList<>();
      bound.forEach(b -> items.add(new Validator.Item(b.field(), b.value(), b.path())));
      List<ErrorValues.Violation> violations = validator.validate(items);
      if (!violations.isEmpty()) {
        return ErrorValues.validation(
            violations.size()
                + " value"
                + (violations.size() == 1 ? " breaks" : "s break")
                + " the contract; nothing was sent",
            violations);
      }
    }
    if (baseUrl == null) {
      return ErrorValues.failure("other", String.valueOf(baseUrlProblem), "NO_BASE_URL", null);
    }
    HttpRequest request;
    try {
      request = request(f, method, template, bound, call.headers());
    } catch (IllegalArgumentException e) {
      return ErrorValues.failure(
          "other", "cannot build the request: " + e.getMessage(), "BAD_REQUEST", null);
    }
    String id = lastPathValue(bound);
    return send(request, call.idempotent(), fn, template, id);
  }

  // ---- binding arguments to wire locations

  private List<Bound> bind(WitFunction fn, List<WitValue> args) {
    List<Bound> out = new ArrayList<>();
    for (int i = 0; i < fn.params().size(); i++) {
      WitField p = fn.params().get(i);
      WitValue v = args.get(i);
      WitTypeRef type = Refs.typeOf(p);
      if ("request".equals(p.origin().attribute("in"))
          && p.origin().kind() == Origin.Kind.OPENAPI_OPERATION
          && type.kind() == WitTypeRef.Kind.NAMED) {
        WitType record = types.resolve(type);
        WitValue.RecordValue r = (WitValue.RecordValue) v;
        for (WitField field : record.members()) {
          WitValue fv = r.get(field.name());
          if (fv != null) {
            out.add(new Bound(field, fv, p.name() + "." + field.name()));
          }
        }
      } else {
        out.add(new Bound(p, v, p.name()));
      }
    }
    return out;
  }

  private static String lastPathValue(List<Bound> bound) {
    String id = "";
    for (Bound b : bound) {
      if ("path".equals(b.field().origin().attribute("in"))
          && b.value() instanceof WitValue.Str s) {
        id = s.value();
      }
    }
    return id;
  }

  private HttpRequest request(
      WitTypes.Function f,
      String method,
      String template,
      List<Bound> bound,
      Map<String, List<String>> callHeaders) {
    WitFunction fn = f.function();
    String path = template;
    List<String> query = new ArrayList<>();
    Map<String, List<String>> headers = new LinkedHashMap<>();
    List<String> cookies = new ArrayList<>();
    List<Bound> body = new ArrayList<>();
    Bound wholeBody = null;
    for (Bound b : bound) {
      Origin o = b.field().origin();
      String in = o.attribute("in");
      if (b.field().role() == WitField.Role.AUTH || "auth".equals(in)) {
        Auth.apply(b.field(), b.value(), headers, query, cookies);
        continue;
      }
      if (b.field().role() == WitField.Role.BODY) {
        wholeBody = b;
        continue;
      }
      if ("body".equals(in)) {
        body.add(b);
        continue;
      }
      String name = o.name() == null ? b.field().name() : o.name();
      HttpParameters.Shape shape = parameters.shape(Refs.typeOf(b.field()), b.value());
      String style = o.attribute("style") == null ? "" : String.valueOf(o.attribute("style"));
      String explodeAttr = o.attribute("explode");
      Boolean explode = explodeAttr == null ? null : Boolean.valueOf(explodeAttr);
      switch (in == null ? "query" : in) {
        case "path" -> {
          String value =
              shape == null
                  ? ""
                  : HttpParameters.path(name, shape, style, Boolean.TRUE.equals(explode));
          path = path.replace("{" + name + "}", value);
        }
        case "header" -> {
          if (shape != null) {
            headers
                .computeIfAbsent(name, k -> new ArrayList<>())
                .add(HttpParameters.header(shape, Boolean.TRUE.equals(explode)));
          }
        }
        case "cookie" -> {
          if (shape != null) {
            cookies.addAll(HttpParameters.cookie(name, shape, explode));
          }
        }
        default -> {
          if (shape != null) {
            query.addAll(
                HttpParameters.query(
                    name, shape, style, explode, "true".equals(o.attribute("allow-reserved"))));
          }
        }
      }
    }
    String base = String.valueOf(baseUrl);
    String url =
        (base.endsWith("/") ? base.substring(0, base.length() - 1) : base)
            + path
            + (query.isEmpty() ? "" : "?" + String.join("&", query));
    HttpRequest.Builder rb = HttpRequest.newBuilder(URI.create(url)).timeout(config.timeout());
    config.httpVersion().ifPresent(rb::version);
    if (config.httpVersion().isEmpty()) {
      rb.version(
          "https".equalsIgnoreCase(URI.create(url).getScheme())
              ? HttpClient.Version.HTTP_2
              : HttpClient.Version.HTTP_1_1);
    }
    String accept = accept(fn);
    if (!accept.isEmpty()) {
      rb.header("Accept", accept);
    }
    HttpRequest.BodyPublisher publisher = HttpRequest.BodyPublishers.noBody();
    if (wholeBody != null || !body.isEmpty()) {
      HttpBodies.Encoded encoded =
          wholeBody != null
              ? HttpBodies.whole(json, parameters, wholeBody.field(), wholeBody.value())
              : HttpBodies.flattened(
                  json,
                  parameters,
                  body.stream().map(Bound::field).toList(),
                  body.stream().map(Bound::value).toList());
      if (encoded != null) {
        rb.header("Content-Type", encoded.contentType());
        publisher = HttpRequest.BodyPublishers.ofByteArray(encoded.bytes());
      }
    }
    for (Map.Entry<String, List<String>> h : config.headers().entrySet()) {
      headers.computeIfAbsent(h.getKey(), k -> new ArrayList<>()).addAll(h.getValue());
    }
    for (Map.Entry<String, List<String>> h : callHeaders.entrySet()) {
      headers.put(h.getKey(), new ArrayList<>(h.getValue()));
    }
    if (!cookies.isEmpty()) {
      headers.computeIfAbsent("Cookie", k -> new ArrayList<>()).add(String.join("; ", cookies));
    }
    for (Map.Entry<String, List<String>> h : headers.entrySet()) {
      for (String v : h.getValue()) {
        rb.header(h.getKey(), v);
      }
    }
    rb.method(method, publisher);
    return rb.build();
  }

  /** The media types the operation documents, successes first, then problem details. */
  private static String accept(WitFunction fn) {
    Set<String> types = new LinkedHashSet<>();
    for (Origin r : fn.responses()) {
      String status = String.valueOf(r.attribute("status"));
      String media = r.attribute("media-types");
      if (status.startsWith("2") && media != null) {
        types.addAll(List.of(media.split(" ")));
      }
    }
    for (Origin r : fn.responses()) {
      String media = r.attribute("media-types");
      if (media != null) {
        types.addAll(List.of(media.split(" ")));
      }
    }
    types.add("application/problem+json");
    return String.join(", ", types);
  }

  // ---- sending

  private WitValue.ResultValue send(
      HttpRequest request, boolean idempotent, WitFunction fn, String template, String id) {
    int attempts = idempotent ? config.maxAttempts() : 1;
    long deadline = System.nanoTime() + config.timeout().toNanos();
    Duration backoff = config.initialBackoff();
    for (int attempt = 1; ; attempt++) {
      HttpResponse<byte[]> response;
      try {
        response = client.send(request, HttpResponse.BodyHandlers.ofByteArray());
      } catch (HttpTimeoutException e) {
        if (attempt < attempts && sleepBefore(attempt, backoff, null, deadline)) {
          backoff = next(backoff);
          continue;
        }
        return ErrorValues.failure(
            "timeout", "no response within " + config.timeout(), "TIMEOUT", null);
      } catch (IOException e) {
        if (attempt < attempts && sleepBefore(attempt, backoff, null, deadline)) {
          backoff = next(backoff);
          continue;
        }
        return ErrorValues.failure(
            "unavailable",
            request.method() + " " + request.uri() + ": " + describe(e),
            "CONNECTION",
            null);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return ErrorValues.failure("other", "interrupted", "INTERRUPTED", null);
      }
      int status = response.statusCode();
      if (RETRYABLE.contains(status) && attempt < attempts) {
        Long retryAfter = HttpResponses.retryAfter(response.headers(), clock);
        if (sleepBefore(attempt, backoff, retryAfter, deadline)) {
          backoff = next(backoff);
          continue;
        }
      }
      return responses.map(fn, template, id, response);
    }
  }

  private Duration next(Duration backoff) {
    Duration doubled = backoff.multipliedBy(2);
    return doubled.compareTo(config.maxBackoff()) > 0 ? config.maxBackoff() : doubled;
  }

  /**
   * Waits before the next attempt: {@code Retry-After} when the server gave one, else full jitter
   * over the backoff. False when that wait would pass the call's deadline.
   */
  private static boolean sleepBefore(
      int attempt, Duration backoff, @Nullable Long retryAfterSeconds, long deadline) {
    long waitNanos =
        retryAfterSeconds != null
            ? Duration.ofSeconds(retryAfterSeconds).toNanos()
            : (long) (ThreadLocalRandom.current().nextDouble() * backoff.toNanos());
    if (System.nanoTime() + waitNanos >= deadline) {
      return false;
    }
    log.debug("retrying after attempt {} in {} ms", attempt, waitNanos / 1_000_000);
    try {
      Thread.sleep(waitNanos / 1_000_000, (int) (waitNanos % 1_000_000));
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private static String describe(IOException e) {
    String m = e.getMessage();
    if (m == null || m.isBlank()) {
      Throwable cause = e.getCause();
      m =
          cause != null && cause.getMessage() != null
              ? cause.getMessage()
              : e.getClass().getSimpleName();
    }
    return m;
  }

  @Override
  public void drop(WitValue.HandleValue handle) {
    // HTTP calls hold no resources between calls.
  }

  @Override
  public void close() {
    // java.net.http.HttpClient on Java 17 has no close(); its threads end when it is unreachable.
  }

  /** Credentials placed where the operation's security scheme says. */
  static final class Auth {
    private Auth() {}

    static void apply(
        WitField field,
        WitValue value,
        Map<String, List<String>> headers,
        List<String> query,
        List<String> cookies) {
      WitValue v = value;
      if (v instanceof WitValue.OptionValue o) {
        if (o.value() == null) {
          return;
        }
        v = o.value();
      }
      String kind = "";
      if (v instanceof WitValue.VariantValue c) {
        kind = c.caseName();
        v = c.payload() == null ? v : c.payload();
      }
      WitValue.RecordValue r = (WitValue.RecordValue) v;
      Origin o = field.origin();
      if (r.get("token") != null || kind.equals("bearer")) {
        String scheme = text(r.get("scheme"));
        headers
            .computeIfAbsent("Authorization", k -> new ArrayList<>())
            .add((scheme.isEmpty() ? "Bearer" : scheme) + " " + text(r.get("token")));
      } else if (r.get("username") != null || kind.equals("basic")) {
        String pair = text(r.get("username")) + ":" + text(r.get("password"));
        headers
            .computeIfAbsent("Authorization", k -> new ArrayList<>())
            .add(
                "Basic "
                    + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8)));
      } else if (r.get("key") != null) {
        String key = text(r.get("key"));
        for (Map.Entry<String, String> a : o.attributes().entrySet()) {
          if (!a.getKey().startsWith("scheme.") || !a.getValue().startsWith("apiKey ")) {
            continue;
          }
          String[] parts = a.getValue().split(" ", 3);
          if (parts.length < 3) {
            continue;
          }
          switch (parts[1]) {
            case "query" ->
                query.add(
                    HttpParameters.encode(parts[2], false)
                        + "="
                        + HttpParameters.encode(key, false));
            case "cookie" -> cookies.add(parts[2] + "=" + HttpParameters.encode(key, false));
            default -> headers.computeIfAbsent(parts[2], k -> new ArrayList<>()).add(key);
          }
          return;
        }
        throw new IllegalArgumentException("the operation declares no apiKey scheme for its key");
      }
    }

    private static String text(@Nullable WitValue v) {
      return v instanceof WitValue.Str s ? s.value() : "";
    }
  }
}
