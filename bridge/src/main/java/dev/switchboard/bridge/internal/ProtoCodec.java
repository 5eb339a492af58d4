package dev.switchboard.bridge.internal;

import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.EnumDescriptor;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.MessageOrBuilder;
import com.google.protobuf.util.JsonFormat;
import dev.switchboard.bridge.ValueException;
import dev.switchboard.bridge.WitTypes;
import dev.switchboard.bridge.WitValue;
import dev.switchboard.contract.ContractSet;
import dev.switchboard.wit.Origin;
import dev.switchboard.wit.WitField;
import dev.switchboard.wit.WitInterface;
import dev.switchboard.wit.WitPackage;
import dev.switchboard.wit.WitType;
import dev.switchboard.wit.WitTypeRef;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * WIT values to protobuf messages and back, driven by the Binding's proto origins: field numbers,
 * oneofs, maps, and the encodings the translator chose for the well-known types (wrappers as {@code
 * option<scalar>}, Timestamp and Duration as records, Struct/Value and cut recursion as proto3 JSON
 * text, FieldMask as {@code list<string>}, Empty as presence or a count).
 *
 * <p>Each record's plan (which WIT field is which proto field, how it is carried) is built once,
 * when the codec is made; converting then only walks values. Thread-safe once built.
 */
public final class ProtoCodec {
  /**
   * A repeated empty message travels as its count; each costs two bytes on the wire, so more than
   * this would pass the 16 MiB message limit anyway and is refused before memory is spent on it.
   */
  static final long MAX_COUNT = 1_000_000;

  /** A FieldMask path: field names joined by dots (anything else has no JSON form). */
  private static final java.util.regex.Pattern FIELD_PATH =
      java.util.regex.Pattern.compile("[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)*");

  private final WitTypes types;
  private final ContractSet descriptors;
  private final Map<WitType, Plan> plans = new IdentityHashMap<>();
  private final Map<String, WitType> byMessage = new HashMap<>();
  private final JsonFormat.Parser jsonParser;
  private final JsonFormat.Printer jsonPrinter;

  public ProtoCodec(WitTypes types, ContractSet descriptors) {
    this.types = types;
    this.descriptors = descriptors;
    JsonFormat.TypeRegistry.Builder registry = JsonFormat.TypeRegistry.newBuilder();
    descriptors.files().forEach(f -> registry.add(f.getMessageTypes()));
    JsonFormat.TypeRegistry registered = registry.build();
    this.jsonParser = JsonFormat.parser().usingTypeRegistry(registered);
    this.jsonPrinter =
        JsonFormat.printer().usingTypeRegistry(registered).omittingInsignificantWhitespace();
    for (WitPackage p : types.binding().packages()) {
      for (WitInterface i : p.interfaces()) {
        for (WitType t : i.types()) {
          if (t.origin().kind() == Origin.Kind.PROTO_MESSAGE
              || t.origin().kind() == Origin.Kind.PROTO_ENUM) {
            byMessage.put(t.origin().ref(), t);
            if (t.kind() == WitType.Kind.RECORD) {
              descriptors.message(t.origin().ref()).ifPresent(d -> plans.put(t, plan(t, d)));
            }
          }
        }
      }
    }
  }

  public ContractSet descriptors() {
    return descriptors;
  }

  /** The message descriptor a proto message's WIT type stands for. */
  public Descriptor descriptor(String fullName) {
    return descriptors
        .message(fullName)
        .orElseThrow(
            () -> new IllegalArgumentException("the descriptors define no message " + fullName));
  }

  // ---- WIT -> proto

  /**
   * The message for a value of the WIT type that stands for {@code message}: a record, a JSON alias
   * (a message too wide for a record), or nothing at all for an empty message.
   */
  public DynamicMessage toMessage(Descriptor message, @Nullable WitValue value) {
    WitType t = byMessage.get(message.getFullName());
    if (value == null || t == null) {
      return DynamicMessage.getDefaultInstance(message);
    }
    if (t.kind() == WitType.Kind.ALIAS && value instanceof WitValue.Str json) {
      return fromJson(message, json.value(), t.name());
    }
    DynamicMessage.Builder b = DynamicMessage.newBuilder(message);
    fill(b, t, (WitValue.RecordValue) value, t.name());
    return b.build();
  }

  private void fill(DynamicMessage.Builder b, WitType t, WitValue.RecordValue r, String path) {
    Plan plan = plans.get(t);
    if (plan == null) {
      throw new IllegalStateException("no proto plan for " + t.name());
    }
    for (FieldPlan f : plan.fields) {
      WitValue v = r.get(f.witName());
      if (v == null) {
        continue;
      }
      if (f.oneofCases() != null) {
        if (v instanceof WitValue.OptionValue o && o.value() instanceof WitValue.VariantValue c) {
          FieldPlan member = f.oneofCases().get(c.caseName());
          if (member == null) {
            throw new ValueException(path + "." + f.witName(), "unknown case " + c.caseName());
          }
          if (member.encoding() != null && member.encoding().equals("empty")) {
            b.setField(
                member.field(), DynamicMessage.getDefaultInstance(member.field().getMessageType()));
          } else {
            b.setField(member.field(), element(member, c.payload(), path + "." + f.witName()));
          }
        }
        continue;
      }
      setField(b, f, v, path + "." + f.witName());
    }
  }

  private void setField(DynamicMessage.Builder b, FieldPlan f, WitValue v, String path) {
    FieldDescriptor fd = f.field();
    String enc = f.encoding();
    if (f.map()) {
      Descriptor entry = fd.getMessageType();
      FieldDescriptor keyField = entry.findFieldByNumber(1);
      FieldDescriptor valueField = entry.findFieldByNumber(2);
      FieldPlan valuePlan = new FieldPlan("value", valueField, enc, null, false, false);
      for (WitValue e : ((WitValue.ListValue) v).elements()) {
        WitValue.TupleValue kv = (WitValue.TupleValue) e;
        DynamicMessage.Builder eb = DynamicMessage.newBuilder(entry);
        eb.setField(keyField, scalar(keyField, kv.elements().get(0)));
        eb.setField(valueField, element(valuePlan, kv.elements().get(1), path));
        b.addRepeatedField(fd, eb.build());
      }
      return;
    }
    if (fd.isRepeated()) {
      if ("count".equals(enc)) {
        long n = ((WitValue.U32) v).value();
        if (n > MAX_COUNT) {
          throw new ValueException(
              path, n + " empty messages is more than the " + MAX_COUNT + " a request may carry");
        }
        DynamicMessage empty = DynamicMessage.getDefaultInstance(fd.getMessageType());
        for (long i = 0; i < n; i++) {
          b.addRepeatedField(fd, empty);
        }
        return;
      }
      List<WitValue> elements = ((WitValue.ListValue) v).elements();
      if (fd.getType() == FieldDescriptor.Type.BYTES && enc == null) {
        for (WitValue e : elements) {
          b.addRepeatedField(fd, ByteString.copyFrom(((WitValue.ListValue) e).bytes()));
        }
        return;
      }
      for (int i = 0; i < elements.size(); i++) {
        b.addRepeatedField(fd, element(f, elements.get(i), path + "[" + i + "]"));
      }
      return;
    }
    if ("presence".equals(enc)) {
      if (((WitValue.Bool) v).value()) {
        b.setField(fd, DynamicMessage.getDefaultInstance(fd.getMessageType()));
      }
      return;
    }
    WitValue element = v;
    if (v instanceof WitValue.OptionValue o) {
      if (o.value() == null) {
        return;
      }
      element = o.value();
    }
    b.setField(fd, element(f, element, path));
  }

  /** One element of a field (the payload of its option, or one list item), as protobuf holds it. */
  private Object element(FieldPlan f, @Nullable WitValue v, String path) {
    FieldDescriptor fd = f.field();
    if (v == null) {
      throw new ValueException(path, "missing value");
    }
    String enc = f.encoding();
    if (enc != null) {
      switch (enc) {
        case "wrapper":
          {
            Descriptor w = fd.getMessageType();
            FieldDescriptor value = w.findFieldByNumber(1);
            return DynamicMessage.newBuilder(w).setField(value, scalar(value, v)).build();
          }
        case "timestamp":
        case "duration":
        case "any":
          {
            Descriptor m = fd.getMessageType();
            WitValue.RecordValue r = (WitValue.RecordValue) v;
            DynamicMessage.Builder b = DynamicMessage.newBuilder(m);
            List<WitValue> parts = new ArrayList<>(r.fields().values());
            FieldDescriptor first = m.findFieldByNumber(1);
            FieldDescriptor second = m.findFieldByNumber(2);
            b.setField(first, scalar(first, parts.get(0)));
            b.setField(second, scalar(second, parts.get(1)));
            return b.build();
          }
        case "json":
          {
            String text = ((WitValue.Str) v).value();
            if (fd.getJavaType() == FieldDescriptor.JavaType.ENUM) {
              return fd.getEnumType().findValueByNumber(0);
            }
            return fromJson(fd.getMessageType(), text, path);
          }
        case "field-mask":
          {
            Descriptor m = fd.getMessageType();
            DynamicMessage.Builder b = DynamicMessage.newBuilder(m);
            FieldDescriptor paths = m.findFieldByNumber(1);
            for (WitValue p : ((WitValue.ListValue) v).elements()) {
              String fieldPath = ((WitValue.Str) p).value();
              if (!FIELD_PATH.matcher(fieldPath).matches()) {
                throw new ValueException(
                    path, "\"" + fieldPath + "\" is not a field path (a.b_c) a FieldMask can hold");
              }
              b.addRepeatedField(paths, fieldPath);
            }
            return b.build();
          }
        default:
          break;
      }
    }
    if (fd.getJavaType() == FieldDescriptor.JavaType.MESSAGE) {
      WitValue.RecordValue r = (WitValue.RecordValue) v;
      WitType t = byMessage.get(fd.getMessageType().getFullName());
      if (t == null) {
        throw new IllegalStateException("no WIT type for " + fd.getMessageType().getFullName());
      }
      DynamicMessage.Builder b = DynamicMessage.newBuilder(fd.getMessageType());
      fill(b, t, r, path);
      return b.build();
    }
    return scalar(fd, v);
  }

  /** Reads proto3 JSON into a message of {@code type}; problems name {@code path}. */
  public DynamicMessage parseJson(Descriptor type, String json, String path) {
    return fromJson(type, json, path);
  }

  private DynamicMessage fromJson(Descriptor type, String json, String path) {
    DynamicMessage.Builder b = DynamicMessage.newBuilder(type);
    try {
      jsonParser.merge(json, b);
    } catch (InvalidProtocolBufferException | RuntimeException e) {
      throw new ValueException(
          path, "not proto3 JSON for " + type.getFullName() + ": " + firstLine(e.getMessage()));
    }
    return b.build();
  }

  private static String firstLine(@Nullable String message) {
    if (message == null) {
      return "unreadable";
    }
    int nl = message.indexOf('\n');
    return nl < 0 ? message : message.substring(0, nl);
  }

  private Object scalar(FieldDescriptor fd, WitValue v) {
    switch (fd.getJavaType()) {
      case INT:
        if (v instanceof WitValue.U32 u) {
          return (int) u.value();
        }
        return ((WitValue.S32) v).value();
      case LONG:
        if (v instanceof WitValue.U64 u) {
          return u.value();
        }
        return ((WitValue.S64) v).value();
      case FLOAT:
        return ((WitValue.F32) v).value();
      case DOUBLE:
        return ((WitValue.F64) v).value();
      case BOOLEAN:
        return ((WitValue.Bool) v).value();
      case STRING:
        return ((WitValue.Str) v).value();
      case BYTE_STRING:
        return ByteString.copyFrom(((WitValue.ListValue) v).bytes());
      case ENUM:
        {
          EnumDescriptor e = fd.getEnumType();
          WitType t = byMessage.get(e.getFullName());
          String caseName = ((WitValue.EnumValue) v).caseName();
          if (t != null) {
            for (WitField c : t.members()) {
              if (c.name().equals(caseName) && c.origin().number() != null) {
                EnumValueDescriptor ev = e.findValueByNumber(c.origin().number());
                if (ev != null) {
                  return ev;
                }
              }
            }
          }
          throw new ValueException(caseName, "unknown case of enum " + e.getFullName());
        }
      case MESSAGE:
        break;
    }
    throw new IllegalStateException("not a scalar field: " + fd.getFullName());
  }

  // ---- proto -> WIT

  /** The WIT value of a message of the type that stands for it; null for an empty message. */
  public @Nullable WitValue fromMessage(MessageOrBuilder message) {
    WitType t = byMessage.get(message.getDescriptorForType().getFullName());
    if (t == null) {
      return null;
    }
    if (t.kind() == WitType.Kind.ALIAS) {
      return WitValue.string(toJson(message));
    }
    return record(t, message);
  }

  private WitValue.RecordValue record(WitType t, MessageOrBuilder m) {
    Plan plan = plans.get(t);
    if (plan == null) {
      throw new IllegalStateException("no proto plan for " + t.name());
    }
    Map<String, WitValue> fields = new LinkedHashMap<>();
    for (FieldPlan f : plan.fields) {
      if (f.oneofCases() != null) {
        WitValue chosen = WitValue.none();
        for (Map.Entry<String, FieldPlan> c : f.oneofCases().entrySet()) {
          FieldPlan member = c.getValue();
          if (m.hasField(member.field())) {
            WitValue payload =
                "empty".equals(member.encoding())
                    ? null
                    : elementValue(member, m.getField(member.field()));
            chosen = WitValue.some(WitValue.variant(c.getKey(), payload));
            break;
          }
        }
        fields.put(f.witName(), chosen);
        continue;
      }
      fields.put(f.witName(), fieldValue(f, m));
    }
    return new WitValue.RecordValue(fields);
  }

  private WitValue fieldValue(FieldPlan f, MessageOrBuilder m) {
    FieldDescriptor fd = f.field();
    String enc = f.encoding();
    if (f.map()) {
      FieldDescriptor keyField = fd.getMessageType().findFieldByNumber(1);
      FieldDescriptor valueField = fd.getMessageType().findFieldByNumber(2);
      FieldPlan valuePlan = new FieldPlan("value", valueField, enc, null, false, false);
      int n = m.getRepeatedFieldCount(fd);
      List<WitValue> out = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        Message entry = (Message) m.getRepeatedField(fd, i);
        out.add(
            WitValue.tuple(
                scalarValue(keyField, entry.getField(keyField)),
                elementValue(valuePlan, entry.getField(valueField))));
      }
      return new WitValue.ListValue(out);
    }
    if (fd.isRepeated()) {
      int n = m.getRepeatedFieldCount(fd);
      if ("count".equals(enc)) {
        return WitValue.u32(n);
      }
      List<WitValue> out = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        out.add(elementValue(f, m.getRepeatedField(fd, i)));
      }
      return new WitValue.ListValue(out);
    }
    if ("presence".equals(enc)) {
      return WitValue.bool(m.hasField(fd));
    }
    if (f.optional()) {
      return m.hasField(fd) ? WitValue.some(elementValue(f, m.getField(fd))) : WitValue.none();
    }
    return elementValue(f, m.getField(fd));
  }

  private WitValue elementValue(FieldPlan f, Object raw) {
    FieldDescriptor fd = f.field();
    String enc = f.encoding();
    if (enc != null) {
      switch (enc) {
        case "wrapper":
          {
            Message w = (Message) raw;
            FieldDescriptor value = w.getDescriptorForType().findFieldByNumber(1);
            return scalarValue(value, w.getField(value));
          }
        case "timestamp":
        case "duration":
        case "any":
          {
            Message msg = (Message) raw;
            Descriptor d = msg.getDescriptorForType();
            FieldDescriptor first = d.findFieldByNumber(1);
            FieldDescriptor second = d.findFieldByNumber(2);
            String[] names =
                enc.equals("any")
                    ? new String[] {"type-url", "value"}
                    : new String[] {"seconds", "nanos"};
            WitValue nanos = scalarValue(second, msg.getField(second));
            if (enc.equals("timestamp") && nanos instanceof WitValue.S32 s) {
              nanos = WitValue.u32(Integer.toUnsignedLong(s.value()));
            }
            return WitValue.record()
                .field(names[0], scalarValue(first, msg.getField(first)))
                .field(names[1], nanos)
                .build();
          }
        case "json":
          if (raw instanceof EnumValueDescriptor) {
            return WitValue.string("null");
          }
          return WitValue.string(toJson((Message) raw));
        case "field-mask":
          {
            Message msg = (Message) raw;
            FieldDescriptor paths = msg.getDescriptorForType().findFieldByNumber(1);
            List<WitValue> out = new ArrayList<>();
            for (int i = 0; i < msg.getRepeatedFieldCount(paths); i++) {
              out.add(WitValue.string((String) msg.getRepeatedField(paths, i)));
            }
            return new WitValue.ListValue(out);
          }
        default:
          break;
      }
    }
    if (fd.getJavaType() == FieldDescriptor.JavaType.MESSAGE) {
      Message msg = (Message) raw;
      WitType t = byMessage.get(msg.getDescriptorForType().getFullName());
      if (t == null) {
        throw new IllegalStateException("no WIT type for " + fd.getMessageType().getFullName());
      }
      return record(t, msg);
    }
    return scalarValue(fd, raw);
  }

  private WitValue scalarValue(FieldDescriptor fd, Object raw) {
    switch (fd.getType()) {
      case INT32:
      case SINT32:
      case SFIXED32:
        return WitValue.s32((Integer) raw);
      case UINT32:
      case FIXED32:
        return WitValue.u32(Integer.toUnsignedLong((Integer) raw));
      case INT64:
      case SINT64:
      case SFIXED64:
        return WitValue.s64((Long) raw);
      case UINT64:
      case FIXED64:
        return WitValue.u64((Long) raw);
      case FLOAT:
        return WitValue.f32((Float) raw);
      case DOUBLE:
        return WitValue.f64((Double) raw);
      case BOOL:
        return WitValue.bool((Boolean) raw);
      case STRING:
        return WitValue.string((String) raw);
      case BYTES:
        return WitValue.bytes(((ByteString) raw).toByteArray());
      case ENUM:
        {
          EnumValueDescriptor ev = (EnumValueDescriptor) raw;
          WitType t = byMessage.get(fd.getEnumType().getFullName());
          if (t != null) {
            for (WitField c : t.members()) {
              Integer n = c.origin().number();
              if (n != null && n == ev.getNumber()) {
                return WitValue.enumCase(c.name());
              }
            }
          }
          // An open enum may carry a number the contract does not name: WIT cannot say it, so the
          // first (zero) value stands in rather than failing the whole response.
          return WitValue.enumCase(t == null ? ev.getName() : t.members().get(0).name());
        }
      default:
        throw new IllegalStateException("not a scalar field: " + fd.getFullName());
    }
  }

  /** The message as compact proto3 JSON. */
  public String toJson(MessageOrBuilder m) {
    try {
      return jsonPrinter.print(m);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalArgumentException(
          "cannot print a " + m.getDescriptorForType().getFullName() + " as JSON", e);
    }
  }

  // ---- plans

  private Plan plan(WitType t, Descriptor d) {
    List<FieldPlan> fields = new ArrayList<>();
    for (WitField f : t.members()) {
      Origin o = f.origin();
      if (o.kind() == Origin.Kind.PROTO_ONEOF) {
        WitTypeRef variantRef = Refs.typeOf(f).args().get(0);
        WitType variant = types.resolve(variantRef);
        Map<String, FieldPlan> cases = new LinkedHashMap<>();
        for (WitField c : variant.members()) {
          Integer caseNumber = c.origin().number();
          FieldDescriptor fd = caseNumber == null ? null : d.findFieldByNumber(caseNumber);
          if (fd == null) {
            throw new IllegalStateException(
                "oneof case " + c.origin().ref() + " is not in " + d.getFullName());
          }
          cases.put(
              c.name(),
              new FieldPlan(c.name(), fd, c.origin().attribute("encoding"), null, false, false));
        }
        FieldDescriptor first = cases.values().iterator().next().field();
        fields.add(new FieldPlan(f.name(), first, null, cases, false, false));
        continue;
      }
      Integer number = o.number();
      FieldDescriptor fd = number == null ? null : d.findFieldByNumber(number);
      if (fd == null) {
        throw new IllegalStateException(
            "field " + o.ref() + " (number " + number + ") is not in " + d.getFullName());
      }
      boolean optional = f.type() != null && f.type().kind() == WitTypeRef.Kind.OPTION;
      fields.add(
          new FieldPlan(
              f.name(),
              fd,
              o.attribute("encoding"),
              null,
              optional,
              "true".equals(o.attribute("map"))));
    }
    return new Plan(fields);
  }

  private record Plan(List<FieldPlan> fields) {}

  /**
   * How one WIT field travels: its proto field, the translator's encoding, and for a oneof the plan
   * of each case (then {@code field} is the first member, unused).
   */
  private record FieldPlan(
      String witName,
      FieldDescriptor field,
      @Nullable String encoding,
      @Nullable Map<String, FieldPlan> oneofCases,
      boolean optional,
      boolean map) {}
}
