package dev.switchboard.bridge.internal;

import dev.switchboard.bridge.ValueException;
import dev.switchboard.bridge.WitTypes;
import dev.switchboard.bridge.WitValue;
import dev.switchboard.wit.WitField;
import dev.switchboard.wit.WitType;
import dev.switchboard.wit.WitTypeRef;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Reads WAVE (the WebAssembly Value Encoding of wasm-tools' {@code wasm-wave} crate) against a WIT
 * type. It follows the published grammar: base-10 integers, JSON-style floats and {@code nan},
 * {@code inf}, {@code -inf}; chars and strings with {@code \' \" \\ \t \n \r \\u{...}} escapes;
 * {@code """} multiline strings dedented by their closing line; {@code //} comments; trailing
 * commas; {@code %}-prefixed labels; records with omitted {@code none} fields and {@code {:}}; flat
 * {@code option} and {@code result} payloads where the payload is neither.
 *
 * <p>Errors name the line and column and the value's path: {@code request.title (1:12): expected
 * string, got number}.
 */
public final class WaveParser {
  private static final Set<String> KEYWORDS =
      Set.of("true", "false", "some", "none", "ok", "err", "inf", "nan");

  private final WitTypes types;
  private final String src;
  private int pos;

  private WaveParser(WitTypes types, String src) {
    this.types = types;
    this.src = src;
  }

  /**
   * Parses exactly one value of {@code type}; anything but whitespace and comments after it fails.
   */
  public static WitValue parse(WitTypes types, WitTypeRef type, String text, String path) {
    WaveParser p = new WaveParser(types, text);
    WitValue v = p.value(type, path);
    p.skipSpace();
    if (p.pos < p.src.length()) {
      throw p.error(path, "unexpected " + p.describeNext() + " after the value");
    }
    return v;
  }

  /** Parses a {@code result<ok, err>} value; either side may be null (no payload). */
  public static WitValue parseResult(
      WitTypes types, @Nullable WitTypeRef ok, @Nullable WitTypeRef err, String text, String path) {
    WaveParser p = new WaveParser(types, text);
    WitValue v = p.result(ok, err, path);
    p.skipSpace();
    if (p.pos < p.src.length()) {
      throw p.error(path, "unexpected " + p.describeNext() + " after the value");
    }
    return v;
  }

  // ---- values

  private WitValue value(WitTypeRef type, String path) {
    skipSpace();
    switch (type.kind()) {
      case PRIMITIVE:
        return primitive(type.name(), path);
      case OPTION:
        return option(type.args().get(0), path);
      case LIST:
        {
          expect('[', path, WitTypes.describe(type));
          List<WitValue> out = new ArrayList<>();
          WitTypeRef element = type.args().get(0);
          while (!closing(']', path)) {
            out.add(value(element, path + "[" + out.size() + "]"));
            if (!comma(']', path)) {
              break;
            }
          }
          expect(']', path, "',' or ']'");
          return new WitValue.ListValue(out);
        }
      case TUPLE:
        {
          expect('(', path, WitTypes.describe(type));
          List<WitValue> out = new ArrayList<>();
          for (int i = 0; i < type.args().size(); i++) {
            out.add(value(type.args().get(i), path + "." + i));
            if (i < type.args().size() - 1) {
              skipSpace();
              expect(',', path, "',' (the tuple has " + type.args().size() + " elements)");
            }
          }
          skipSpace();
          if (peek() == ',') {
            pos++;
          }
          expect(')', path, "')' (the tuple has " + type.args().size() + " elements)");
          return new WitValue.TupleValue(out);
        }
      case OWN:
      case BORROW:
        throw error(path, "resource handles have no WAVE form");
      case NAMED:
        return named(type, path);
    }
    throw new IllegalStateException("unknown kind " + type.kind());
  }

  private WitValue named(WitTypeRef ref, String path) {
    WitType t = types.resolve(ref);
    switch (t.kind()) {
      case ALIAS:
        return value(Refs.targetOf(t), path);
      case RECORD:
        return record(t, path);
      case FLAGS:
        return flags(t, path);
      case ENUM:
        {
          int at = pos;
          Label label = label(path, t.name());
          if (label.keyword()) {
            throw errorAt(at, path, "expected a case of " + t.name() + ", got " + label.text);
          }
          if (member(t, label.text) == null) {
            throw errorAt(at, path, "unknown case " + label.text + " of " + t.name() + cases(t));
          }
          return WitValue.enumCase(label.text);
        }
      case VARIANT:
        {
          int at = pos;
          Label label = label(path, t.name());
          if (label.keyword()) {
            throw errorAt(at, path, "expected a case of " + t.name() + ", got " + label.text);
          }
          WitField c = member(t, label.text);
          if (c == null) {
            throw errorAt(at, path, "unknown case " + label.text + " of " + t.name() + cases(t));
          }
          skipSpace();
          if (c.type() == null) {
            if (peek() == '(') {
              throw error(path, "case " + c.name() + " has no payload");
            }
            return WitValue.variant(c.name());
          }
          expect('(', path, "'(' and the payload of case " + c.name());
          WitValue payload = value(c.type(), path);
          skipSpace();
          expect(')', path, "')'");
          return WitValue.variant(c.name(), payload);
        }
      case RESOURCE:
        throw error(path, "resource handles have no WAVE form");
    }
    throw new IllegalStateException("unknown kind " + t.kind());
  }

  private WitValue record(WitType t, String path) {
    expect('{', path, "a record " + t.name());
    Map<String, WitValue> fields = new LinkedHashMap<>();
    skipSpace();
    if (peek() == ':') {
      pos++;
      skipSpace();
      expect('}', path, "'}' after '{:'");
    } else {
      while (!closing('}', path)) {
        int at = pos;
        Label label = label(path, "a field of " + t.name());
        WitField f = member(t, label.text);
        String fieldPath = path.isEmpty() ? label.text : path + "." + label.text;
        if (f == null) {
          throw errorAt(at, fieldPath, "unknown field of " + t.name() + cases(t));
        }
        if (fields.containsKey(f.name())) {
          throw errorAt(at, fieldPath, "duplicate field");
        }
        skipSpace();
        expect(':', fieldPath, "':'");
        fields.put(f.name(), value(Refs.typeOf(f), fieldPath));
        if (!comma('}', path)) {
          break;
        }
      }
      expect('}', path, "',' or '}'");
      if (fields.isEmpty()) {
        throw error(path, "an empty record is written {:} ({} is an empty flags value)");
      }
    }
    Map<String, WitValue> ordered = new LinkedHashMap<>();
    List<String> missing = new ArrayList<>();
    for (WitField f : t.members()) {
      WitValue v = fields.get(f.name());
      if (v == null) {
        if (f.type() != null && f.type().kind() == WitTypeRef.Kind.OPTION) {
          v = WitValue.none();
        } else if (f.role() == WitField.Role.AUTH) {
          // left for the stub to fill from its configured credentials
          continue;
        } else {
          missing.add(f.name());
          continue;
        }
      }
      ordered.put(f.name(), v);
    }
    if (!missing.isEmpty()) {
      throw error(
          path, "missing field" + (missing.size() > 1 ? "s " : " ") + String.join(", ", missing));
    }
    return new WitValue.RecordValue(ordered);
  }

  private WitValue flags(WitType t, String path) {
    expect('{', path, "flags " + t.name());
    Set<String> set = new LinkedHashSet<>();
    while (!closing('}', path)) {
      int at = pos;
      Label label = label(path, "a flag of " + t.name());
      if (member(t, label.text) == null) {
        throw errorAt(at, path, "unknown flag " + label.text + " of " + t.name() + cases(t));
      }
      if (!set.add(label.text)) {
        throw errorAt(at, path, "duplicate flag " + label.text);
      }
      if (!comma('}', path)) {
        break;
      }
    }
    expect('}', path, "',' or '}'");
    Set<String> ordered = new LinkedHashSet<>();
    for (WitField f : t.members()) {
      if (set.contains(f.name())) {
        ordered.add(f.name());
      }
    }
    return new WitValue.FlagsValue(ordered);
  }

  private WitValue option(WitTypeRef payload, String path) {
    int at = pos;
    if (keywordAhead("none")) {
      label(path, "");
      skipSpace();
      if (peek() == '(') {
        throw errorAt(at, path, "none has no payload");
      }
      return WitValue.none();
    }
    if (keywordAhead("some")) {
      label(path, "");
      skipSpace();
      expect('(', path, "'(' after some");
      WitValue v = value(payload, path);
      skipSpace();
      expect(')', path, "')'");
      return WitValue.some(v);
    }
    if (!flattenable(payload)) {
      throw errorAt(at, path, "expected some(...) or none for " + describeOption(payload));
    }
    return WitValue.some(value(payload, path));
  }

  private WitValue result(@Nullable WitTypeRef ok, @Nullable WitTypeRef err, String path) {
    skipSpace();
    int at = pos;
    boolean isOk = keywordAhead("ok");
    if (isOk || keywordAhead("err")) {
      label(path, "");
      WitTypeRef payloadType = isOk ? ok : err;
      skipSpace();
      if (payloadType == null) {
        if (peek() == '(') {
          throw error(path, "unexpected payload for " + (isOk ? "ok" : "err"));
        }
        return isOk ? WitValue.ok(null) : WitValue.err(null);
      }
      if (peek() != '(') {
        throw errorAt(at, path, "missing payload for " + (isOk ? "ok" : "err"));
      }
      pos++;
      WitValue v = value(payloadType, path);
      skipSpace();
      expect(')', path, "')'");
      return isOk ? WitValue.ok(v) : WitValue.err(v);
    }
    if (ok == null || !flattenable(ok)) {
      throw errorAt(at, path, "expected ok(...) or err(...)");
    }
    return WitValue.ok(value(ok, path));
  }

  /** A payload written without {@code some(...)}: only when it is not itself an option. */
  private boolean flattenable(WitTypeRef t) {
    WitTypeRef r = t;
    while (r.kind() == WitTypeRef.Kind.NAMED) {
      WitType def = types.resolve(r);
      if (def.kind() != WitType.Kind.ALIAS) {
        return true;
      }
      r = Refs.targetOf(def);
    }
    return r.kind() != WitTypeRef.Kind.OPTION;
  }

  private static String describeOption(WitTypeRef payload) {
    return "option<" + WitTypes.describe(payload) + ">";
  }

  // ---- primitives

  private WitValue primitive(String keyword, String path) {
    int at = pos;
    switch (keyword) {
      case "bool":
        {
          if (keywordAhead("true")) {
            label(path, "");
            return WitValue.bool(true);
          }
          if (keywordAhead("false")) {
            label(path, "");
            return WitValue.bool(false);
          }
          throw errorAt(at, path, "expected bool, got " + describeNext());
        }
      case "char":
        return WitValue.character(charLiteral(path));
      case "string":
        return WitValue.string(string(path));
      case "f32":
      case "f64":
        {
          String n = floatToken(path, keyword);
          if (keyword.equals("f32")) {
            return WitValue.f32(
                switch (n) {
                  case "nan" -> Float.NaN;
                  case "inf" -> Float.POSITIVE_INFINITY;
                  case "-inf" -> Float.NEGATIVE_INFINITY;
                  default -> Float.parseFloat(n);
                });
          }
          return WitValue.f64(
              switch (n) {
                case "nan" -> Double.NaN;
                case "inf" -> Double.POSITIVE_INFINITY;
                case "-inf" -> Double.NEGATIVE_INFINITY;
                default -> Double.parseDouble(n);
              });
        }
      default:
        return integer(keyword, path);
    }
  }

  private WitValue integer(String keyword, String path) {
    int at = pos;
    String n = numberToken();
    if (n == null) {
      throw errorAt(at, path, "expected " + keyword + ", got " + describeNext());
    }
    if (n.indexOf('.') >= 0 || n.indexOf('e') >= 0 || n.indexOf('E') >= 0) {
      throw errorAt(at, path, "expected " + keyword + ", got " + n + " (not an integer)");
    }
    boolean unsigned = keyword.charAt(0) == 'u';
    if (unsigned && n.startsWith("-")) {
      throw errorAt(at, path, n + " is out of range for " + keyword);
    }
    try {
      return switch (keyword) {
        case "s8" -> WitValue.s8(Byte.parseByte(n));
        case "s16" -> WitValue.s16(Short.parseShort(n));
        case "s32" -> WitValue.s32(Integer.parseInt(n));
        case "s64" -> WitValue.s64(Long.parseLong(n));
        case "u8" -> WitValue.u8(checkRange(Integer.parseInt(n), 0xFF));
        case "u16" -> WitValue.u16(checkRange(Integer.parseInt(n), 0xFFFF));
        case "u32" -> WitValue.u32(checkRange(Long.parseLong(n), 0xFFFF_FFFFL));
        case "u64" -> WitValue.u64(Long.parseUnsignedLong(n));
        default -> throw errorAt(at, path, "unknown primitive type " + keyword);
      };
    } catch (NumberFormatException e) {
      throw errorAt(at, path, n + " is out of range for " + keyword);
    }
  }

  private static int checkRange(int v, int max) {
    if (v > max) {
      throw new NumberFormatException();
    }
    return v;
  }

  private static long checkRange(long v, long max) {
    if (v > max) {
      throw new NumberFormatException();
    }
    return v;
  }

  private String floatToken(String path, String keyword) {
    int at = pos;
    if (src.startsWith("-inf", pos) && !labelChar(pos + 4)) {
      pos += 4;
      return "-inf";
    }
    if (keywordAhead("nan") || keywordAhead("inf")) {
      return label(path, "").text;
    }
    String n = numberToken();
    if (n == null) {
      throw errorAt(at, path, "expected " + keyword + ", got " + describeNext());
    }
    return n;
  }

  /** {@code -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?}, or null if none starts here. */
  private @Nullable String numberToken() {
    int start = pos;
    int i = pos;
    if (i < src.length() && src.charAt(i) == '-') {
      i++;
    }
    if (i >= src.length() || !digit(src.charAt(i))) {
      return null;
    }
    if (src.charAt(i) == '0') {
      i++;
    } else {
      while (i < src.length() && digit(src.charAt(i))) {
        i++;
      }
    }
    if (i + 1 < src.length() && src.charAt(i) == '.' && digit(src.charAt(i + 1))) {
      i += 2;
      while (i < src.length() && digit(src.charAt(i))) {
        i++;
      }
    }
    if (i < src.length() && (src.charAt(i) == 'e' || src.charAt(i) == 'E')) {
      int j = i + 1;
      if (j < src.length() && (src.charAt(j) == '+' || src.charAt(j) == '-')) {
        j++;
      }
      if (j < src.length() && digit(src.charAt(j))) {
        while (j < src.length() && digit(src.charAt(j))) {
          j++;
        }
        i = j;
      }
    }
    if (i < src.length() && (digit(src.charAt(i)) || labelStart(src.charAt(i)))) {
      return null; // "01", "1x": not one number token
    }
    pos = i;
    return src.substring(start, i);
  }

  private int charLiteral(String path) {
    int at = pos;
    if (peek() != '\'') {
      throw errorAt(at, path, "expected char, got " + describeNext());
    }
    pos++;
    int cp;
    if (peek() == '\\') {
      cp = escape(path);
    } else {
      if (pos >= src.length() || peek() == '\'' || peek() == '\n') {
        throw errorAt(at, path, "invalid char literal");
      }
      cp = src.codePointAt(pos);
      pos += Character.charCount(cp);
    }
    if (peek() != '\'') {
      throw errorAt(at, path, "invalid char literal (a char holds exactly one character)");
    }
    pos++;
    return cp;
  }

  private String string(String path) {
    int at = pos;
    if (src.startsWith("\"\"\"", pos)) {
      return multiline(path);
    }
    if (peek() != '"') {
      throw errorAt(at, path, "expected string, got " + describeNext());
    }
    pos++;
    StringBuilder out = new StringBuilder();
    while (true) {
      if (pos >= src.length() || src.charAt(pos) == '\n') {
        throw errorAt(at, path, "unterminated string");
      }
      char c = src.charAt(pos);
      if (c == '"') {
        pos++;
        return out.toString();
      }
      if (c == '\\') {
        out.appendCodePoint(escape(path));
      } else {
        out.append(c);
        pos++;
      }
    }
  }

  private String multiline(String path) {
    int open = pos;
    int contentStart = pos + 3;
    int end = src.indexOf("\"\"\"", contentStart);
    if (end < 0) {
      throw errorAt(open, path, "unterminated multiline string");
    }
    String content = src.substring(contentStart, end);
    int firstBreak = content.startsWith("\r\n") ? 2 : content.startsWith("\n") ? 1 : -1;
    if (firstBreak < 0) {
      throw errorAt(open, path, "opening \"\"\" must be followed immediately by a line break");
    }
    int lastBreak = content.lastIndexOf('\n');
    String indent = content.substring(lastBreak + 1);
    if (!indent.chars().allMatch(ch -> ch == ' ') || lastBreak < firstBreak - 1) {
      throw errorAt(end, path, "closing \"\"\" must be on a line preceded only by spaces");
    }
    StringBuilder out = new StringBuilder();
    if (lastBreak >= firstBreak) {
      String body = content.substring(firstBreak, lastBreak);
      String[] lines = body.split("\n", -1);
      int lineStart = contentStart + firstBreak;
      for (int i = 0; i < lines.length; i++) {
        String line = lines[i];
        if (!line.startsWith(indent)) {
          throw errorAt(
              lineStart, path, "lines must be indented at least as much as closing \"\"\"");
        }
        if (i > 0) {
          out.append('\n');
        }
        String text = line.substring(indent.length());
        if (text.endsWith("\r")) {
          text = text.substring(0, text.length() - 1);
        }
        // escapes within the line
        WaveParser inner = new WaveParser(types, text);
        while (inner.pos < text.length()) {
          char c = text.charAt(inner.pos);
          if (c == '\\') {
            try {
              out.appendCodePoint(inner.escape(path));
            } catch (ValueException e) {
              throw errorAt(lineStart + indent.length() + inner.pos, path, "invalid escape");
            }
          } else {
            out.append(c);
            inner.pos++;
          }
        }
        lineStart += line.length() + 1;
      }
    }
    pos = end + 3;
    return out.toString();
  }

  /** Reads one escape at {@code pos} (which holds the backslash). */
  private int escape(String path) {
    int at = pos;
    if (pos + 1 >= src.length()) {
      throw errorAt(at, path, "invalid escape");
    }
    char e = src.charAt(pos + 1);
    pos += 2;
    switch (e) {
      case '\\':
        return '\\';
      case '\'':
        return '\'';
      case '"':
        return '"';
      case 't':
        return '\t';
      case 'n':
        return '\n';
      case 'r':
        return '\r';
      case 'u':
        {
          if (peek() != '{') {
            throw errorAt(at, path, "invalid escape (write \\u{hex})");
          }
          int close = src.indexOf('}', pos);
          if (close < 0 || close == pos + 1 || close - pos - 1 > 6) {
            throw errorAt(at, path, "invalid escape (write \\u{hex}, 1 to 6 digits)");
          }
          String hex = src.substring(pos + 1, close);
          int cp;
          try {
            cp = Integer.parseInt(hex, 16);
          } catch (NumberFormatException bad) {
            throw errorAt(at, path, "invalid escape \\u{" + hex + "}");
          }
          if (hex.startsWith("+") || hex.startsWith("-")) {
            throw errorAt(at, path, "invalid escape \\u{" + hex + "}");
          }
          if (cp > Character.MAX_CODE_POINT
              || cp >= Character.MIN_SURROGATE && cp <= Character.MAX_SURROGATE) {
            throw errorAt(at, path, "\\u{" + hex + "} is not a Unicode scalar value");
          }
          pos = close + 1;
          return cp;
        }
      default:
        throw errorAt(at, path, "invalid escape \\" + e);
    }
  }

  // ---- tokens

  private record Label(String text, boolean percent) {
    boolean keyword() {
      return !percent && KEYWORDS.contains(text);
    }
  }

  /** {@code %?word(-word)*}: first word starts with a letter; each word is one case. */
  private Label label(String path, String what) {
    skipSpace();
    int at = pos;
    boolean percent = false;
    if (peek() == '%') {
      percent = true;
      pos++;
    }
    int start = pos;
    boolean first = true;
    while (true) {
      int wordStart = pos;
      if (pos >= src.length()) {
        break;
      }
      char c = src.charAt(pos);
      if (first ? !Character.isLetter(c) || c > 0x7F : !asciiAlnum(c)) {
        break;
      }
      boolean lower = Character.isLowerCase(c);
      boolean upper = Character.isUpperCase(c);
      pos++;
      while (pos < src.length() && asciiAlnum(src.charAt(pos))) {
        char d = src.charAt(pos);
        if (Character.isLowerCase(d)) {
          if (upper) {
            throw errorAt(wordStart, path, "a label word is all lower case or all upper case");
          }
          lower = true;
        } else if (Character.isUpperCase(d)) {
          if (lower) {
            throw errorAt(wordStart, path, "a label word is all lower case or all upper case");
          }
          upper = true;
        }
        pos++;
      }
      first = false;
      if (pos + 1 < src.length() && src.charAt(pos) == '-' && asciiAlnum(src.charAt(pos + 1))) {
        pos++;
        continue;
      }
      break;
    }
    if (pos == start) {
      pos = at;
      throw errorAt(
          at, path, "expected " + (what.isEmpty() ? "a label" : what) + ", got " + describeNext());
    }
    return new Label(src.substring(start, pos), percent);
  }

  private boolean keywordAhead(String keyword) {
    skipSpace();
    return src.startsWith(keyword, pos) && !labelChar(pos + keyword.length());
  }

  private boolean labelChar(int i) {
    return i < src.length()
        && (asciiAlnum(src.charAt(i))
            || src.charAt(i) == '-' && i + 1 < src.length() && asciiAlnum(src.charAt(i + 1)));
  }

  private static boolean labelStart(char c) {
    return c < 0x80 && Character.isLetter(c);
  }

  private static boolean asciiAlnum(char c) {
    return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9';
  }

  private static boolean digit(char c) {
    return c >= '0' && c <= '9';
  }

  private char peek() {
    return pos < src.length() ? src.charAt(pos) : '\0';
  }

  private void skipSpace() {
    while (pos < src.length()) {
      char c = src.charAt(pos);
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
        pos++;
      } else if (c == '/' && pos + 1 < src.length() && src.charAt(pos + 1) == '/') {
        while (pos < src.length() && src.charAt(pos) != '\n') {
          pos++;
        }
      } else {
        return;
      }
    }
  }

  private void expect(char c, String path, String what) {
    skipSpace();
    if (peek() != c || pos >= src.length()) {
      throw error(path, "expected " + what + ", got " + describeNext());
    }
    pos++;
  }

  /** True at the closing bracket (not consumed); a stray comma here is an error. */
  private boolean closing(char close, String path) {
    skipSpace();
    if (peek() == ',') {
      throw error(path, "unexpected ','");
    }
    return peek() == close || pos >= src.length();
  }

  /** After an element: consumes a comma and says whether more may follow. */
  private boolean comma(char close, String path) {
    skipSpace();
    if (peek() == ',') {
      pos++;
      return true;
    }
    return false;
  }

  private String describeNext() {
    skipSpace();
    if (pos >= src.length()) {
      return "the end of the input";
    }
    char c = src.charAt(pos);
    if (c == '"') {
      return "a string";
    }
    if (c == '\'') {
      return "a char";
    }
    if (c == '-' || digit(c)) {
      return "a number";
    }
    if (c == '%' || labelStart(c)) {
      int end = pos + 1;
      while (end < src.length() && (asciiAlnum(src.charAt(end)) || src.charAt(end) == '-')) {
        end++;
      }
      return "'" + src.substring(pos, end) + "'";
    }
    return "'" + new String(Character.toChars(src.codePointAt(pos))) + "'";
  }

  private ValueException error(String path, String message) {
    skipSpace();
    return errorAt(pos, path, message);
  }

  private ValueException errorAt(int at, String path, String message) {
    int line = 1;
    int col = 1;
    for (int i = 0; i < at && i < src.length(); i++) {
      if (src.charAt(i) == '\n') {
        line++;
        col = 1;
      } else {
        col++;
      }
    }
    String where = (path.isEmpty() ? "" : path + " ") + "(" + line + ":" + col + ")";
    return new ValueException(where, message);
  }

  private static @Nullable WitField member(WitType t, String name) {
    for (WitField f : t.members()) {
      if (f.name().equals(name)) {
        return f;
      }
    }
    return null;
  }

  private static String cases(WitType t) {
    List<String> names = new ArrayList<>();
    for (WitField f : t.members()) {
      names.add(f.name());
      if (names.size() == 12) {
        names.add("...");
        break;
      }
    }
    return " (" + String.join(", ", names) + ")";
  }
}
