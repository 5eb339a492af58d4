package dev.switchboard.bridge;

import dev.switchboard.wit.WitField;
import dev.switchboard.wit.WitType;
import dev.switchboard.wit.WitTypeRef;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Values made from types: the zero value (every option none, lists empty, first cases), to build
 * requests field by field, and a rich sample (every option some, lists of two, awkward strings and
 * extreme numbers) that exercises every branch of a codec. Deterministic; recursion stops at a
 * depth where options turn none and lists empty.
 */
final class Samples {
  private final WitTypes types;
  private final boolean rich;

  private Samples(WitTypes types, boolean rich) {
    this.types = types;
    this.rich = rich;
  }

  static WitValue zero(WitTypes types, WitTypeRef type) {
    return new Samples(types, false).value(type, 0);
  }

  static WitValue rich(WitTypes types, WitTypeRef type) {
    return new Samples(types, true).value(type, 0);
  }

  /** The zero record of {@code type} with some fields replaced. */
  static WitValue.RecordValue with(WitTypes types, WitTypeRef type, Object... nameValue) {
    WitValue.RecordValue zero = (WitValue.RecordValue) zero(types, type);
    WitValue.RecordBuilder b = WitValue.record();
    zero.fields().forEach(b::field);
    for (int i = 0; i < nameValue.length; i += 2) {
      b.field((String) nameValue[i], (WitValue) nameValue[i + 1]);
    }
    return b.build();
  }

  private WitValue value(WitTypeRef type, int depth) {
    // Beyond a few levels the sample is the zero value, so wide documents stay small.
    boolean deep = depth > 3;
    switch (type.kind()) {
      case PRIMITIVE:
        return primitive(type.name(), depth);
      case OPTION:
        return rich && !deep
            ? WitValue.some(value(type.args().get(0), depth + 1))
            : WitValue.none();
      case LIST:
        {
          List<WitValue> out = new ArrayList<>();
          if (rich && !deep) {
            out.add(value(type.args().get(0), depth + 1));
            if (depth < 2) {
              out.add(value(type.args().get(0), depth + 2));
            }
          }
          return new WitValue.ListValue(out);
        }
      case TUPLE:
        {
          List<WitValue> out = new ArrayList<>();
          type.args().forEach(a -> out.add(value(a, depth + 1)));
          return new WitValue.TupleValue(out);
        }
      case OWN:
      case BORROW:
        return new WitValue.HandleValue(type.args().get(0).name(), 1);
      case NAMED:
        return named(type, depth);
    }
    throw new IllegalStateException(type.kind().toString());
  }

  private WitValue named(WitTypeRef ref, int depth) {
    if ("json".equals(ref.name()) && "switchboard:rpc".equals(ref.packageName())) {
      return WitValue.string(rich ? "{\"k\":[1,\"two\",null]}" : "{}");
    }
    if ("switchboard:rpc".equals(ref.packageName())
        && ("timestamp".equals(ref.name()) || "duration".equals(ref.name()))) {
      // protobuf's JSON form accepts only the documented ranges
      return WitValue.record()
          .field("seconds", WitValue.s64(rich ? 1_700_000_000L : 0))
          .field(
              "nanos",
              ref.name().equals("timestamp")
                  ? WitValue.u32(rich ? 5 : 0)
                  : WitValue.s32(rich ? 5 : 0))
          .build();
    }
    if ("switchboard:rpc".equals(ref.packageName()) && "any".equals(ref.name())) {
      // proto3 JSON prints an Any by its type, so it must name one the contract knows: an Any
      // holding an empty Any is the one every contract that uses Any has
      return WitValue.record()
          .field("type-url", WitValue.string(rich ? "type.googleapis.com/google.protobuf.Any" : ""))
          .field("value", WitValue.bytes(new byte[0]))
          .build();
    }
    WitType t = types.resolve(ref);
    switch (t.kind()) {
      case ALIAS:
        return value(t.target(), depth);
      case RECORD:
        {
          WitValue.RecordBuilder b = WitValue.record();
          for (WitField f : t.members()) {
            String json = jsonFor(f);
            if ("field-mask".equals(f.origin().attribute("encoding"))) {
              b.field(
                  f.name(),
                  rich
                      ? WitValue.list(WitValue.string("name"), WitValue.string("a.b_c"))
                      : WitValue.list());
              continue;
            }
            b.field(f.name(), json == null ? value(f.type(), depth + 1) : wrap(f.type(), json));
          }
          return b.build();
        }
      case VARIANT:
        {
          WitField c = t.members().get(rich ? t.members().size() - 1 : 0);
          return c.type() == null
              ? WitValue.variant(c.name())
              : WitValue.variant(c.name(), value(c.type(), depth + 1));
        }
      case ENUM:
        return WitValue.enumCase(t.members().get(rich ? t.members().size() - 1 : 0).name());
      case FLAGS:
        {
          Set<String> names = new LinkedHashSet<>();
          if (rich) {
            names.add(t.members().get(0).name());
            names.add(t.members().get(t.members().size() - 1).name());
          }
          return new WitValue.FlagsValue(names);
        }
      case RESOURCE:
        return new WitValue.HandleValue(t.name(), 1);
    }
    throw new IllegalStateException(t.kind().toString());
  }

  /**
   * A proto field carried as JSON text must hold proto3 JSON of what it encodes: a Struct an
   * object, a ListValue an array, a message cut for recursion that message.
   */
  private String jsonFor(WitField f) {
    if (!"json".equals(f.origin().attribute("encoding"))) {
      return null;
    }
    String typeName = f.origin().attribute("type-name");
    if (!rich) {
      return "google.protobuf.ListValue".equals(typeName) ? "[]" : "{}";
    }
    if ("google.protobuf.ListValue".equals(typeName)) {
      return "[1.5,\"two\",null]";
    }
    if ("google.protobuf.Struct".equals(typeName) || "google.protobuf.Value".equals(typeName)) {
      return "{\"k\":[1.5,\"two\",null]}";
    }
    return "{}";
  }

  private static WitValue wrap(WitTypeRef type, String json) {
    return switch (type.kind()) {
      case OPTION -> WitValue.some(wrap(type.args().get(0), json));
      case LIST -> WitValue.list(wrap(type.args().get(0), json));
      case TUPLE -> WitValue.tuple(WitValue.string("key"), wrap(type.args().get(1), json));
      default -> WitValue.string(json);
    };
  }

  private WitValue primitive(String keyword, int depth) {
    if (!rich) {
      return switch (keyword) {
        case "bool" -> WitValue.bool(false);
        case "s8" -> WitValue.s8((byte) 0);
        case "s16" -> WitValue.s16((short) 0);
        case "s32" -> WitValue.s32(0);
        case "s64" -> WitValue.s64(0);
        case "u8" -> WitValue.u8(0);
        case "u16" -> WitValue.u16(0);
        case "u32" -> WitValue.u32(0);
        case "u64" -> WitValue.u64(0);
        case "f32" -> WitValue.f32(0);
        case "f64" -> WitValue.f64(0);
        case "char" -> WitValue.character('a');
        default -> WitValue.string("");
      };
    }
    boolean odd = depth % 2 == 1;
    return switch (keyword) {
      case "bool" -> WitValue.bool(true);
      case "s8" -> WitValue.s8(odd ? Byte.MIN_VALUE : Byte.MAX_VALUE);
      case "s16" -> WitValue.s16(odd ? Short.MIN_VALUE : Short.MAX_VALUE);
      case "s32" -> WitValue.s32(odd ? Integer.MIN_VALUE : 42);
      case "s64" -> WitValue.s64(odd ? Long.MIN_VALUE : Long.MAX_VALUE);
      case "u8" -> WitValue.u8(odd ? 255 : 7);
      case "u16" -> WitValue.u16(65535);
      case "u32" -> WitValue.u32(odd ? 65537 : 1);
      case "u64" -> WitValue.u64(odd ? -1L : 12345);
      case "f32" -> WitValue.f32(odd ? -1.5e-7f : 3.25f);
      case "f64" -> WitValue.f64(odd ? 6.02214076e23 : -0.1);
      case "char" -> WitValue.character(odd ? 0x1F30A : '\'');
      default -> WitValue.string(odd ? "tab\there \"quoted\" \\ snow☃ wave🌊" : "line1\nline2");
    };
  }
}
