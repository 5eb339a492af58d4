package dev.switchboard.bridge.internal;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.bridge.WitValue;
import dev.switchboard.wit.WitField;
import dev.switchboard.wit.WitTypeRef;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * Request bodies in the media type the operation declares: JSON (read-only properties left out,
 * required-but-nullable ones sent as {@code null}), {@code application/x-www-form-urlencoded},
 * {@code multipart/form-data} (binary fields as file parts), text, and raw bytes.
 */
final class HttpBodies {
  record Encoded(String contentType, byte[] bytes) {}

  private HttpBodies() {}

  /** A body carried whole by one field ({@code body}). Null when the value is {@code none}. */
  static @Nullable Encoded whole(
      JsonCodec json, HttpParameters params, WitField field, WitValue value) {
    WitValue v = value;
    WitTypeRef type = Refs.typeOf(field);
    if (v instanceof WitValue.OptionValue o) {
      if (o.value() == null) {
        return null;
      }
      v = o.value();
      if (type.kind() == WitTypeRef.Kind.OPTION) {
        type = type.args().get(0);
      }
    }
    String media = media(field);
    String lower = media.toLowerCase(Locale.ROOT);
    if (lower.contains("json")) {
      return new Encoded(media, json.toJson(type, v).toString().getBytes(StandardCharsets.UTF_8));
    }
    if (v instanceof WitValue.Str s) {
      return new Encoded(media, s.value().getBytes(StandardCharsets.UTF_8));
    }
    if (v instanceof WitValue.ListValue l
        && type.kind() == WitTypeRef.Kind.LIST
        && "u8".equals(type.args().get(0).name())) {
      return new Encoded(media, l.bytes());
    }
    if (lower.startsWith("application/x-www-form-urlencoded") || lower.startsWith("multipart/")) {
      HttpParameters.Shape shape = params.shape(type, v);
      if (shape instanceof HttpParameters.Pairs pairs) {
        List<String> parts = new ArrayList<>();
        pairs
            .entries()
            .forEach(
                e ->
                    parts.add(
                        HttpParameters.formEncode(e.getKey())
                            + "="
                            + HttpParameters.formEncode(e.getValue())));
        return new Encoded(media, String.join("&", parts).getBytes(StandardCharsets.UTF_8));
      }
    }
    return new Encoded(media, params.text(type, v).getBytes(StandardCharsets.UTF_8));
  }

  /** A body whose properties were flattened into the request, one field each. */
  static @Nullable Encoded flattened(
      JsonCodec json, HttpParameters params, List<WitField> fields, List<WitValue> values) {
    String media = media(fields.get(0));
    String lower = media.toLowerCase(Locale.ROOT);
    if (lower.startsWith("multipart/")) {
      return multipart(json, params, fields, values);
    }
    if (lower.startsWith("application/x-www-form-urlencoded")) {
      List<String> parts = new ArrayList<>();
      for (int i = 0; i < fields.size(); i++) {
        WitField f = fields.get(i);
        HttpParameters.Shape shape = params.shape(Refs.typeOf(f), values.get(i));
        if (shape == null || "true".equals(f.origin().attribute("read-only"))) {
          continue;
        }
        for (String pair :
            HttpParameters.query(JsonCodec.jsonName(f), shape, "form", null, false)) {
          parts.add(pair.replace("%20", "+"));
        }
      }
      return new Encoded(media, String.join("&", parts).getBytes(StandardCharsets.UTF_8));
    }
    ObjectNode obj = JsonNodeFactory.instance.objectNode();
    for (int i = 0; i < fields.size(); i++) {
      WitField f = fields.get(i);
      WitValue v = values.get(i);
      if ("true".equals(f.origin().attribute("read-only"))) {
        continue;
      }
      if (v instanceof WitValue.OptionValue o && o.value() == null) {
        if (f.rules().required()) {
          obj.putNull(JsonCodec.jsonName(f));
        }
        continue;
      }
      obj.set(JsonCodec.jsonName(f), json.toJson(Refs.typeOf(f), v));
    }
    return new Encoded(media, obj.toString().getBytes(StandardCharsets.UTF_8));
  }

  private static Encoded multipart(
      JsonCodec json, HttpParameters params, List<WitField> fields, List<WitValue> values) {
    String boundary = "switchboard-" + UUID.randomUUID();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int i = 0; i < fields.size(); i++) {
      WitField f = fields.get(i);
      WitValue v = values.get(i);
      WitTypeRef type = Refs.typeOf(f);
      if (v instanceof WitValue.OptionValue o) {
        if (o.value() == null) {
          continue;
        }
        v = o.value();
        type = type.kind() == WitTypeRef.Kind.OPTION ? type.args().get(0) : type;
      }
      String name = JsonCodec.jsonName(f);
      byte[] content;
      String contentType;
      String filename = null;
      if (v instanceof WitValue.ListValue l
          && type.kind() == WitTypeRef.Kind.LIST
          && "u8".equals(type.args().get(0).name())) {
        content = l.bytes();
        contentType = "application/octet-stream";
        filename = name;
      } else if (v instanceof WitValue.Str s) {
        content = s.value().getBytes(StandardCharsets.UTF_8);
        contentType = "text/plain; charset=UTF-8";
      } else if (v instanceof WitValue.RecordValue || v instanceof WitValue.ListValue) {
        content = json.toJson(type, v).toString().getBytes(StandardCharsets.UTF_8);
        contentType = "application/json";
      } else {
        content = params.text(type, v).getBytes(StandardCharsets.UTF_8);
        contentType = "text/plain; charset=UTF-8";
      }
      StringBuilder head = new StringBuilder();
      head.append("--").append(boundary).append("\r\n");
      head.append("Content-Disposition: form-data; name=\"").append(quote(name)).append('"');
      if (filename != null) {
        head.append("; filename=\"").append(quote(filename)).append('"');
      }
      head.append("\r\nContent-Type: ").append(contentType).append("\r\n\r\n");
      out.writeBytes(head.toString().getBytes(StandardCharsets.UTF_8));
      out.writeBytes(content);
      out.writeBytes("\r\n".getBytes(StandardCharsets.UTF_8));
    }
    out.writeBytes(("--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
    return new Encoded("multipart/form-data; boundary=" + boundary, out.toByteArray());
  }

  private static String quote(String s) {
    return s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\r", "").replace("\n", "");
  }

  private static String media(WitField f) {
    String m = f.origin().attribute("media-type");
    return m == null ? "application/json" : m;
  }
}
