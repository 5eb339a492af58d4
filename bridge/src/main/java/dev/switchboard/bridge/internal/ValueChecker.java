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
 * Checks a value against a WIT type and returns it in canonical form. It collects every problem
 * with its path before failing, so one bad request says everything that is wrong with it.
 */
public final class ValueChecker {
  private final WitTypes types;

  public ValueChecker(WitTypes types) {
    this.types = types;
  }

  public WitValue check(WitTypeRef type, WitValue value, String path) {
    List<ValueException.Problem> problems = new ArrayList<>();
    WitValue out = check(type, value, path, problems);
    if (!problems.isEmpty()) {
      throw new ValueException(problems);
    }
    return out;
  }

  private WitValue check(
      WitTypeRef type, WitValue value, String path, List<ValueException.Problem> problems) {
    switch (type.kind()) {
      case PRIMITIVE:
        if (!value.kind().equals(type.name())) {
          mismatch(type, value, path, problems);
        }
        return value;
      case OPTION:
        if (!(value instanceof WitValue.OptionValue o)) {
          mismatch(type, value, path, problems);
          return value;
        }
        if (o.value() == null) {
          return o;
        }
        WitValue inner = check(type.args().get(0), o.value(), path, problems);
        return inner == o.value() ? o : WitValue.some(inner);
      case LIST:
        if (!(value instanceof WitValue.ListValue l)) {
          mismatch(type, value, path, problems);
          return value;
        }
        return checkList(type.args().get(0), l, path, problems);
      case TUPLE:
        if (!(value instanceof WitValue.TupleValue t)
            || t.elements().size() != type.args().size()) {
          mismatch(type, value, path, problems);
          return value;
        }
        List<WitValue> elements = new ArrayList<>(t.elements().size());
        for (int i = 0; i < type.args().size(); i++) {
          elements.add(check(type.args().get(i), t.elements().get(i), path + "." + i, problems));
        }
        return new WitValue.TupleValue(elements);
      case OWN:
      case BORROW:
        if (!(value instanceof WitValue.HandleValue h)
            || !h.resource().endsWith("." + type.args().get(0).name())) {
          mismatch(type, value, path, problems);
        }
        return value;
      case NAMED:
        return checkNamed(type, value, path, problems);
    }
    throw new IllegalStateException("unknown type kind " + type.kind());
  }

  private WitValue checkList(
      WitTypeRef element,
      WitValue.ListValue list,
      String path,
      List<ValueException.Problem> problems) {
    if (element.kind() == WitTypeRef.Kind.PRIMITIVE && element.name().equals("u8")) {
      try {
        list.bytes();
        return list;
      } catch (IllegalStateException notBytes) {
        // fall through and report each element
      }
    }
    List<WitValue> out = new ArrayList<>(list.elements().size());
    boolean changed = false;
    for (int i = 0; i < list.elements().size(); i++) {
      WitValue e = list.elements().get(i);
      WitValue checked = check(element, e, path + "[" + i + "]", problems);
      changed |= checked != e;
      out.add(checked);
    }
    return changed ? new WitValue.ListValue(out) : list;
  }

  private WitValue checkNamed(
      WitTypeRef type, WitValue value, String path, List<ValueException.Problem> problems) {
    WitType t = types.resolve(type);
    switch (t.kind()) {
      case ALIAS:
        return check(Refs.targetOf(t), value, path, problems);
      case RECORD:
        return checkRecord(type, t, value, path, problems);
      case VARIANT:
        if (!(value instanceof WitValue.VariantValue v)) {
          mismatch(type, value, path, problems);
          return value;
        }
        WitField c = member(t, v.caseName());
        if (c == null) {
          problems.add(
              new ValueException.Problem(
                  path, "unknown case " + v.caseName() + " of " + t.name() + cases(t)));
          return value;
        }
        if (c.type() == null) {
          if (v.payload() != null) {
            problems.add(
                new ValueException.Problem(
                    path, "case " + c.name() + " of " + t.name() + " has no payload"));
          }
          return value;
        }
        if (v.payload() == null) {
          problems.add(
              new ValueException.Problem(
                  path,
                  "case "
                      + c.name()
                      + " of "
                      + t.name()
                      + " needs a payload of type "
                      + WitTypes.describe(c.type())));
          return value;
        }
        WitValue payload = check(c.type(), v.payload(), path, problems);
        return payload == v.payload() ? v : WitValue.variant(v.caseName(), payload);
      case ENUM:
        if (!(value instanceof WitValue.EnumValue e)) {
          mismatch(type, value, path, problems);
        } else if (member(t, e.caseName()) == null) {
          problems.add(
              new ValueException.Problem(
                  path, "unknown case " + e.caseName() + " of " + t.name() + cases(t)));
        }
        return value;
      case FLAGS:
        if (!(value instanceof WitValue.FlagsValue f)) {
          mismatch(type, value, path, problems);
          return value;
        }
        Set<String> ordered = new LinkedHashSet<>();
        for (WitField flag : t.members()) {
          if (f.names().contains(flag.name())) {
            ordered.add(flag.name());
          }
        }
        for (String n : f.names()) {
          if (!ordered.contains(n)) {
            problems.add(
                new ValueException.Problem(
                    path, "unknown flag " + n + " of " + t.name() + cases(t)));
          }
        }
        return new WitValue.FlagsValue(ordered);
      case RESOURCE:
        if (!(value instanceof WitValue.HandleValue h) || !h.resource().endsWith("." + t.name())) {
          mismatch(type, value, path, problems);
        }
        return value;
    }
    throw new IllegalStateException("unknown kind " + t.kind());
  }

  private WitValue checkRecord(
      WitTypeRef type,
      WitType t,
      WitValue value,
      String path,
      List<ValueException.Problem> problems) {
    if (!(value instanceof WitValue.RecordValue r)) {
      mismatch(type, value, path, problems);
      return value;
    }
    Map<String, WitValue> out = new LinkedHashMap<>();
    boolean changed = false;
    int seen = 0;
    for (WitField f : t.members()) {
      WitValue v = r.get(f.name());
      String fieldPath = path.isEmpty() ? f.name() : path + "." + f.name();
      if (v == null) {
        if (f.type() != null && f.type().kind() == WitTypeRef.Kind.OPTION) {
          out.put(f.name(), WitValue.none());
          changed = true;
        } else {
          problems.add(
              new ValueException.Problem(
                  fieldPath, "missing field of type " + WitTypes.describe(f.type())));
        }
        continue;
      }
      seen++;
      WitValue checked = check(Refs.typeOf(f), v, fieldPath, problems);
      changed |= checked != v;
      out.put(f.name(), checked);
    }
    if (seen != r.fields().size()) {
      for (String name : r.fields().keySet()) {
        if (member(t, name) == null) {
          problems.add(
              new ValueException.Problem(
                  path.isEmpty() ? name : path + "." + name,
                  "unknown field of " + t.name() + cases(t)));
        }
      }
    }
    if (!changed) {
      int i = 0;
      for (String name : r.fields().keySet()) {
        if (!name.equals(t.members().get(i++).name())) {
          changed = true;
          break;
        }
      }
    }
    return changed ? new WitValue.RecordValue(out) : r;
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

  private void mismatch(
      WitTypeRef type, WitValue value, String path, List<ValueException.Problem> problems) {
    problems.add(
        new ValueException.Problem(
            path, "expected " + WitTypes.describe(type) + ", got " + describeValue(value)));
  }

  /** What a value is, in WIT words: {@code u32}, {@code record}, {@code variant case x}. */
  static String describeValue(WitValue value) {
    if (value instanceof WitValue.VariantValue v) {
      return "variant case " + v.caseName();
    }
    if (value instanceof WitValue.EnumValue e) {
      return "enum case " + e.caseName();
    }
    return value.kind();
  }
}
