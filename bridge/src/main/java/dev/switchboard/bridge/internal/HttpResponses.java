package dev.switchboard.bridge.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.switchboard.bridge.ValueException;
import dev.switchboard.bridge.WitTypes;
import dev.switchboard.bridge.WitValue;
import dev.switchboard.wit.Origin;
import dev.switchboard.wit.WitField;
import dev.switchboard.wit.WitFunction;
import dev.switchboard.wit.WitType;
import dev.switchboard.wit.WitTypeRef;
import java.net.http.HttpHeaders;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * An HTTP response as the function's result. The Binding's status map ({@code maps-to} of each
 * documented response; ranges like {@code 4XX} and {@code default} too) picks the ok value or the
 * error case. Ok values are read from the body in its media type and, for functions whose response
 * carries headers, from those headers ({@code ETag} → {@code version}, {@code Last-Modified} →
 * {@code last-updated}, ...). Error bodies in RFC 9457 problem+json (or the common shapes around
 * it) fill {@code validation-error.fields} and {@code not-found}; {@code Retry-After} fills {@code
 * rate-limited.retry-after} in both its forms; everything else lands in {@code failure.details}.
 */
final class HttpResponses {
  private final WitTypes types;
  private final JsonCodec json;
  private final Clock clock;

  HttpResponses(WitTypes types, JsonCodec json, Clock clock) {
    this.types = types;
    this.json = json;
    this.clock = clock;
  }

  WitValue.ResultValue map(WitFunction fn, String template, String id, HttpResponse<byte[]> r) {
    int status = r.statusCode();
    String code = Integer.toString(status);
    Origin spec = documented(fn, code);
    String mapsTo = spec == null ? null : spec.attribute("maps-to");
    boolean success = status >= 200 && status < 300;
    if (mapsTo == null || success && !mapsTo.startsWith("ok")) {
      mapsTo = success ? "ok" : "error." + errorCase(code);
    }
    if (mapsTo.startsWith("ok")) {
      try {
        return WitValue.ok(okValue(fn, mapsTo, r));
      } catch (ValueException e) {
        return ErrorValues.failure(
            "other",
            "the " + code + " response does not match the contract: " + e.getMessage(),
            code,
            text(r.body()));
      }
    }
    return error(mapsTo.substring("error.".length()), r, template, id);
  }

  private static @Nullable Origin documented(WitFunction fn, String status) {
    Origin range = null;
    Origin fallback = null;
    for (Origin o : fn.responses()) {
      String s = String.valueOf(o.attribute("status"));
      if (s.equals(status)) {
        return o;
      }
      if (s.length() == 3
          && s.substring(1).equalsIgnoreCase("XX")
          && s.charAt(0) == status.charAt(0)) {
        range = o;
      }
      if (s.equals("default")) {
        fallback = o;
      }
    }
    return range != null ? range : fallback;
  }

  // ---- ok

  private @Nullable WitValue okValue(WitFunction fn, String mapsTo, HttpResponse<byte[]> r) {
    WitTypeRef ok = fn.ok();
    if (ok == null) {
      return null;
    }
    if (mapsTo.equals("ok.none")) {
      return WitValue.none();
    }
    if (mapsTo.startsWith("ok.") && ok.kind() == WitTypeRef.Kind.NAMED) {
      WitType variant = types.resolve(ok);
      String caseName = mapsTo.substring(3);
      for (WitField c : variant.members()) {
        if (c.name().equals(caseName)) {
          return WitValue.variant(c.name(), c.type() == null ? null : decode(c.type(), r));
        }
      }
      throw new ValueException("", "no case " + caseName + " in " + variant.name());
    }
    if (ok.kind() == WitTypeRef.Kind.OPTION) {
      return r.body().length == 0 && r.headers().firstValue("content-type").isEmpty()
          ? WitValue.none()
          : WitValue.some(decode(ok.args().get(0), r));
    }
    return decode(ok, r);
  }

  private WitValue decode(WitTypeRef type, HttpResponse<byte[]> r) {
    if (type.kind() == WitTypeRef.Kind.NAMED) {
      WitType t = types.resolve(type);
      if (t.kind() == WitType.Kind.RECORD && t.origin().kind() == Origin.Kind.OPENAPI_RESPONSE) {
        return withHeaders(t, r);
      }
    }
    return body(type, r);
  }

  /** A response record: its body (flattened or whole) and its headers. */
  private WitValue withHeaders(WitType t, HttpResponse<byte[]> r) {
    JsonNode node = null;
    boolean parsed = false;
    Map<String, WitValue> fields = new LinkedHashMap<>();
    List<ValueException.Problem> problems = new ArrayList<>();
    for (WitField f : t.members()) {
      Origin o = f.origin();
      WitTypeRef ft = Refs.typeOf(f);
      if ("response-header".equals(o.attribute("in"))) {
        fields.put(f.name(), header(f, r.headers()));
        continue;
      }
      if (f.role() == WitField.Role.BODY) {
        fields.put(f.name(), body(ft, r));
        continue;
      }
      if (!parsed) {
        node = r.body().length == 0 ? null : JsonCodec.parseTree(text(r.body()));
        parsed = true;
      }
      JsonNode v = node == null ? null : node.get(JsonCodec.jsonName(f));
      if (v == null || v.isNull()) {
        if (ft.kind() == WitTypeRef.Kind.OPTION) {
          fields.put(f.name(), WitValue.none());
        } else {
          problems.add(new ValueException.Problem(f.name(), "missing from the response body"));
        }
        continue;
      }
      try {
        fields.put(f.name(), json.fromJson(ft, v, f.name(), true));
      } catch (ValueException e) {
        problems.addAll(e.problems());
      }
    }
    if (!problems.isEmpty()) {
      throw new ValueException(problems);
    }
    return new WitValue.RecordValue(fields);
  }

  private WitValue body(WitTypeRef type, HttpResponse<byte[]> r) {
    String media = r.headers().firstValue("content-type").orElse("").toLowerCase(Locale.ROOT);
    if (isBytes(type)) {
      return WitValue.bytes(r.body());
    }
    if (isString(type) && !media.contains("json")) {
      return WitValue.string(text(r.body()));
    }
    JsonNode node =
        r.body().length == 0
            ? JsonNodeFactory.instance.nullNode()
            : JsonCodec.parseTree(text(r.body()));
    return json.fromJson(type, node, "", true);
  }

  private boolean isBytes(WitTypeRef t) {
    WitTypeRef u = unalias(t);
    return u.kind() == WitTypeRef.Kind.LIST
        && u.args().get(0).kind() == WitTypeRef.Kind.PRIMITIVE
        && u.args().get(0).name().equals("u8");
  }

  private boolean isString(WitTypeRef t) {
    WitTypeRef u = unalias(t);
    return u.kind() == WitTypeRef.Kind.PRIMITIVE && u.name().equals("string");
  }

  private WitTypeRef unalias(WitTypeRef type) {
    WitTypeRef t = type;
    while (t.kind() == WitTypeRef.Kind.NAMED && !JsonCodec.isJsonText(t)) {
      WitType def = types.resolve(t);
      if (def.kind() != WitType.Kind.ALIAS) {
        return t;
      }
      t = Refs.targetOf(def);
    }
    return t;
  }

  /** A response header as its field's type (always an option: headers may be absent). */
  private WitValue header(WitField f, HttpHeaders headers) {
    String name = f.origin().name() == null ? f.name() : String.valueOf(f.origin().name());
    Optional<String> raw = headers.firstValue(name);
    if (raw.isEmpty()) {
      return WitValue.none();
    }
    WitTypeRef t = Refs.typeOf(f);
    WitTypeRef inner = t.kind() == WitTypeRef.Kind.OPTION ? t.args().get(0) : t;
    String text = raw.get();
    if (f.role() == WitField.Role.RETRY_AFTER) {
      Long seconds = retryAfter(headers, clock);
      if (seconds != null) {
        text = Long.toString(seconds);
      }
    }
    WitValue v = headerValue(unalias(inner), text, name);
    return t.kind() == WitTypeRef.Kind.OPTION ? WitValue.some(v) : v;
  }

  private WitValue headerValue(WitTypeRef t, String text, String name) {
    if (t.kind() == WitTypeRef.Kind.PRIMITIVE) {
      switch (t.name()) {
        case "string":
          return WitValue.string(text);
        case "bool":
          return WitValue.bool(Boolean.parseBoolean(text.strip()));
        default:
          JsonNode n;
          try {
            n = JsonCodec.parseTree(text.strip());
          } catch (ValueException e) {
            throw new ValueException(
                name, "header " + name + ": " + text + " is not a " + t.name());
          }
          return json.fromJson(t, n, name, true);
      }
    }
    if (t.kind() == WitTypeRef.Kind.LIST) {
      List<WitValue> items = new ArrayList<>();
      for (String part : text.split(",")) {
        items.add(headerValue(t.args().get(0), part.strip(), name));
      }
      return new WitValue.ListValue(items);
    }
    return json.fromJson(t, JsonNodeFactory.instance.textNode(text), name, true);
  }

  // ---- errors

  private WitValue.ResultValue error(
      String caseName, HttpResponse<byte[]> r, String template, String id) {
    String code = Integer.toString(r.statusCode());
    String body = text(r.body());
    JsonNode node = null;
    if (!body.isBlank()) {
      try {
        node = JsonCodec.parseTree(body);
      } catch (ValueException notJson) {
        node = null;
      }
    }
    String message = message(node, r.statusCode());
    String details = body.isBlank() ? null : body;
    return switch (caseName) {
      case "not-found" -> ErrorValues.notFound(template, id, message);
      case "validation-error" -> ErrorValues.validation(message, violations(node));
      case "rate-limited" -> ErrorValues.rateLimited(retryAfter(r.headers(), clock), message);
      case "unauthorized", "forbidden", "conflict", "timeout", "unavailable", "server-error" ->
          ErrorValues.failure(caseName, message, code, details);
      default -> ErrorValues.failure("other", message, code, details);
    };
  }

  /**
   * RFC 9457's {@code detail}/{@code title}, or the common {@code message}/{@code error} shapes.
   */
  private static String message(@Nullable JsonNode node, int status) {
    if (node != null && node.isObject()) {
      for (JsonNode candidate : List.of(node, node.path("error"))) {
        for (String key : List.of("detail", "message", "title", "error_description")) {
          JsonNode v = candidate.get(key);
          if (v != null && v.isTextual() && !v.asText().isBlank()) {
            return v.asText();
          }
        }
      }
      JsonNode error = node.get("error");
      if (error != null && error.isTextual()) {
        return error.asText();
      }
    }
    return "HTTP " + status;
  }

  /**
   * Field violations from RFC 9457's {@code invalid-params} ({@code name}, {@code reason}) or the
   * common {@code errors}/{@code details}/{@code violations} lists (also under {@code error}).
   */
  private static List<ErrorValues.Violation> violations(@Nullable JsonNode node) {
    List<ErrorValues.Violation> out = new ArrayList<>();
    if (node == null || !node.isObject()) {
      return out;
    }
    for (JsonNode holder : List.of(node, node.path("error"))) {
      for (String key :
          List.of("invalid-params", "invalidParams", "errors", "details", "violations", "fields")) {
        JsonNode list = holder.get(key);
        if (list == null || !list.isArray()) {
          continue;
        }
        for (JsonNode item : list) {
          String field = first(item, "name", "field", "pointer", "path", "param", "location");
          String reason = first(item, "reason", "message", "detail", "description", "msg");
          if (field != null || reason != null) {
            out.add(
                new ErrorValues.Violation(
                    field == null ? "" : field, reason == null ? "" : reason));
          }
        }
        if (!out.isEmpty()) {
          return out;
        }
      }
    }
    return out;
  }

  private static @Nullable String first(JsonNode item, String... keys) {
    if (item.isTextual()) {
      return keys[0].equals("name") ? null : item.asText();
    }
    for (String k : keys) {
      JsonNode v = item.get(k);
      if (v != null && !v.isNull()) {
        return v.isTextual() ? v.asText() : v.toString();
      }
    }
    return null;
  }

  /** {@code Retry-After} in seconds: delta-seconds or an HTTP-date (rounded up, never negative). */
  static @Nullable Long retryAfter(HttpHeaders headers, Clock clock) {
    Optional<String> raw = headers.firstValue("retry-after");
    if (raw.isEmpty()) {
      return null;
    }
    String v = raw.get().strip();
    if (v.matches("\\d+")) {
      try {
        return Long.parseLong(v);
      } catch (NumberFormatException e) {
        return Long.MAX_VALUE;
      }
    }
    try {
      ZonedDateTime at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME);
      Duration d = Duration.between(clock.instant(), at.toInstant());
      if (d.isNegative()) {
        return 0L;
      }
      return d.getSeconds() + (d.getNano() > 0 ? 1 : 0);
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  static String errorCase(String status) {
    return switch (status) {
      case "401" -> "unauthorized";
      case "403" -> "forbidden";
      case "404", "410" -> "not-found";
      case "400", "422" -> "validation-error";
      case "409", "412" -> "conflict";
      case "429" -> "rate-limited";
      case "408", "504" -> "timeout";
      case "503" -> "unavailable";
      default -> status.startsWith("5") ? "server-error" : "other";
    };
  }

  private static String text(byte[] body) {
    return new String(body, StandardCharsets.UTF_8);
  }
}
