package dev.switchboard.bridge.internal;

import dev.switchboard.bridge.WitValue;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.Map;
import java.util.Set;

/**
 * Writes WAVE as wasm-tools' {@code wasm-wave} writer does, so that our output and theirs are the
 * same text: {@code ", "} between elements, {@code none} record fields left out ({@code {:}} when
 * none is left), options as {@code some(...)}, keyword cases prefixed with {@code %}, and floats as
 * the shortest decimal that reads back to the same value, without an exponent (Rust's {@code
 * Display}).
 */
public final class WavePrinter {
  private static final Set<String> KEYWORDS =
      Set.of("true", "false", "some", "none", "ok", "err", "inf", "nan");

  private WavePrinter() {}

  public static String print(WitValue value) {
    StringBuilder out = new StringBuilder();
    write(value, out);
    return out.toString();
  }

  public static void write(WitValue value, StringBuilder out) {
    if (value instanceof WitValue.Str s) {
      out.append('"');
      String text = s.value();
      for (int i = 0; i < text.length(); ) {
        int cp = text.codePointAt(i);
        escape(cp, out);
        i += Character.charCount(cp);
      }
      out.append('"');
    } else if (value instanceof WitValue.RecordValue r) {
      out.append('{');
      boolean first = true;
      for (Map.Entry<String, WitValue> e : r.fields().entrySet()) {
        if (e.getValue() instanceof WitValue.OptionValue o && o.value() == null) {
          continue;
        }
        if (!first) {
          out.append(", ");
        }
        first = false;
        out.append(e.getKey()).append(": ");
        write(e.getValue(), out);
      }
      if (first) {
        out.append(':');
      }
      out.append('}');
    } else if (value instanceof WitValue.ListValue l) {
      out.append('[');
      for (int i = 0; i < l.elements().size(); i++) {
        if (i > 0) {
          out.append(", ");
        }
        write(l.elements().get(i), out);
      }
      out.append(']');
    } else if (value instanceof WitValue.OptionValue o) {
      if (o.value() == null) {
        out.append("none");
      } else {
        out.append("some(");
        write(o.value(), out);
        out.append(')');
      }
    } else if (value instanceof WitValue.EnumValue e) {
      label(e.caseName(), out);
    } else if (value instanceof WitValue.VariantValue v) {
      label(v.caseName(), out);
      if (v.payload() != null) {
        out.append('(');
        write(v.payload(), out);
        out.append(')');
      }
    } else if (value instanceof WitValue.TupleValue t) {
      out.append('(');
      for (int i = 0; i < t.elements().size(); i++) {
        if (i > 0) {
          out.append(", ");
        }
        write(t.elements().get(i), out);
      }
      out.append(')');
    } else if (value instanceof WitValue.ResultValue r) {
      out.append(r.isOk() ? "ok" : "err");
      if (r.payload() != null) {
        out.append('(');
        write(r.payload(), out);
        out.append(')');
      }
    } else if (value instanceof WitValue.FlagsValue f) {
      out.append('{');
      boolean first = true;
      for (String name : f.names()) {
        if (!first) {
          out.append(", ");
        }
        first = false;
        out.append(name);
      }
      out.append('}');
    } else if (value instanceof WitValue.Bool b) {
      out.append(b.value());
    } else if (value instanceof WitValue.S8 n) {
      out.append(n.value());
    } else if (value instanceof WitValue.S16 n) {
      out.append(n.value());
    } else if (value instanceof WitValue.S32 n) {
      out.append(n.value());
    } else if (value instanceof WitValue.S64 n) {
      out.append(n.value());
    } else if (value instanceof WitValue.U8 n) {
      out.append(n.value());
    } else if (value instanceof WitValue.U16 n) {
      out.append(n.value());
    } else if (value instanceof WitValue.U32 n) {
      out.append(n.value());
    } else if (value instanceof WitValue.U64 n) {
      out.append(Long.toUnsignedString(n.value()));
    } else if (value instanceof WitValue.F32 f) {
      out.append(shortest(f.value()));
    } else if (value instanceof WitValue.F64 f) {
      out.append(shortest(f.value()));
    } else if (value instanceof WitValue.Char c) {
      out.append('\'');
      escape(c.codePoint(), out);
      out.append('\'');
    } else if (value instanceof WitValue.HandleValue h) {
      throw new IllegalArgumentException(
          "a handle to " + h.resource() + " has no WAVE form (WAVE leaves resources open)");
    } else {
      throw new IllegalStateException("unknown value " + value.kind());
    }
  }

  private static void label(String name, StringBuilder out) {
    if (KEYWORDS.contains(name)) {
      out.append('%');
    }
    out.append(name);
  }

  /**
   * As the writer's {@code write_char}: the six named escapes, control characters as {@code
   * \\u{hex}}, and what Rust's {@code escape_debug} escapes (marks that extend the previous
   * character, and characters that do not print) as {@code \\u{hex}} too.
   */
  private static void escape(int cp, StringBuilder out) {
    switch (cp) {
      case '\\' -> out.append("\\\\");
      case '"' -> out.append("\\\"");
      case '\'' -> out.append("\\'");
      case '\t' -> out.append("\\t");
      case '\r' -> out.append("\\r");
      case '\n' -> out.append("\\n");
      default -> {
        if (cp >= 0x20 && cp < 0x7F) {
          out.append((char) cp);
        } else if (printable(cp)) {
          out.appendCodePoint(cp);
        } else {
          out.append("\\u{").append(Integer.toHexString(cp)).append('}');
        }
      }
    }
  }

  private static boolean printable(int cp) {
    return switch (Character.getType(cp)) {
      case Character.CONTROL,
          Character.FORMAT,
          Character.SURROGATE,
          Character.PRIVATE_USE,
          Character.UNASSIGNED,
          Character.LINE_SEPARATOR,
          Character.PARAGRAPH_SEPARATOR,
          Character.NON_SPACING_MARK,
          Character.ENCLOSING_MARK ->
          false;
      default -> true;
    };
  }

  /** The shortest decimal that reads back to {@code f}, without an exponent. */
  static String shortest(float f) {
    if (Float.isNaN(f)) {
      return "nan";
    }
    if (Float.isInfinite(f)) {
      return f > 0 ? "inf" : "-inf";
    }
    if (f == 0) {
      return Float.floatToRawIntBits(f) < 0 ? "-0" : "0";
    }
    if (f == (long) f && Math.abs(f) < 1e7f) {
      return Long.toString((long) f);
    }
    BigDecimal exact = new BigDecimal(f);
    int upper = new BigDecimal(Float.toString(f)).precision();
    int lo = 1;
    int hi = upper;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (exact.round(new MathContext(mid, RoundingMode.HALF_EVEN)).floatValue() == f) {
        hi = mid;
      } else {
        lo = mid + 1;
      }
    }
    return plain(exact.round(new MathContext(lo, RoundingMode.HALF_EVEN)));
  }

  /** The shortest decimal that reads back to {@code d}, without an exponent. */
  static String shortest(double d) {
    if (Double.isNaN(d)) {
      return "nan";
    }
    if (Double.isInfinite(d)) {
      return d > 0 ? "inf" : "-inf";
    }
    if (d == 0) {
      return Double.doubleToRawLongBits(d) < 0 ? "-0" : "0";
    }
    if (d == (long) d && Math.abs(d) < 1e15) {
      return Long.toString((long) d);
    }
    BigDecimal exact = new BigDecimal(d);
    int upper = new BigDecimal(Double.toString(d)).precision();
    int lo = 1;
    int hi = upper;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (exact.round(new MathContext(mid, RoundingMode.HALF_EVEN)).doubleValue() == d) {
        hi = mid;
      } else {
        lo = mid + 1;
      }
    }
    return plain(exact.round(new MathContext(lo, RoundingMode.HALF_EVEN)));
  }

  private static String plain(BigDecimal v) {
    return v.stripTrailingZeros().toPlainString();
  }
}
