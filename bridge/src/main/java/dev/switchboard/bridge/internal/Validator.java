package dev.switchboard.bridge.internal;

import dev.switchboard.bridge.WitTypes;
import dev.switchboard.bridge.WitValue;
import dev.switchboard.wit.Rules;
import dev.switchboard.wit.WitField;
import dev.switchboard.wit.WitType;
import dev.switchboard.wit.WitTypeRef;
import java.math.BigDecimal;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks values against the contract's validation rules before anything is sent: string lengths (in
 * code points, as JSON Schema counts), {@code pattern} with ECMA-262 semantics, the common {@code
 * format}s, ranges and {@code multipleOf}, enums, item counts, and {@code minProperties}/{@code
 * maxProperties} (also of a body flattened into the request). Every violation is reported with its
 * field path and rule.
 */
final class Validator {
  private static final Logger log = LoggerFactory.getLogger(Validator.class);
  private static final Pattern UUID =
      Pattern.compile(
          "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
  private static final Pattern DATE_TIME =
      Pattern.compile(
          "\\d{4}-\\d{2}-\\d{2}[Tt]\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?([Zz]|[+-]\\d{2}:\\d{2})");
  private static final Pattern EMAIL = Pattern.compile("[^@\\s]+@[^@\\s]+");
  private static final Pattern IPV4 =
      Pattern.compile(
          "((25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)\\.){3}(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)");

  private final WitTypes types;
  private final Map<String, Pattern> patterns = new ConcurrentHashMap<>();

  Validator(WitTypes types) {
    this.types = types;
  }

  /** One value to validate: the field (or parameter) that declares its rules, and its path. */
  record Item(WitField field, WitValue value, String path) {}

  List<ErrorValues.Violation> validate(List<Item> items) {
    List<ErrorValues.Violation> out = new ArrayList<>();
    for (Item item : items) {
      field(item.field(), item.value(), item.path(), out);
    }
    flattenedBodies(items, out);
    return out;
  }

  private void field(WitField f, WitValue value, String path, List<ErrorValues.Violation> out) {
    WitValue v = value;
    if (v instanceof WitValue.OptionValue o) {
      if (o.value() == null) {
        return;
      }
      v = o.value();
    }
    Rules r = f.rules();
    if (!r.none()) {
      rules(r, v, path, out);
    }
    WitTypeRef type = f.type();
    if (type != null) {
      nested(type, v, path, out);
    }
  }

  /** Walks into records (their fields' rules) and lists of them. */
  private void nested(WitTypeRef type, WitValue v, String path, List<ErrorValues.Violation> out) {
    WitTypeRef t = type.kind() == WitTypeRef.Kind.OPTION ? type.args().get(0) : type;
    if (v instanceof WitValue.OptionValue o) {
      if (o.value() != null) {
        nested(t, o.value(), path, out);
      }
      return;
    }
    if (t.kind() == WitTypeRef.Kind.LIST && v instanceof WitValue.ListValue l) {
      WitTypeRef element = t.args().get(0);
      if (element.kind() == WitTypeRef.Kind.NAMED || element.kind() == WitTypeRef.Kind.LIST) {
        for (int i = 0; i < l.elements().size(); i++) {
          nested(element, l.elements().get(i), path + "[" + i + "]", out);
        }
      }
      return;
    }
    if (t.kind() != WitTypeRef.Kind.NAMED) {
      return;
    }
    WitType def = types.resolve(t);
    if (def.kind() == WitType.Kind.ALIAS) {
      nested(Refs.targetOf(def), v, path, out);
    } else if (def.kind() == WitType.Kind.RECORD && v instanceof WitValue.RecordValue r) {
      for (WitField member : def.members()) {
        WitValue mv = r.get(member.name());
        if (mv != null) {
          field(member, mv, path.isEmpty() ? member.name() : path + "." + member.name(), out);
        }
      }
      properties(def, countPresent(def.members(), r), path, out);
    } else if (def.kind() == WitType.Kind.VARIANT && v instanceof WitValue.VariantValue c) {
      for (WitField member : def.members()) {
        if (member.name().equals(c.caseName()) && member.type() != null && c.payload() != null) {
          nested(member.type(), c.payload(), path, out);
        }
      }
    }
  }

  private static int countPresent(List<WitField> fields, WitValue.RecordValue r) {
    int n = 0;
    for (WitField f : fields) {
      WitValue v = r.get(f.name());
      if (v != null && !(v instanceof WitValue.OptionValue o && o.value() == null)) {
        n++;
      }
    }
    return n;
  }

  private static void properties(
      WitType def, int present, String path, List<ErrorValues.Violation> out) {
    String min = def.origin().attribute("min-properties");
    String max = def.origin().attribute("max-properties");
    String where = path.isEmpty() ? def.name() : path;
    if (min != null && present < Integer.parseInt(min)) {
      out.add(
          new ErrorValues.Violation(
              where, "needs at least " + min + " properties (minProperties), has " + present));
    }
    if (max != null && present > Integer.parseInt(max)) {
      out.add(
          new ErrorValues.Violation(
              where, "may have at most " + max + " properties (maxProperties), has " + present));
    }
  }

  /** A body flattened into the request keeps its object rules on its type; count its fields. */
  private void flattenedBodies(List<Item> items, List<ErrorValues.Violation> out) {
    Map<String, int[]> counts = new java.util.LinkedHashMap<>();
    for (Item item : items) {
      String body = item.field().origin().attribute("body");
      if (body == null) {
        continue;
      }
      int[] c = counts.computeIfAbsent(body, k -> new int[1]);
      if (!(item.value() instanceof WitValue.OptionValue o && o.value() == null)) {
        c[0]++;
      }
    }
    for (Map.Entry<String, int[]> e : counts.entrySet()) {
      String[] parts = e.getKey().split("/", 2);
      if (parts.length != 2) {
        continue;
      }
      WitTypeRef ref =
          WitTypeRef.named(types.binding().mainPackage().qualifiedName(), parts[0], parts[1]);
      try {
        properties(types.resolve(ref), e.getValue()[0], "request", out);
      } catch (IllegalArgumentException unknown) {
        log.debug("no type {} for a flattened body", e.getKey());
      }
    }
  }

  private void rules(Rules r, WitValue v, String path, List<ErrorValues.Violation> out) {
    if (v instanceof WitValue.Str s) {
      String text = s.value();
      int length = text.codePointCount(0, text.length());
      if (r.minLength() != null && length < r.minLength()) {
        out.add(
            new ErrorValues.Violation(
                path,
                "must be at least "
                    + r.minLength()
                    + " characters long (minLength), is "
                    + length));
      }
      if (r.maxLength() != null && length > r.maxLength()) {
        out.add(
            new ErrorValues.Violation(
                path,
                "must be at most " + r.maxLength() + " characters long (maxLength), is " + length));
      }
      if (r.pattern() != null) {
        Pattern p = pattern(r.pattern());
        if (p != null && !p.matcher(text).find()) {
          out.add(
              new ErrorValues.Violation(
                  path, "must match the pattern " + r.pattern() + " (pattern)"));
        }
      }
      if (r.format() != null) {
        String problem = format(r.format(), text);
        if (problem != null) {
          out.add(new ErrorValues.Violation(path, problem + " (format " + r.format() + ")"));
        }
      }
      if (!r.allowed().isEmpty() && !r.allowed().contains(text)) {
        out.add(
            new ErrorValues.Violation(
                path, "must be one of " + String.join(", ", r.allowed()) + " (enum)"));
      }
      return;
    }
    BigDecimal number = number(v);
    if (number != null) {
      if (r.minimum() != null) {
        int c = number.compareTo(r.minimum());
        if (c < 0 || c == 0 && r.exclusiveMinimum()) {
          out.add(
              new ErrorValues.Violation(
                  path,
                  "must be "
                      + (r.exclusiveMinimum() ? "greater than " : "at least ")
                      + r.minimum().toPlainString()
                      + (r.exclusiveMinimum() ? " (exclusiveMinimum)" : " (minimum)")
                      + ", is "
                      + number.toPlainString()));
        }
      }
      if (r.maximum() != null) {
        int c = number.compareTo(r.maximum());
        if (c > 0 || c == 0 && r.exclusiveMaximum()) {
          out.add(
              new ErrorValues.Violation(
                  path,
                  "must be "
                      + (r.exclusiveMaximum() ? "less than " : "at most ")
                      + r.maximum().toPlainString()
                      + (r.exclusiveMaximum() ? " (exclusiveMaximum)" : " (maximum)")
                      + ", is "
                      + number.toPlainString()));
        }
      }
      if (r.multipleOf() != null
          && r.multipleOf().signum() > 0
          && number.remainder(r.multipleOf()).signum() != 0) {
        out.add(
            new ErrorValues.Violation(
                path,
                "must be a multiple of "
                    + r.multipleOf().toPlainString()
                    + " (multipleOf), is "
                    + number.toPlainString()));
      }
      if (!r.allowed().isEmpty() && r.allowed().stream().noneMatch(a -> sameNumber(a, number))) {
        out.add(
            new ErrorValues.Violation(
                path, "must be one of " + String.join(", ", r.allowed()) + " (enum)"));
      }
      return;
    }
    if (v instanceof WitValue.ListValue l) {
      int size = l.elements().size();
      if (r.minItems() != null && size < r.minItems()) {
        out.add(
            new ErrorValues.Violation(
                path, "needs at least " + r.minItems() + " items (minItems), has " + size));
      }
      if (r.maxItems() != null && size > r.maxItems()) {
        out.add(
            new ErrorValues.Violation(
                path, "may have at most " + r.maxItems() + " items (maxItems), has " + size));
      }
    }
  }

  private static boolean sameNumber(String literal, BigDecimal n) {
    try {
      return new BigDecimal(literal).compareTo(n) == 0;
    } catch (NumberFormatException e) {
      return false;
    }
  }

  private static @Nullable BigDecimal number(WitValue v) {
    if (v instanceof WitValue.S32 n) {
      return BigDecimal.valueOf(n.value());
    }
    if (v instanceof WitValue.S64 n) {
      return BigDecimal.valueOf(n.value());
    }
    if (v instanceof WitValue.U32 n) {
      return BigDecimal.valueOf(n.value());
    }
    if (v instanceof WitValue.U64 n) {
      return new BigDecimal(Long.toUnsignedString(n.value()));
    }
    if (v instanceof WitValue.F64 n && Double.isFinite(n.value())) {
      return new BigDecimal(WavePrinter.shortest(n.value()));
    }
    if (v instanceof WitValue.F32 n && Float.isFinite(n.value())) {
      return new BigDecimal(WavePrinter.shortest(n.value()));
    }
    if (v instanceof WitValue.S8 n) {
      return BigDecimal.valueOf(n.value());
    }
    if (v instanceof WitValue.S16 n) {
      return BigDecimal.valueOf(n.value());
    }
    if (v instanceof WitValue.U8 n) {
      return BigDecimal.valueOf(n.value());
    }
    if (v instanceof WitValue.U16 n) {
      return BigDecimal.valueOf(n.value());
    }
    return null;
  }

  private @Nullable Pattern pattern(String ecma) {
    Pattern cached = patterns.get(ecma);
    if (cached != null) {
      return cached;
    }
    try {
      Pattern p = EcmaRegex.compile(ecma);
      patterns.put(ecma, p);
      return p;
    } catch (PatternSyntaxException e) {
      log.warn(
          "the contract's pattern {} is not a usable ECMA-262 regex: {}", ecma, e.getDescription());
      return null;
    }
  }

  /** What is wrong with {@code text} for a well-known format, or null when it fits. */
  private static @Nullable String format(String format, String text) {
    switch (format) {
      case "date-time":
        if (!DATE_TIME.matcher(text).matches()) {
          return "must be an RFC 3339 date-time such as 2025-01-31T12:00:00Z";
        }
        try {
          OffsetDateTime.parse(text.toUpperCase(java.util.Locale.ROOT));
          return null;
        } catch (DateTimeParseException e) {
          return "is not a valid date-time";
        }
      case "date":
        try {
          LocalDate.parse(text);
          return null;
        } catch (DateTimeParseException e) {
          return "must be an RFC 3339 full-date such as 2025-01-31";
        }
      case "uuid":
        return UUID.matcher(text).matches() ? null : "must be a UUID";
      case "email":
        return EMAIL.matcher(text).matches() ? null : "must be an email address";
      case "ipv4":
        return IPV4.matcher(text).matches() ? null : "must be an IPv4 address";
      case "uri":
        try {
          return new URI(text).isAbsolute() ? null : "must be an absolute URI";
        } catch (URISyntaxException e) {
          return "must be a URI";
        }
      default:
        return null;
    }
  }
}
