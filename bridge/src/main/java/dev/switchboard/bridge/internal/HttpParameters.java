package dev.switchboard.bridge.internal;

import dev.switchboard.bridge.WitTypes;
import dev.switchboard.bridge.WitValue;
import dev.switchboard.wit.WitField;
import dev.switchboard.wit.WitType;
import dev.switchboard.wit.WitTypeRef;
import java.nio.charset.StandardCharsets;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * OpenAPI 3.0 parameter serialisation: the {@code style}s {@code matrix}, {@code label}, {@code
 * simple}, {@code form}, {@code spaceDelimited}, {@code pipeDelimited} and {@code deepObject}, with
 * and without {@code explode}, for primitives, arrays and objects, percent-encoded as RFC 6570 and
 * RFC 3986 say (reserved characters kept only with {@code allowReserved}).
 *
 * <p>A value first becomes a {@link Shape} (text, a list of texts, or name/text pairs), which the
 * style then lays out; the defaults are those of the specification: {@code simple} in path and
 * header, {@code form} in query and cookie, {@code explode} only for {@code form}.
 */
public final class HttpParameters {
  private static final String UNRESERVED_EXTRA = "-._~";
  private static final String RESERVED = ":/?[]@!$&'()*+,;=";

  private final WitTypes types;
  private final JsonCodec json;

  HttpParameters(WitTypes types) {
    this.types = types;
    this.json = new JsonCodec(types, null, true);
  }

  /** A parameter value reduced to what URI templates can express. */
  sealed interface Shape permits Text, Items, Pairs {}

  record Text(String value) implements Shape {}

  record Items(List<String> values) implements Shape {}

  record Pairs(List<Map.Entry<String, String>> entries) implements Shape {}

  // ---- values to shapes

  /** The value's shape, or null when it is absent ({@code none}). */
  @Nullable Shape shape(WitTypeRef type, WitValue value) {
    if (value instanceof WitValue.OptionValue o) {
      if (o.value() == null) {
        return null;
      }
      return shape(type.kind() == WitTypeRef.Kind.OPTION ? type.args().get(0) : type, o.value());
    }
    WitTypeRef t = unalias(type);
    if (value instanceof WitValue.ListValue l && t.kind() == WitTypeRef.Kind.LIST) {
      WitTypeRef element = t.args().get(0);
      if (element.kind() == WitTypeRef.Kind.TUPLE && element.args().size() == 2) {
        List<Map.Entry<String, String>> pairs = new ArrayList<>();
        for (WitValue e : l.elements()) {
          WitValue.TupleValue kv = (WitValue.TupleValue) e;
          pairs.add(
              new AbstractMap.SimpleImmutableEntry<>(
                  text(element.args().get(0), kv.elements().get(0)),
                  text(element.args().get(1), kv.elements().get(1))));
        }
        return new Pairs(pairs);
      }
      List<String> items = new ArrayList<>();
      for (WitValue e : l.elements()) {
        items.add(text(element, e));
      }
      return new Items(items);
    }
    if (value instanceof WitValue.FlagsValue f && t.kind() == WitTypeRef.Kind.NAMED) {
      WitType def = types.resolve(t);
      List<String> items = new ArrayList<>();
      for (WitField c : def.members()) {
        if (f.names().contains(c.name())) {
          items.add(JsonCodec.literal(c));
        }
      }
      return new Items(items);
    }
    if (value instanceof WitValue.RecordValue r && t.kind() == WitTypeRef.Kind.NAMED) {
      WitType def = types.resolve(t);
      List<Map.Entry<String, String>> pairs = new ArrayList<>();
      for (WitField f : def.members()) {
        WitValue v = r.get(f.name());
        if (v == null || v instanceof WitValue.OptionValue o && o.value() == null) {
          continue;
        }
        pairs.add(
            new AbstractMap.SimpleImmutableEntry<>(JsonCodec.jsonName(f), text(Refs.typeOf(f), v)));
      }
      return new Pairs(pairs);
    }
    if (value instanceof WitValue.VariantValue v && t.kind() == WitTypeRef.Kind.NAMED) {
      WitType def = types.resolve(t);
      for (WitField c : def.members()) {
        if (c.name().equals(v.caseName())) {
          return c.type() == null || v.payload() == null
              ? new Text(JsonCodec.literal(c))
              : shape(c.type(), v.payload());
        }
      }
    }
    return new Text(text(type, value));
  }

  /** One scalar as text: literals for enum cases, shortest decimals for floats, JSON otherwise. */
  String text(WitTypeRef type, WitValue value) {
    WitTypeRef t = type.kind() == WitTypeRef.Kind.OPTION ? type.args().get(0) : type;
    if (value instanceof WitValue.OptionValue o) {
      return o.value() == null ? "" : text(t, o.value());
    }
    if (value instanceof WitValue.Str s) {
      return s.value();
    }
    if (value instanceof WitValue.EnumValue e) {
      WitType def = types.resolve(unalias(t));
      for (WitField c : def.members()) {
        if (c.name().equals(e.caseName())) {
          return JsonCodec.literal(c);
        }
      }
      return e.caseName();
    }
    if (value instanceof WitValue.F32 f) {
      return WavePrinter.shortest(f.value());
    }
    if (value instanceof WitValue.F64 f) {
      return WavePrinter.shortest(f.value());
    }
    if (value instanceof WitValue.Char c) {
      return new String(Character.toChars(c.codePoint()));
    }
    if (value instanceof WitValue.U64 n) {
      return Long.toUnsignedString(n.value());
    }
    if (value instanceof WitValue.Bool
        || value instanceof WitValue.S8
        || value instanceof WitValue.S16
        || value instanceof WitValue.S32
        || value instanceof WitValue.S64
        || value instanceof WitValue.U8
        || value instanceof WitValue.U16
        || value instanceof WitValue.U32) {
      return WavePrinter.print(value);
    }
    // Anything nested deeper than a URI template can say travels as its JSON.
    return json.toJson(type, value).toString();
  }

  private WitTypeRef unalias(WitTypeRef type) {
    WitTypeRef t = type;
    while (t.kind() == WitTypeRef.Kind.NAMED) {
      WitType def = types.resolve(t);
      if (def.kind() != WitType.Kind.ALIAS || JsonCodec.isJsonText(t)) {
        return t;
      }
      t = Refs.targetOf(def);
    }
    return t;
  }

  // ---- styles

  /** A path parameter's replacement for {@code {name}}: simple, label or matrix. */
  static String path(String name, Shape shape, String style, boolean explode) {
    String s = style.isEmpty() ? "simple" : style;
    return switch (s) {
      case "label" -> "." + join(shape, explode ? "." : ",", explode, name, ".", false, false);
      case "matrix" -> matrix(name, shape, explode);
      default -> join(shape, ",", explode, name, ",", false, false);
    };
  }

  private static String matrix(String name, Shape shape, boolean explode) {
    String n = encode(name, false);
    if (shape instanceof Text t) {
      return ";" + n + (t.value().isEmpty() ? "" : "=" + encode(t.value(), false));
    }
    if (shape instanceof Items items) {
      if (!explode) {
        return ";" + n + "=" + String.join(",", encodeAll(items.values(), false));
      }
      StringBuilder out = new StringBuilder();
      for (String v : items.values()) {
        out.append(';').append(n).append('=').append(encode(v, false));
      }
      return out.toString();
    }
    Pairs pairs = (Pairs) shape;
    StringBuilder out = new StringBuilder();
    if (!explode) {
      out.append(';').append(n).append('=');
      boolean first = true;
      for (Map.Entry<String, String> e : pairs.entries()) {
        out.append(first ? "" : ",")
            .append(encode(e.getKey(), false))
            .append(',')
            .append(encode(e.getValue(), false));
        first = false;
      }
      return out.toString();
    }
    for (Map.Entry<String, String> e : pairs.entries()) {
      out.append(';')
          .append(encode(e.getKey(), false))
          .append('=')
          .append(encode(e.getValue(), false));
    }
    return out.toString();
  }

  /**
   * The value part of simple and label styles: items joined by {@code separator}; pairs as {@code
   * k,v,k,v}, or {@code k=v} joined by {@code explodedSeparator} when exploded.
   */
  private static String join(
      Shape shape,
      String separator,
      boolean explode,
      String name,
      String explodedSeparator,
      boolean allowReserved,
      boolean header) {
    if (shape instanceof Text t) {
      return header ? t.value() : encode(t.value(), allowReserved);
    }
    if (shape instanceof Items items) {
      List<String> parts = header ? items.values() : encodeAll(items.values(), allowReserved);
      return String.join(separator, parts);
    }
    List<String> parts = new ArrayList<>();
    for (Map.Entry<String, String> e : ((Pairs) shape).entries()) {
      String k = header ? e.getKey() : encode(e.getKey(), allowReserved);
      String v = header ? e.getValue() : encode(e.getValue(), allowReserved);
      parts.add(explode ? k + "=" + v : k + "," + v);
    }
    return String.join(explode ? explodedSeparator : ",", parts);
  }

  /** A header parameter's value: simple style, not percent-encoded. */
  static String header(Shape shape, boolean explode) {
    return join(shape, ",", explode, "", ",", false, true);
  }

  /**
   * A query parameter's {@code name=value} pairs, already encoded: form (default, exploded),
   * spaceDelimited, pipeDelimited or deepObject.
   */
  static List<String> query(
      String name,
      Shape shape,
      String style,
      @Nullable Boolean explodeOrDefault,
      boolean allowReserved) {
    String s = style.isEmpty() ? "form" : style;
    boolean explode = explodeOrDefault == null ? s.equals("form") : explodeOrDefault;
    String n = encode(name, false);
    List<String> out = new ArrayList<>();
    if (shape instanceof Text t) {
      out.add(n + "=" + encode(t.value(), allowReserved));
      return out;
    }
    if (s.equals("deepObject") && shape instanceof Pairs pairs) {
      for (Map.Entry<String, String> e : pairs.entries()) {
        out.add(
            n + "%5B" + encode(e.getKey(), false) + "%5D=" + encode(e.getValue(), allowReserved));
      }
      return out;
    }
    if (shape instanceof Items items) {
      if (explode) {
        for (String v : items.values()) {
          out.add(n + "=" + encode(v, allowReserved));
        }
        return out;
      }
      String separator =
          switch (s) {
            case "spaceDelimited" -> "%20";
            case "pipeDelimited" -> "%7C";
            default -> ",";
          };
      out.add(n + "=" + String.join(separator, encodeAll(items.values(), allowReserved)));
      return out;
    }
    Pairs pairs = (Pairs) shape;
    if (explode) {
      for (Map.Entry<String, String> e : pairs.entries()) {
        out.add(encode(e.getKey(), false) + "=" + encode(e.getValue(), allowReserved));
      }
      return out;
    }
    String separator =
        switch (s) {
          case "spaceDelimited" -> "%20";
          case "pipeDelimited" -> "%7C";
          default -> ",";
        };
    List<String> parts = new ArrayList<>();
    for (Map.Entry<String, String> e : pairs.entries()) {
      parts.add(encode(e.getKey(), allowReserved));
      parts.add(encode(e.getValue(), allowReserved));
    }
    out.add(n + "=" + String.join(separator, parts));
    return out;
  }

  /** A cookie parameter's {@code name=value} pairs (form style). */
  static List<String> cookie(String name, Shape shape, @Nullable Boolean explodeOrDefault) {
    boolean explode = explodeOrDefault == null || explodeOrDefault;
    List<String> out = new ArrayList<>();
    if (shape instanceof Text t) {
      out.add(name + "=" + encode(t.value(), false));
    } else if (shape instanceof Items items) {
      if (explode) {
        items.values().forEach(v -> out.add(name + "=" + encode(v, false)));
      } else {
        out.add(name + "=" + String.join(",", encodeAll(items.values(), false)));
      }
    } else {
      Pairs pairs = (Pairs) shape;
      if (explode) {
        pairs.entries().forEach(e -> out.add(e.getKey() + "=" + encode(e.getValue(), false)));
      } else {
        List<String> parts = new ArrayList<>();
        pairs
            .entries()
            .forEach(
                e -> {
                  parts.add(encode(e.getKey(), false));
                  parts.add(encode(e.getValue(), false));
                });
        out.add(name + "=" + String.join(",", parts));
      }
    }
    return out;
  }

  private static List<String> encodeAll(List<String> values, boolean allowReserved) {
    List<String> out = new ArrayList<>(values.size());
    for (String v : values) {
      out.add(encode(v, allowReserved));
    }
    return out;
  }

  /**
   * RFC 3986 percent-encoding of UTF-8: unreserved characters stay, and with {@code allowReserved}
   * the reserved ones too (RFC 6570's {@code +} expansion), except {@code #}, which would end the
   * URL.
   */
  static String encode(String s, boolean allowReserved) {
    StringBuilder out = null;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      boolean keep =
          c < 0x80
              && (Character.isLetterOrDigit(c)
                  || UNRESERVED_EXTRA.indexOf(c) >= 0
                  || allowReserved && c != '#' && RESERVED.indexOf(c) >= 0);
      if (keep) {
        if (out != null) {
          out.append(c);
        }
        continue;
      }
      if (out == null) {
        out = new StringBuilder(s.length() + 16).append(s, 0, i);
      }
      int cp = s.codePointAt(i);
      if (Character.charCount(cp) == 2) {
        i++;
      }
      for (byte b : new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8)) {
        out.append('%').append(Character.toUpperCase(Character.forDigit((b >> 4) & 0xF, 16)));
        out.append(Character.toUpperCase(Character.forDigit(b & 0xF, 16)));
      }
    }
    return out == null ? s : out.toString();
  }

  /** {@code application/x-www-form-urlencoded}: as the query, with spaces as {@code +}. */
  static String formEncode(String s) {
    return encode(s, false).replace("%20", "+");
  }
}
