package dev.switchboard.wit.internal;

import dev.switchboard.wit.Binding;
import dev.switchboard.wit.Origin;
import dev.switchboard.wit.WitField;
import dev.switchboard.wit.WitInterface;
import dev.switchboard.wit.WitPackage;
import dev.switchboard.wit.WitType;
import dev.switchboard.wit.WitTypeRef;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * WIT types cannot refer to themselves, directly or through others. This walks the type graph in
 * printing order and, at every reference that closes a cycle, replaces the referenced type with
 * {@code switchboard:rpc/values.json} (JSON text) inside the same wrappers ({@code option<json>},
 * {@code list<json>}). The field's origin records {@code encoding=json} and the contract type it
 * encodes, so a stub converts between the JSON text and the real message or schema. Cutting at the
 * back edge keeps every type in place and the first occurrence typed, which is what a person would
 * do by hand (a tree node keeps its value, its children travel as JSON).
 */
final class RecursionBreaker {
  private final Binding binding;
  private final Map<String, WitType> types = new LinkedHashMap<>();
  private final Map<String, Integer> state = new HashMap<>(); // 1 = on stack, 2 = done

  /** type key -> member index -> the type keys that member must not reference. */
  private final Map<String, Map<Integer, Set<String>>> cuts = new HashMap<>();

  private final List<Binding.Warning> warnings = new ArrayList<>();

  RecursionBreaker(Binding binding) {
    this.binding = binding;
    for (WitPackage p : binding.packages()) {
      for (WitInterface i : p.interfaces()) {
        for (WitType t : i.types()) {
          types.put(key(p.qualifiedName(), i.name(), t.name()), t);
        }
      }
    }
  }

  Binding run() {
    for (String k : types.keySet()) {
      visit(k);
    }
    if (cuts.isEmpty()) {
      return binding;
    }
    List<WitPackage> packages = new ArrayList<>();
    for (WitPackage p : binding.packages()) {
      List<WitInterface> ifaces = new ArrayList<>();
      for (WitInterface i : p.interfaces()) {
        List<WitType> ts = new ArrayList<>();
        for (WitType t : i.types()) {
          ts.add(rewrite(key(p.qualifiedName(), i.name(), t.name()), t));
        }
        ifaces.add(new WitInterface(i.name(), i.docs(), i.origin(), ts, i.functions()));
      }
      packages.add(
          new WitPackage(
              p.namespace(), p.name(), p.version(), p.docs(), p.origin(), ifaces, p.world()));
    }
    List<Binding.Warning> all = new ArrayList<>(binding.warnings());
    all.addAll(warnings);
    return new Binding(binding.source(), packages, all);
  }

  private void visit(String start) {
    // Iterative DFS: OpenAPI documents can chain thousands of schemas.
    if (state.containsKey(start)) {
      return;
    }
    record Frame(String key, Iterator<Edge> edges) {}
    List<Frame> stack = new ArrayList<>();
    state.put(start, 1);
    stack.add(new Frame(start, edges(start).iterator()));
    while (!stack.isEmpty()) {
      Frame top = stack.get(stack.size() - 1);
      if (!top.edges().hasNext()) {
        state.put(top.key(), 2);
        stack.remove(stack.size() - 1);
        continue;
      }
      Edge e = top.edges().next();
      Integer s = state.get(e.target());
      if (s == null) {
        state.put(e.target(), 1);
        stack.add(new Frame(e.target(), edges(e.target()).iterator()));
      } else if (s == 1) {
        cuts.computeIfAbsent(top.key(), k -> new HashMap<>())
            .computeIfAbsent(e.member(), k -> new HashSet<>())
            .add(e.target());
      }
    }
  }

  private record Edge(int member, String target) {}

  private List<Edge> edges(String key) {
    WitType t = types.get(key);
    List<Edge> edges = new ArrayList<>();
    if (t == null) {
      return edges;
    }
    if (t.kind() == WitType.Kind.ALIAS) {
      refs(t.target(), -1, edges);
    }
    for (int i = 0; i < t.members().size(); i++) {
      refs(t.members().get(i).type(), i, edges);
    }
    return edges;
  }

  private void refs(@Nullable WitTypeRef ref, int member, List<Edge> out) {
    if (ref == null) {
      return;
    }
    if (ref.kind() == WitTypeRef.Kind.NAMED) {
      String k = key(ref.packageName(), ref.interfaceName(), ref.name());
      WitType target = types.get(k);
      if (target != null
          && target.kind() != WitType.Kind.ENUM
          && target.kind() != WitType.Kind.FLAGS
          && target.kind() != WitType.Kind.RESOURCE) {
        out.add(new Edge(member, k));
      }
    }
    for (WitTypeRef a : ref.args()) {
      refs(a, member, out);
    }
  }

  private WitType rewrite(String key, WitType t) {
    Map<Integer, Set<String>> byMember = cuts.get(key);
    if (byMember == null) {
      return t;
    }
    WitTypeRef target = t.target();
    if (byMember.containsKey(-1) && target != null) {
      target = replace(target, byMember.get(-1));
    }
    List<WitField> members = new ArrayList<>();
    for (int i = 0; i < t.members().size(); i++) {
      WitField m = t.members().get(i);
      Set<String> cut = byMember.get(i);
      if (cut == null || m.type() == null) {
        members.add(m);
        continue;
      }
      List<String> encodes = new ArrayList<>();
      for (String c : cut) {
        WitType cutType = types.get(c);
        encodes.add(cutType == null ? c : cutType.origin().ref());
      }
      encodes.sort(null);
      Origin origin =
          m.origin().with("encoding", "json").with("encodes", String.join(",", encodes));
      members.add(m.withType(replace(m.type(), cut), origin));
      warnings.add(
          new Binding.Warning(
              m.origin().ref(),
              "recursive reference to "
                  + String.join(", ", encodes)
                  + " is carried as JSON text (switchboard:rpc/values.json) in "
                  + t.name()
                  + "."
                  + m.name()));
    }
    return new WitType(t.name(), t.kind(), t.docs(), t.origin(), members, target, t.methods());
  }

  private WitTypeRef replace(WitTypeRef ref, Set<String> cut) {
    if (ref.kind() == WitTypeRef.Kind.NAMED) {
      return cut.contains(key(ref.packageName(), ref.interfaceName(), ref.name()))
          ? SharedPackage.JSON
          : ref;
    }
    if (ref.args().isEmpty()) {
      return ref;
    }
    List<WitTypeRef> args = new ArrayList<>();
    for (WitTypeRef a : ref.args()) {
      args.add(replace(a, cut));
    }
    return new WitTypeRef(ref.kind(), ref.name(), ref.packageName(), ref.interfaceName(), args);
  }

  private static String key(@Nullable String pkg, @Nullable String iface, String name) {
    return pkg + "|" + iface + "|" + name;
  }
}
