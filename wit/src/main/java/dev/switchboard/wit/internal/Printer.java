package dev.switchboard.wit.internal;

import dev.switchboard.wit.Binding;
import dev.switchboard.wit.WitField;
import dev.switchboard.wit.WitFunction;
import dev.switchboard.wit.WitInterface;
import dev.switchboard.wit.WitPackage;
import dev.switchboard.wit.WitType;
import dev.switchboard.wit.WitTypeRef;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * Prints WIT source from a Binding. Output depends only on the Binding, so the same Binding always
 * prints byte-identical text. {@code use} statements are derived from the type references; a used
 * name that would clash with a local one (an OpenAPI schema called {@code Error} beside the shared
 * {@code error} variant) is imported under an alias, which changes nothing in the Binding.
 */
public final class Printer {
  private static final String INDENT = "    ";

  private final Binding binding;
  private final ComponentCosts costs;
  private final Map<String, String> versions = new HashMap<>();

  public Printer(Binding binding) {
    this.binding = binding;
    this.costs = new ComponentCosts(binding);
    for (WitPackage p : binding.packages()) {
      versions.put(p.qualifiedName(), p.version());
    }
  }

  /** Relative file path to content: the main package at the top, every other one under deps/. */
  public Map<String, String> files() {
    Map<String, String> files = new LinkedHashMap<>();
    List<WitPackage> packages = binding.packages();
    WitPackage main = packages.get(0);
    files.put(main.name() + ".wit", print(main));
    for (int i = 1; i < packages.size(); i++) {
      WitPackage dep = packages.get(i);
      files.put(
          "deps/" + dep.namespace() + "-" + dep.name() + "/" + dep.name() + ".wit", print(dep));
    }
    return files;
  }

  public String print(WitPackage pkg) {
    StringBuilder out = new StringBuilder();
    docs(out, "", pkg.docs());
    out.append("package ").append(pkg.namespace()).append(':').append(pkg.name());
    if (!pkg.version().isEmpty()) {
      out.append('@').append(pkg.version());
    }
    out.append(";\n");
    for (WitInterface iface : pkg.interfaces()) {
      out.append('\n');
      printInterface(out, pkg, iface);
    }
    for (WorldPlan.World world : WorldPlan.of(costs, pkg)) {
      out.append('\n').append("world ").append(WitNames.escape(world.name())).append(" {\n");
      for (WitInterface iface : world.imports()) {
        out.append(INDENT).append("import ").append(WitNames.escape(iface.name())).append(";\n");
      }
      out.append("}\n");
    }
    return out.toString();
  }

  private void printInterface(StringBuilder out, WitPackage pkg, WitInterface iface) {
    docs(out, "", iface.docs());
    out.append("interface ").append(WitNames.escape(iface.name())).append(" {\n");
    Map<String, String> aliases = printUses(out, pkg, iface);
    boolean first = aliases.isEmpty();
    for (WitType type : iface.types()) {
      if (!first) {
        out.append('\n');
      }
      first = false;
      printType(out, pkg, iface, type, aliases);
    }
    if (!iface.functions().isEmpty() && !first) {
      out.append('\n');
    }
    for (WitFunction fn : iface.functions()) {
      docs(out, INDENT, fn.docs());
      out.append(INDENT);
      printFunction(out, pkg, iface, fn, aliases);
    }
    out.append("}\n");
  }

  /** Prints the use statements and returns, per referenced key, the name to print. */
  private Map<String, String> printUses(StringBuilder out, WitPackage pkg, WitInterface iface) {
    // key "pkg|iface|name" -> printed name
    Set<String> locals = new HashSet<>();
    for (WitType t : iface.types()) {
      locals.add(t.name());
    }
    // Functions share the interface's namespace with types (wit-parser: "defined more than once").
    for (WitFunction f : iface.functions()) {
      locals.add(f.name());
    }
    TreeMap<String, TreeSet<String>> byInterface = new TreeMap<>(this::compareSources);
    List<WitTypeRef> refs = new ArrayList<>();
    for (WitType t : iface.types()) {
      for (WitField m : t.members()) {
        collect(m.type(), refs);
      }
      collect(t.target(), refs);
      for (WitFunction f : t.methods()) {
        collectFunction(f, refs);
      }
    }
    for (WitFunction f : iface.functions()) {
      collectFunction(f, refs);
    }
    for (WitTypeRef r : refs) {
      boolean local =
          pkg.qualifiedName().equals(r.packageName()) && iface.name().equals(r.interfaceName());
      if (!local) {
        byInterface
            .computeIfAbsent(r.packageName() + "|" + r.interfaceName(), k -> new TreeSet<>())
            .add(r.name());
      }
    }
    Map<String, String> printed = new HashMap<>();
    Set<String> taken = new HashSet<>(locals);
    for (Map.Entry<String, TreeSet<String>> e : byInterface.entrySet()) {
      String[] parts = e.getKey().split("\\|", -1);
      String refPkg = parts[0];
      String refIface = parts[1];
      StringBuilder line = new StringBuilder(INDENT).append("use ");
      if (refPkg.equals(pkg.qualifiedName())) {
        line.append(WitNames.escape(refIface));
      } else {
        String version = versions.getOrDefault(refPkg, "");
        line.append(refPkg).append('/').append(WitNames.escape(refIface));
        if (!version.isEmpty()) {
          line.append('@').append(version);
        }
      }
      line.append(".{");
      List<String> items = new ArrayList<>();
      for (String name : e.getValue()) {
        String as = name;
        if (taken.contains(as)) {
          as = WitNames.join(refIface, name);
          int n = 2;
          while (taken.contains(as)) {
            as = WitNames.join(refIface, name, Integer.toString(n++));
          }
        }
        taken.add(as);
        printed.put(e.getKey() + "|" + name, as);
        items.add(WitNames.escape(name) + (as.equals(name) ? "" : " as " + WitNames.escape(as)));
      }
      String oneLine = String.join(", ", items);
      if (line.length() + oneLine.length() + 3 <= 100) {
        line.append(oneLine).append("};\n");
      } else {
        // As a person would wrap it: one name per line.
        line.append('\n');
        for (String item : items) {
          line.append(INDENT).append(INDENT).append(item).append(",\n");
        }
        line.append(INDENT).append("};\n");
      }
      out.append(line);
    }
    return printed;
  }

  /** Local package first, then other packages by name; interfaces by name. */
  private int compareSources(String a, String b) {
    return a.compareTo(b);
  }

  private static void collectFunction(WitFunction f, List<WitTypeRef> refs) {
    for (WitField p : f.params()) {
      collect(p.type(), refs);
    }
    collect(f.ok(), refs);
    collect(f.error(), refs);
  }

  private static void collect(@Nullable WitTypeRef ref, List<WitTypeRef> refs) {
    if (ref == null) {
      return;
    }
    if (ref.kind() == WitTypeRef.Kind.NAMED) {
      refs.add(ref);
    }
    for (WitTypeRef a : ref.args()) {
      collect(a, refs);
    }
  }

  private void printType(
      StringBuilder out,
      WitPackage pkg,
      WitInterface iface,
      WitType type,
      Map<String, String> aliases) {
    docs(out, INDENT, type.docs());
    String name = WitNames.escape(type.name());
    switch (type.kind()) {
      case ALIAS ->
          out.append(INDENT)
              .append("type ")
              .append(name)
              .append(" = ")
              // WitType requires a target for an alias.
              .append(ref(pkg, iface, Objects.requireNonNull(type.target()), aliases))
              .append(";\n");
      case RECORD, VARIANT, ENUM, FLAGS -> {
        out.append(INDENT).append(keyword(type.kind())).append(' ').append(name).append(" {\n");
        for (WitField m : type.members()) {
          docs(out, INDENT + INDENT, m.docs());
          out.append(INDENT).append(INDENT).append(WitNames.escape(m.name()));
          if (m.type() != null) {
            if (type.kind() == WitType.Kind.RECORD) {
              out.append(": ").append(ref(pkg, iface, m.type(), aliases));
            } else {
              out.append('(').append(ref(pkg, iface, m.type(), aliases)).append(')');
            }
          }
          out.append(",\n");
        }
        out.append(INDENT).append("}\n");
      }
      case RESOURCE -> {
        out.append(INDENT).append("resource ").append(name).append(" {\n");
        for (WitFunction f : type.methods()) {
          docs(out, INDENT + INDENT, f.docs());
          out.append(INDENT).append(INDENT);
          printFunction(out, pkg, iface, f, aliases);
        }
        out.append(INDENT).append("}\n");
      }
    }
  }

  private static String keyword(WitType.Kind kind) {
    return switch (kind) {
      case RECORD -> "record";
      case VARIANT -> "variant";
      case ENUM -> "enum";
      case FLAGS -> "flags";
      case ALIAS -> "type";
      case RESOURCE -> "resource";
    };
  }

  private void printFunction(
      StringBuilder out,
      WitPackage pkg,
      WitInterface iface,
      WitFunction fn,
      Map<String, String> aliases) {
    out.append(WitNames.escape(fn.name())).append(": ");
    if (fn.kind() == WitFunction.Kind.STATIC) {
      out.append("static ");
    }
    out.append("func(");
    boolean first = true;
    for (WitField p : fn.params()) {
      if (!first) {
        out.append(", ");
      }
      first = false;
      WitTypeRef type = p.type();
      if (type == null) {
        throw new IllegalArgumentException(
            "parameter " + p.name() + " of " + fn.name() + " in " + iface.name() + " has no type");
      }
      out.append(WitNames.escape(p.name())).append(": ").append(ref(pkg, iface, type, aliases));
    }
    out.append(')');
    if (fn.error() != null) {
      out.append(" -> result<")
          .append(fn.ok() == null ? "_" : ref(pkg, iface, fn.ok(), aliases))
          .append(", ")
          .append(ref(pkg, iface, fn.error(), aliases))
          .append('>');
    } else if (fn.ok() != null) {
      out.append(" -> ").append(ref(pkg, iface, fn.ok(), aliases));
    }
    out.append(";\n");
  }

  private String ref(
      WitPackage pkg, WitInterface iface, WitTypeRef ref, Map<String, String> aliases) {
    return switch (ref.kind()) {
      case PRIMITIVE -> ref.name();
      case NAMED -> {
        boolean local =
            pkg.qualifiedName().equals(ref.packageName())
                && iface.name().equals(ref.interfaceName());
        String name =
            local
                ? ref.name()
                : aliases.getOrDefault(
                    ref.packageName() + "|" + ref.interfaceName() + "|" + ref.name(), ref.name());
        yield WitNames.escape(name);
      }
      case LIST -> "list<" + ref(pkg, iface, ref.args().get(0), aliases) + ">";
      case OPTION -> "option<" + ref(pkg, iface, ref.args().get(0), aliases) + ">";
      case OWN -> ref(pkg, iface, ref.args().get(0), aliases);
      case BORROW -> "borrow<" + ref(pkg, iface, ref.args().get(0), aliases) + ">";
      case TUPLE -> {
        StringBuilder b = new StringBuilder("tuple<");
        for (int i = 0; i < ref.args().size(); i++) {
          if (i > 0) {
            b.append(", ");
          }
          b.append(ref(pkg, iface, ref.args().get(i), aliases));
        }
        yield b.append('>').toString();
      }
    };
  }

  private static void docs(StringBuilder out, String indent, String docs) {
    if (docs.isBlank()) {
      return;
    }
    String[] lines = docs.strip().replace("\r\n", "\n").replace('\r', '\n').split("\n", -1);
    for (String line : lines) {
      String clean = stripControl(line).stripTrailing();
      out.append(indent).append("///");
      if (!clean.isEmpty()) {
        out.append(' ').append(clean);
      }
      out.append('\n');
    }
  }

  private static String stripControl(String s) {
    boolean clean = true;
    for (int i = 0; i < s.length() && clean; i++) {
      char c = s.charAt(i);
      clean = c >= 0x20 && c < 0x7f;
    }
    if (clean) {
      return s; // the common case: plain ASCII text
    }
    StringBuilder b = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\t') {
        b.append("  ");
      } else if (c >= 0x20
          && c != 0x7f
          && !(c >= 0x202a && c <= 0x202e)
          && !(c >= 0x2066 && c <= 0x2069)) {
        b.append(c);
      }
    }
    return b.toString();
  }
}
