package dev.switchboard.bridge.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.DynamicMessage;
import dev.switchboard.bridge.ValueException;
import dev.switchboard.bridge.WitTypes;
import dev.switchboard.bridge.WitValue;
import dev.switchboard.wit.Origin;
import dev.switchboard.wit.WitField;
import dev.switchboard.wit.WitType;
import dev.switchboard.wit.WitTypeRef;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * WIT values as the JSON their contract speaks. A type translated from OpenAPI is the document's
 * JSON: property and parameter names from the origins, enum and flag literals, {@code oneOf} as the
 * chosen alternative itself (picked by the discriminator, else the first that fits), {@code
 * additionalProperties} merged into the object, {@code json} values embedded. A type translated
 * from proto is proto3 JSON, produced by protobuf's own JsonFormat through {@link ProtoCodec}. The
 * shared types, which have neither, use their WIT names: records as objects, variants as {@code
 * {"case": payload}} (or {@code "case"}), results as {@code {"ok": ...}} or {@code {"err": ...}}.
 *
 * <p>Everywhere: {@code none} is an absent property (or {@code null}), {@code list<u8>} is base64,
 * non-finite floats are the strings {@code "NaN"}, {@code "Infinity"}, {@code "-Infinity"}.
 */
public final class JsonCodec {
  static final ObjectMapper MAPPER = new ObjectMapper();
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private final WitTypes types;
  private final @Nullable ProtoCodec proto;
  private final boolean request;

  public JsonCodec(WitTypes types, @Nullable ProtoCodec proto) {
    this(types, proto, false);
  }

  /**
   * @param request encode for a request: properties the schema marks {@code readOnly} are left out
   */
  public JsonCodec(WitTypes types, @Nullable ProtoCodec proto, boolean request) {
    this.types = types;
    this.proto = proto;
    this.request = request;
  }

  // ---- WIT -> JSON

  public JsonNode toJson(@Nullable WitTypeRef type, @Nullable WitValue value) {
    if (type == null || value == null) {
      return NODES.nullNode();
    }
    switch (type.kind()) {
      case PRIMITIVE:
        return primitive(value);
      case OPTION:
        {
          WitValue.OptionValue o = (WitValue.OptionValue) value;
          return o.value() == null ? NODES.nullNode() : toJson(type.args().get(0), o.value());
        }
      case LIST:
        {
          WitTypeRef element = type.args().get(0);
          WitValue.ListValue l = (WitValue.ListValue) value;
          if (isU8(element)) {
            return NODES.textNode(Base64.getEncoder().encodeToString(l.bytes()));
          }
          if (isStringMap(element)) {
            ObjectNode obj = NODES.objectNode();
            WitTypeRef valueType = element.args().get(1);
            for (WitValue e : l.elements()) {
              WitValue.TupleValue kv = (WitValue.TupleValue) e;
              obj.set(
                  ((WitValue.Str) kv.elements().get(0)).value(),
                  toJson(valueType, kv.elements().get(1)));
            }
            return obj;
          }
          ArrayNode arr = NODES.arrayNode();
          for (WitValue e : l.elements()) {
            arr.add(toJson(element, e));
          }
          return arr;
        }
      case TUPLE:
        {
          ArrayNode arr = NODES.arrayNode();
          List<WitValue> elements = ((WitValue.TupleValue) value).elements();
          for (int i = 0; i < elements.size(); i++) {
            arr.add(toJson(type.args().get(i), elements.get(i)));
          }
          return arr;
        }
      case OWN:
      case BORROW:
        {
          WitValue.HandleValue h = (WitValue.HandleValue) value;
          return NODES.objectNode().put("resource", h.resource()).put("handle", h.id());
        }
      case NAMED:
        return named(type, value);
    }
    throw new IllegalStateException("unknown kind " + type.kind());
  }

  private JsonNode named(WitTypeRef ref, WitValue value) {
    WitType t = types.resolve(ref);
    Origin.Kind origin = t.origin().kind();
    if (proto != null && origin == Origin.Kind.PROTO_MESSAGE) {
      Descriptor d = proto.descriptor(t.origin().ref());
      try {
        return parseTree(proto.toJson(proto.toMessage(d, value)));
      } catch (IllegalArgumentException e) {
        // protobuf's JSON form refuses some values the binary form carries (an out-of-range
        // Duration or Timestamp): say so at the value rather than fail deep inside JsonFormat
        throw new ValueException(
            t.name(), "has no proto3 JSON form: " + String.valueOf(e.getMessage()));
      }
    }
    switch (t.kind()) {
      case ALIAS:
        if (isJsonText(ref)) {
          return parseTree(((WitValue.Str) value).value());
        }
        return toJson(t.target(), value);
      case RECORD:
        {
          ObjectNode obj = NODES.objectNode();
          WitValue.RecordValue r = (WitValue.RecordValue) value;
          for (WitField f : t.members()) {
            WitValue v = r.get(f.name());
            if (request && "true".equals(f.origin().attribute("read-only"))) {
              continue;
            }
            if (v == null || v instanceof WitValue.OptionValue o && o.value() == null) {
              // a required property that is nullable is sent as null; an optional one is left out
              if (v != null && f.rules().required()) {
                obj.putNull(jsonName(f));
              }
              continue;
            }
            if ("true".equals(f.origin().attribute("additional-properties"))) {
              JsonNode extra = toJson(f.type(), v);
              extra.fields().forEachRemaining(e -> obj.set(e.getKey(), e.getValue()));
              continue;
            }
            obj.set(jsonName(f), toJson(f.type(), v));
          }
          return obj;
        }
      case VARIANT:
        {
          WitValue.VariantValue v = (WitValue.VariantValue) value;
          WitField c = member(t, v.caseName());
          if (isOpenApi(t)) {
            return v.payload() == null || c == null
                ? NODES.textNode(c == null ? v.caseName() : literal(c))
                : toJson(c.type(), v.payload());
          }
          if (v.payload() == null || c == null) {
            return NODES.textNode(v.caseName());
          }
          return NODES.objectNode().set(v.caseName(), toJson(c.type(), v.payload()));
        }
      case ENUM:
        {
          String caseName = ((WitValue.EnumValue) value).caseName();
          WitField c = member(t, caseName);
          return NODES.textNode(c == null ? caseName : literal(c));
        }
      case FLAGS:
        {
          ArrayNode arr = NODES.arrayNode();
          for (String name : ((WitValue.FlagsValue) value).names()) {
            WitField c = member(t, name);
            arr.add(c == null ? name : literal(c));
          }
          return arr;
        }
      case RESOURCE:
        {
          WitValue.HandleValue h = (WitValue.HandleValue) value;
          return NODES.objectNode().put("resource", h.resource()).put("handle", h.id());
        }
    }
    throw new IllegalStateException("unknown kind " + t.kind());
  }

  /** A function result: the ok value's JSON, or the error case as {@code {"case": payload}}. */
  public JsonNode resultToJson(
      @Nullable WitTypeRef ok, @Nullable WitTypeRef err, WitValue.ResultValue result) {
    return result.isOk() ? toJson(ok, result.payload()) : toJson(err, result.payload());
  }

  private static JsonNode primitive(WitValue value) {
    if (value instanceof WitValue.Str s) {
      return NODES.textNode(s.value());
    }
    if (value instanceof WitValue.Bool b) {
      return NODES.booleanNode(b.value());
    }
    if (value instanceof WitValue.S32 n) {
      return NODES.numberNode(n.value());
    }
    if (value instanceof WitValue.S64 n) {
      return NODES.numberNode(n.value());
    }
    if (value instanceof WitValue.U32 n) {
      return NODES.numberNode(n.value());
    }
    if (value instanceof WitValue.U64 n) {
      return n.value() >= 0
          ? NODES.numberNode(n.value())
          : NODES.numberNode(new BigInteger(Long.toUnsignedString(n.value())));
    }
    if (value instanceof WitValue.S8 n) {
      return NODES.numberNode(n.value());
    }
    if (value instanceof WitValue.S16 n) {
      return NODES.numberNode(n.value());
    }
    if (value instanceof WitValue.U8 n) {
      return NODES.numberNode(n.value());
    }
    if (value instanceof WitValue.U16 n) {
      return NODES.numberNode(n.value());
    }
    if (value instanceof WitValue.F32 f) {
      return Float.isFinite(f.value())
          ? NODES.numberNode(f.value())
          : NODES.textNode(nonFinite(f.value()));
    }
    if (value instanceof WitValue.F64 f) {
      return Double.isFinite(f.value())
          ? NODES.numberNode(f.value())
          : NODES.textNode(nonFinite(f.value()));
    }
    if (value instanceof WitValue.Char c) {
      return NODES.textNode(new String(Character.toChars(c.codePoint())));
    }
    throw new IllegalStateException("not a primitive: " + value.kind());
  }

  private static String nonFinite(double d) {
    return Double.isNaN(d) ? "NaN" : d > 0 ? "Infinity" : "-Infinity";
  }

  // ---- JSON -> WIT

  /**
   * Reads JSON as a value of {@code type}.
   *
   * @param lenient ignore properties the type does not name (for what a server sends); otherwise an
   *     unknown property is a problem (for what a user typed)
   */
  public WitValue fromJson(WitTypeRef type, JsonNode node, String path, boolean lenient) {
    List<ValueException.Problem> problems = new ArrayList<>();
    WitValue v = read(type, node, path, lenient, problems);
    if (!problems.isEmpty()) {
      throw new ValueException(problems);
    }
    return v;
  }

  private WitValue read(
      WitTypeRef type,
      JsonNode node,
      String path,
      boolean lenient,
      List<ValueException.Problem> problems) {
    switch (type.kind()) {
      case PRIMITIVE:
        return readPrimitive(type.name(), node, path, problems);
      case OPTION:
        if (node.isNull() || node.isMissingNode()) {
          return WitValue.none();
        }
        return WitValue.some(read(type.args().get(0), node, path, lenient, problems));
      case LIST:
        {
          WitTypeRef element = type.args().get(0);
          if (isU8(element) && node.isTextual()) {
            try {
              return WitValue.bytes(Base64.getDecoder().decode(node.asText()));
            } catch (IllegalArgumentException e) {
              try {
                return WitValue.bytes(Base64.getUrlDecoder().decode(node.asText()));
              } catch (IllegalArgumentException e2) {
                problems.add(new ValueException.Problem(path, "expected base64 text"));
                return WitValue.list();
              }
            }
          }
          if (isStringMap(element) && node.isObject()) {
            List<WitValue> out = new ArrayList<>();
            Iterator<Map.Entry<String, JsonNode>> it = node.fields();
            while (it.hasNext()) {
              Map.Entry<String, JsonNode> e = it.next();
              out.add(
                  WitValue.tuple(
                      WitValue.string(e.getKey()),
                      read(
                          element.args().get(1),
                          e.getValue(),
                          path + "." + e.getKey(),
                          lenient,
                          problems)));
            }
            return new WitValue.ListValue(out);
          }
          if (!node.isArray()) {
            return mismatch(type, node, path, problems);
          }
          List<WitValue> out = new ArrayList<>(node.size());
          for (int i = 0; i < node.size(); i++) {
            out.add(read(element, node.get(i), path + "[" + i + "]", lenient, problems));
          }
          return new WitValue.ListValue(out);
        }
      case TUPLE:
        {
          if (!node.isArray() || node.size() != type.args().size()) {
            return mismatch(type, node, path, problems);
          }
          List<WitValue> out = new ArrayList<>();
          for (int i = 0; i < node.size(); i++) {
            out.add(read(type.args().get(i), node.get(i), path + "[" + i + "]", lenient, problems));
          }
          return new WitValue.TupleValue(out);
        }
      case OWN:
      case BORROW:
        {
          if (!node.isObject() || !node.path("handle").canConvertToInt()) {
            return mismatch(type, node, path, problems);
          }
          return new WitValue.HandleValue(
              node.path("resource").asText(type.args().get(0).name()), node.path("handle").asInt());
        }
      case NAMED:
        return readNamed(type, node, path, lenient, problems);
    }
    throw new IllegalStateException("unknown kind " + type.kind());
  }

  private WitValue readNamed(
      WitTypeRef ref,
      JsonNode node,
      String path,
      boolean lenient,
      List<ValueException.Problem> problems) {
    WitType t = types.resolve(ref);
    if (proto != null && t.origin().kind() == Origin.Kind.PROTO_MESSAGE) {
      Descriptor d = proto.descriptor(t.origin().ref());
      DynamicMessage m;
      try {
        m = proto.parseJson(d, node.toString(), path);
      } catch (ValueException e) {
        problems.addAll(e.problems());
        return WitValue.string("");
      }
      WitValue v = proto.fromMessage(m);
      return v == null ? WitValue.record().build() : v;
    }
    switch (t.kind()) {
      case ALIAS:
        if (isJsonText(ref)) {
          return WitValue.string(node.toString());
        }
        return read(Refs.targetOf(t), node, path, lenient, problems);
      case RECORD:
        return readRecord(t, node, path, lenient, problems);
      case VARIANT:
        return isOpenApi(t)
            ? readUntagged(ref, t, node, path, problems)
            : readTagged(t, node, path, lenient, problems);
      case ENUM:
        {
          if (!node.isTextual()) {
            return mismatch(ref, node, path, problems);
          }
          for (WitField c : t.members()) {
            if (literal(c).equals(node.asText()) || c.name().equals(node.asText())) {
              return WitValue.enumCase(c.name());
            }
          }
          problems.add(
              new ValueException.Problem(
                  path, "unknown value " + node + " of " + t.name() + literals(t)));
          return WitValue.enumCase(t.members().get(0).name());
        }
      case FLAGS:
        {
          if (!node.isArray()) {
            return mismatch(ref, node, path, problems);
          }
          Set<String> names = new LinkedHashSet<>();
          for (JsonNode e : node) {
            WitField match = null;
            for (WitField c : t.members()) {
              if (literal(c).equals(e.asText()) || c.name().equals(e.asText())) {
                match = c;
              }
            }
            if (match == null) {
              problems.add(
                  new ValueException.Problem(
                      path, "unknown value " + e + " of " + t.name() + literals(t)));
            } else {
              names.add(match.name());
            }
          }
          Set<String> ordered = new LinkedHashSet<>();
          for (WitField c : t.members()) {
            if (names.contains(c.name())) {
              ordered.add(c.name());
            }
          }
          return new WitValue.FlagsValue(ordered);
        }
      case RESOURCE:
        return mismatch(ref, node, path, problems);
    }
    throw new IllegalStateException("unknown kind " + t.kind());
  }

  private WitValue readRecord(
      WitType t,
      JsonNode node,
      String path,
      boolean lenient,
      List<ValueException.Problem> problems) {
    if (!node.isObject()) {
      problems.add(
          new ValueException.Problem(
              path, "expected " + t.name() + " (a JSON object), got " + kind(node)));
      return WitValue.record().build();
    }
    Map<String, WitValue> out = new LinkedHashMap<>();
    Set<String> known = new LinkedHashSet<>();
    WitField extra = null;
    for (WitField f : t.members()) {
      if ("true".equals(f.origin().attribute("additional-properties"))) {
        extra = f;
        continue;
      }
      String name = jsonName(f);
      known.add(name);
      String fieldPath = path.isEmpty() ? f.name() : path + "." + f.name();
      JsonNode v = node.get(name);
      if (v == null && !name.equals(f.name())) {
        v = node.get(f.name());
        if (v != null) {
          known.add(f.name());
        }
      }
      if (v == null || v.isNull()) {
        if (f.type() != null && f.type().kind() == WitTypeRef.Kind.OPTION) {
          out.put(f.name(), WitValue.none());
        } else if (f.role() == WitField.Role.AUTH) {
          // left for the stub to fill from its configured credentials
          continue;
        } else {
          problems.add(
              new ValueException.Problem(
                  fieldPath,
                  "missing "
                      + (name.equals(f.name()) ? "" : "property " + name + ", ")
                      + "a "
                      + WitTypes.describe(f.type())));
        }
        continue;
      }
      out.put(f.name(), read(Refs.typeOf(f), v, fieldPath, lenient, problems));
    }
    List<WitValue> extras = new ArrayList<>();
    Iterator<String> names = node.fieldNames();
    while (names.hasNext()) {
      String name = names.next();
      if (known.contains(name)) {
        continue;
      }
      if (extra != null) {
        WitTypeRef valueType = Refs.typeOf(extra).args().get(0).args().get(1);
        extras.add(
            WitValue.tuple(
                WitValue.string(name),
                read(valueType, node.get(name), path + "." + name, lenient, problems)));
      } else if (!lenient) {
        problems.add(
            new ValueException.Problem(
                path.isEmpty() ? name : path + "." + name,
                "unknown property of "
                    + t.name()
                    + " (properties: "
                    + String.join(", ", known)
                    + ")"));
      }
    }
    if (extra != null) {
      out.put(extra.name(), new WitValue.ListValue(extras));
    }
    Map<String, WitValue> ordered = new LinkedHashMap<>();
    for (WitField f : t.members()) {
      WitValue v = out.get(f.name());
      if (v != null) {
        ordered.put(f.name(), v);
      }
    }
    return new WitValue.RecordValue(ordered);
  }

  private WitValue readUntagged(
      WitTypeRef ref,
      WitType t,
      JsonNode node,
      String path,
      List<ValueException.Problem> problems) {
    String discriminator = t.origin().attribute("discriminator");
    if (discriminator != null && node.isObject() && node.has(discriminator)) {
      String tag = node.get(discriminator).asText();
      for (WitField c : t.members()) {
        if (tag.equals(c.origin().attribute("discriminator-value"))) {
          return WitValue.variant(c.name(), read(Refs.typeOf(c), node, path, true, problems));
        }
      }
    }
    List<String> tried = new ArrayList<>();
    for (WitField c : t.members()) {
      if (c.type() == null) {
        if (node.isTextual()
            && (literal(c).equals(node.asText()) || c.name().equals(node.asText()))) {
          return WitValue.variant(c.name());
        }
        continue;
      }
      List<ValueException.Problem> attempt = new ArrayList<>();
      WitValue v = read(c.type(), node, path, false, attempt);
      if (attempt.isEmpty()) {
        return WitValue.variant(c.name(), v);
      }
      tried.add(c.name() + " (" + attempt.get(0) + ")");
    }
    problems.add(
        new ValueException.Problem(
            path, "fits no alternative of " + t.name() + ": " + String.join("; ", tried)));
    return WitValue.variant(t.members().get(0).name());
  }

  private WitValue readTagged(
      WitType t,
      JsonNode node,
      String path,
      boolean lenient,
      List<ValueException.Problem> problems) {
    String caseName;
    JsonNode payload = null;
    if (node.isTextual()) {
      caseName = node.asText();
    } else if (node.isObject() && node.size() == 1) {
      caseName = node.fieldNames().next();
      payload = node.get(caseName);
    } else {
      problems.add(
          new ValueException.Problem(
              path,
              "expected a case of "
                  + t.name()
                  + " as \"case\" or {\"case\": payload}, got "
                  + kind(node)));
      return WitValue.variant(t.members().get(0).name());
    }
    WitField c = member(t, caseName);
    if (c == null) {
      problems.add(
          new ValueException.Problem(path, "unknown case " + caseName + " of " + t.name()));
      return WitValue.variant(t.members().get(0).name());
    }
    if (c.type() == null) {
      return WitValue.variant(c.name());
    }
    if (payload == null) {
      problems.add(new ValueException.Problem(path, "case " + caseName + " needs a payload"));
      return WitValue.variant(c.name());
    }
    return WitValue.variant(c.name(), read(c.type(), payload, path, lenient, problems));
  }

  /** Reads a function result: ok's JSON, or an error case when {@code isOk} is false. */
  public WitValue.ResultValue resultFromJson(
      @Nullable WitTypeRef ok, @Nullable WitTypeRef err, boolean isOk, JsonNode node, String path) {
    WitTypeRef t = isOk ? ok : err;
    return new WitValue.ResultValue(isOk, t == null ? null : fromJson(t, node, path, false));
  }

  private static WitValue readPrimitive(
      String keyword, JsonNode node, String path, List<ValueException.Problem> problems) {
    try {
      switch (keyword) {
        case "bool":
          if (!node.isBoolean()) {
            break;
          }
          return WitValue.bool(node.booleanValue());
        case "string":
          if (!node.isTextual()) {
            break;
          }
          return WitValue.string(node.textValue());
        case "char":
          if (!node.isTextual()
              || node.textValue().codePointCount(0, node.textValue().length()) != 1) {
            break;
          }
          return WitValue.character(node.textValue().codePointAt(0));
        case "f32":
        case "f64":
          {
            double d;
            if (node.isNumber()) {
              d = node.doubleValue();
            } else if (node.isTextual()) {
              d =
                  switch (node.textValue()) {
                    case "NaN" -> Double.NaN;
                    case "Infinity" -> Double.POSITIVE_INFINITY;
                    case "-Infinity" -> Double.NEGATIVE_INFINITY;
                    default -> throw new NumberFormatException();
                  };
            } else {
              break;
            }
            return keyword.equals("f32")
                ? WitValue.f32(node.isNumber() ? node.floatValue() : (float) d)
                : WitValue.f64(d);
          }
        default:
          {
            if (!node.isIntegralNumber() && !(node.isNumber() && isWhole(node))) {
              // proto3 JSON writes 64-bit integers as strings; accept them for every integer
              if (!(node.isTextual() && node.textValue().matches("-?\\d+"))) {
                break;
              }
            }
            BigInteger n =
                node.isTextual()
                    ? new BigInteger(node.textValue())
                    : node.decimalValue().toBigIntegerExact();
            return integer(keyword, n, path, problems);
          }
      }
    } catch (NumberFormatException | ArithmeticException e) {
      // reported below
    }
    problems.add(new ValueException.Problem(path, "expected " + keyword + ", got " + kind(node)));
    return WitValue.bool(false);
  }

  private static boolean isWhole(JsonNode node) {
    return node.decimalValue().stripTrailingZeros().scale() <= 0;
  }

  private static WitValue integer(
      String keyword, BigInteger n, String path, List<ValueException.Problem> problems) {
    BigInteger[] range =
        switch (keyword) {
          case "s8" ->
              new BigInteger[] {
                BigInteger.valueOf(Byte.MIN_VALUE), BigInteger.valueOf(Byte.MAX_VALUE)
              };
          case "s16" ->
              new BigInteger[] {
                BigInteger.valueOf(Short.MIN_VALUE), BigInteger.valueOf(Short.MAX_VALUE)
              };
          case "s32" ->
              new BigInteger[] {
                BigInteger.valueOf(Integer.MIN_VALUE), BigInteger.valueOf(Integer.MAX_VALUE)
              };
          case "s64" ->
              new BigInteger[] {
                BigInteger.valueOf(Long.MIN_VALUE), BigInteger.valueOf(Long.MAX_VALUE)
              };
          case "u8" -> new BigInteger[] {BigInteger.ZERO, BigInteger.valueOf(0xFF)};
          case "u16" -> new BigInteger[] {BigInteger.ZERO, BigInteger.valueOf(0xFFFF)};
          case "u32" -> new BigInteger[] {BigInteger.ZERO, BigInteger.valueOf(0xFFFF_FFFFL)};
          case "u64" ->
              new BigInteger[] {
                BigInteger.ZERO, BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE)
              };
          default -> throw new IllegalStateException("unknown primitive " + keyword);
        };
    if (n.compareTo(range[0]) < 0 || n.compareTo(range[1]) > 0) {
      problems.add(new ValueException.Problem(path, n + " is out of range for " + keyword));
      return WitValue.bool(false);
    }
    return switch (keyword) {
      case "s8" -> WitValue.s8(n.byteValue());
      case "s16" -> WitValue.s16(n.shortValue());
      case "s32" -> WitValue.s32(n.intValue());
      case "s64" -> WitValue.s64(n.longValue());
      case "u8" -> WitValue.u8(n.intValue());
      case "u16" -> WitValue.u16(n.intValue());
      case "u32" -> WitValue.u32(n.longValue());
      default -> WitValue.u64(n.longValue());
    };
  }

  private static WitValue mismatch(
      WitTypeRef type, JsonNode node, String path, List<ValueException.Problem> problems) {
    problems.add(
        new ValueException.Problem(
            path, "expected " + WitTypes.describe(type) + ", got " + kind(node)));
    return WitValue.bool(false);
  }

  static String kind(JsonNode node) {
    if (node.isObject()) {
      return "an object";
    }
    if (node.isArray()) {
      return "an array";
    }
    if (node.isTextual()) {
      return "a string";
    }
    if (node.isNumber()) {
      return "the number " + node;
    }
    if (node.isBoolean()) {
      return node.toString();
    }
    return "null";
  }

  // ---- naming

  /**
   * The property a record field is under: its wire name for contract elements, else its WIT name.
   */
  static String jsonName(WitField f) {
    Origin o = f.origin();
    String name = o.name();
    if (name == null) {
      return f.name();
    }
    return switch (o.kind()) {
      case OPENAPI_PROPERTY, OPENAPI_PARAMETER, OPENAPI_HEADER -> name;
      case PROTO_FIELD -> {
        String json = o.attribute("json-name");
        yield json == null ? name : json;
      }
      default -> f.name();
    };
  }

  /** The literal an enum case, flag or untagged case stands for in the contract. */
  static String literal(WitField c) {
    String name = c.origin().name();
    return name != null
            && (c.origin().kind() == Origin.Kind.OPENAPI_SCHEMA
                || c.origin().kind() == Origin.Kind.PROTO_ENUM_VALUE)
        ? name
        : c.name();
  }

  private static String literals(WitType t) {
    List<String> out = new ArrayList<>();
    for (WitField c : t.members()) {
      out.add(literal(c));
      if (out.size() == 12) {
        out.add("...");
        break;
      }
    }
    return " (" + String.join(", ", out) + ")";
  }

  private static boolean isOpenApi(WitType t) {
    return t.origin().kind().name().startsWith("OPENAPI_");
  }

  private static boolean isU8(WitTypeRef t) {
    return t.kind() == WitTypeRef.Kind.PRIMITIVE && t.name().equals("u8");
  }

  private static boolean isStringMap(WitTypeRef element) {
    return element.kind() == WitTypeRef.Kind.TUPLE
        && element.args().size() == 2
        && element.args().get(0).kind() == WitTypeRef.Kind.PRIMITIVE
        && element.args().get(0).name().equals("string");
  }

  /** {@code switchboard:rpc/values.json}: JSON text, embedded as JSON rather than as a string. */
  static boolean isJsonText(WitTypeRef ref) {
    return ref.kind() == WitTypeRef.Kind.NAMED
        && "json".equals(ref.name())
        && "values".equals(ref.interfaceName())
        && "switchboard:rpc".equals(ref.packageName());
  }

  private static @Nullable WitField member(WitType t, String name) {
    for (WitField f : t.members()) {
      if (f.name().equals(name)) {
        return f;
      }
    }
    return null;
  }

  static JsonNode parseTree(String json) {
    try {
      return MAPPER.readTree(json);
    } catch (JsonProcessingException e) {
      throw new ValueException("", "not JSON text: " + e.getOriginalMessage());
    }
  }
}
