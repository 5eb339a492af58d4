package dev.switchboard.wit.internal;

import dev.switchboard.wit.Binding;
import dev.switchboard.wit.Origin;
import dev.switchboard.wit.WitField;
import dev.switchboard.wit.WitInterface;
import dev.switchboard.wit.WitPackage;
import dev.switchboard.wit.WitType;
import dev.switchboard.wit.WitTypeRef;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Keeps every type and every interface of a translated Binding inside {@link ComponentLimits}, so
 * that the worlds {@link WorldPlan} makes are all valid components.
 *
 * <ul>
 *   <li>An enum with more cases than a component allows becomes {@code string} (origin {@code
 *       encoding=enum-name}); a variant or record with too many cases or fields becomes {@code
 *       json}.
 *   <li>A type deeper than {@link ComponentLimits#TYPE_DEPTH_BUDGET}, or larger than {@link
 *       ComponentLimits#TYPE_SIZE_BUDGET}, has references to other named types replaced by {@code
 *       json} inside the same wrappers, deepest (or largest) first, until it fits. Types are
 *       visited after the types they use, so each cut is as small as it can be.
 *   <li>If an interface, with every interface it uses types from, still does not fit in a world of
 *       its own, the size budget of every type is lowered (binary search for the largest that makes
 *       every interface fit) and the cuts are made again.
 * </ul>
 *
 * Each cut field's origin gets {@code encoding=json} and {@code encodes=<contract type>}, as for a
 * recursive reference, and each cut is a located warning. Translated contracts of ordinary size
 * (all of the corpus but the synthetic giant) need no cut.
 */
final class SizeBreaker {
  private static final WitTypeRef STRING = WitTypeRef.primitive("string");

  private final Binding binding;

  SizeBreaker(Binding binding) {
    this.binding = binding;
  }

  Binding run() {
    List<Binding.Warning> warnings = new ArrayList<>(binding.warnings());
    Binding shaped = shapes(binding, warnings);
    List<Binding.Warning> cuts = new ArrayList<>();
    Binding capped =
        cap(shaped, ComponentLimits.TYPE_SIZE_BUDGET, ComponentLimits.TYPE_SIZE_BUDGET, cuts);
    List<String> tooLarge = tooLarge(capped);
    // Halving rather than a finer search: each try is a pass over every type, and a budget within
    // a factor of two of the largest that works cuts little more.
    for (long budget = ComponentLimits.TYPE_SIZE_BUDGET / 2;
        !tooLarge.isEmpty() && budget >= 1;
        budget /= 2) {
      cuts = new ArrayList<>();
      capped = cap(shaped, budget, ComponentLimits.TYPE_SIZE_BUDGET, cuts);
      tooLarge = tooLarge(capped);
    }
    for (String key : tooLarge) {
      cuts.add(
          new Binding.Warning(
              "",
              "interface "
                  + key.replace('|', '/')
                  + " does not fit in one component even with every type reference carried"
                  + " as JSON text; wasm-tools will reject its world"));
    }
    warnings.addAll(cuts);
    return new Binding(capped.source(), capped.packages(), warnings);
  }

  /** Interfaces ({@code pkg|iface}) that do not fit in a world of their own. */
  private static List<String> tooLarge(Binding b) {
    ComponentCosts costs = new ComponentCosts(b);
    List<String> out = new ArrayList<>();
    for (WitPackage p : b.packages()) {
      for (WitInterface i : p.interfaces()) {
        String key = ComponentCosts.interfaceKey(p.qualifiedName(), i.name());
        if (!costs.fitsAlone(key)) {
          out.add(key);
        }
      }
    }
    return out;
  }

  /** Enums, variants and records with more members than a component type may have. */
  private static Binding shapes(Binding b, List<Binding.Warning> warnings) {
    return rewrite(
        b,
        (key, t) -> {
          int n = t.members().size();
          return switch (t.kind()) {
            case ENUM -> {
              if (n <= ComponentLimits.MAX_ENUM_CASES) {
                yield t;
              }
              warnings.add(
                  new Binding.Warning(
                      t.origin().ref(),
                      "enum "
                          + t.name()
                          + " has "
                          + n
                          + " values, more than the "
                          + ComponentLimits.MAX_ENUM_CASES
                          + " cases a component allows; it is carried as its value's name"
                          + " (string)"));
              yield WitType.alias(
                  t.name(), t.docs(), t.origin().with("encoding", "enum-name"), STRING);
            }
            case VARIANT, RECORD -> {
              int max =
                  t.kind() == WitType.Kind.VARIANT
                      ? ComponentLimits.MAX_VARIANT_CASES
                      : ComponentLimits.MAX_RECORD_FIELDS;
              if (n <= max) {
                yield t;
              }
              warnings.add(
                  new Binding.Warning(
                      t.origin().ref(),
                      t.name()
                          + " has "
                          + n
                          + (t.kind() == WitType.Kind.VARIANT ? " cases" : " fields")
                          + ", more than the "
                          + max
                          + " a component allows; it is carried as JSON text"
                          + " (switchboard:rpc/values.json)"));
              yield WitType.alias(
                  t.name(), t.docs(), t.origin().with("encoding", "json"), SharedPackage.JSON);
            }
            default -> t;
          };
        });
  }

  private interface TypeRewrite {
    WitType apply(String key, WitType t);
  }

  private static Binding rewrite(Binding b, TypeRewrite f) {
    List<WitPackage> packages = new ArrayList<>();
    for (WitPackage p : b.packages()) {
      List<WitInterface> ifaces = new ArrayList<>();
      for (WitInterface i : p.interfaces()) {
        List<WitType> ts = new ArrayList<>();
        for (WitType t : i.types()) {
          ts.add(f.apply(ComponentCosts.typeKey(p.qualifiedName(), i.name(), t.name()), t));
        }
        ifaces.add(i.toBuilder().types(ts).build());
      }
      packages.add(p.toBuilder().interfaces(ifaces).build());
    }
    return b.toBuilder().packages(packages).build();
  }

  /**
   * Cuts references until every type is within {@code sizeBudget} and the depth budget; {@code
   * typeBudget} is the budget the warnings name as the reason when the size budget was lowered.
   */
  private static Binding cap(
      Binding b, long sizeBudget, long typeBudget, List<Binding.Warning> warnings) {
    ComponentCosts costs = new ComponentCosts(b);
    boolean changed = false;
    for (String key : costs.postOrder()) {
      ComponentCosts.TypeCost cost = costs.typeCost(key);
      if (cost.size() <= sizeBudget && cost.depth() <= ComponentLimits.TYPE_DEPTH_BUDGET) {
        continue;
      }
      WitType t = costs.definitionOf(key);
      if (t == null) {
        continue;
      }
      costs.replace(key, shrink(costs, t, sizeBudget, typeBudget, warnings));
      changed = true;
    }
    if (!changed) {
      return b;
    }
    return rewrite(
        b,
        (key, t) -> {
          WitType now = costs.definitionOf(key);
          return now == null ? t : now;
        });
  }

  /** One cut: every reference to {@code target} inside slot {@code slot}. */
  private record Cut(int slot, String target, long weight, int depth) {}

  /**
   * Cuts references out of one type until it fits. The type is seen as slots (the alias target, or
   * each member's type); a cut changes only its own slot, so each slot's cost is kept and updated
   * alone, which keeps this linear in the members even for unions of thousands of cases.
   */
  private static WitType shrink(
      ComponentCosts costs,
      WitType t,
      long sizeBudget,
      long typeBudget,
      List<Binding.Warning> warnings) {
    boolean alias = t.kind() == WitType.Kind.ALIAS;
    if (!alias && t.kind() != WitType.Kind.RECORD && t.kind() != WitType.Kind.VARIANT) {
      return t;
    }
    int n = alias ? 1 : t.members().size();
    WitTypeRef[] slots = new WitTypeRef[n];
    ComponentCosts.TypeCost[] slotCosts = new ComponentCosts.TypeCost[n];
    Origin[] origins = new Origin[n];
    long size = alias ? 0 : 1;
    List<Cut> bySize = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      slots[i] = alias ? t.target() : t.members().get(i).type();
      origins[i] = alias ? t.origin() : t.members().get(i).origin();
      if (slots[i] != null) {
        slotCosts[i] = costs.ref(slots[i]);
        size = ComponentCosts.add(size, slotCosts[i].size());
        addCandidates(costs, i, slots[i], bySize);
      }
    }
    // Largest first; the sort is stable, so ties keep member order.
    bySize.sort((a, b) -> Long.compare(b.weight(), a.weight()));
    Set<Cut> done = new HashSet<>();
    int next = 0;
    boolean changed = false;
    while (true) {
      int deepest = -1;
      int depth = 1;
      for (int i = 0; i < n; i++) {
        if (slotCosts[i] != null && slotCosts[i].depth() + (alias ? 0 : 1) > depth) {
          depth = slotCosts[i].depth() + (alias ? 0 : 1);
          deepest = i;
        }
      }
      boolean tooDeep = depth > ComponentLimits.TYPE_DEPTH_BUDGET;
      if (!tooDeep && size <= sizeBudget) {
        break;
      }
      Cut best = null;
      if (tooDeep) {
        for (Cut c : bySize) {
          if (c.slot() == deepest
              && !done.contains(c)
              && (best == null || c.depth() > best.depth())) {
            best = c;
          }
        }
      } else {
        while (next < bySize.size() && done.contains(bySize.get(next))) {
          next++;
        }
        best = next < bySize.size() ? bySize.get(next) : null;
      }
      if (best == null) {
        break; // nothing left to cut: only primitives and small shared types
      }
      done.add(best);
      int i = best.slot();
      WitType cutType = costs.definitionOf(best.target());
      String encodes = cutType == null ? best.target() : cutType.origin().ref();
      String reason =
          tooDeep
              ? "nesting depth "
                  + depth
                  + " exceeds the budget of "
                  + ComponentLimits.TYPE_DEPTH_BUDGET
              : "effective type size "
                  + size
                  + " exceeds the budget of "
                  + sizeBudget
                  + (sizeBudget < typeBudget
                      ? " (halved from " + typeBudget + " until every interface fits in a world)"
                      : "");
      String field = alias ? t.name() : t.name() + "." + t.members().get(i).name();
      warnings.add(
          new Binding.Warning(
              origins[i].ref(),
              "reference to "
                  + encodes
                  + " is carried as JSON text (switchboard:rpc/values.json) in "
                  + field
                  + ": its "
                  + reason));
      size -= slotCosts[i].size();
      slots[i] = replace(slots[i], best.target());
      slotCosts[i] = costs.ref(slots[i]);
      size = ComponentCosts.add(size, slotCosts[i].size());
      origins[i] = encoded(origins[i], encodes);
      changed = true;
    }
    if (!changed) {
      return t;
    }
    if (alias) {
      return t.toBuilder().target(slots[0]).origin(origins[0]).build();
    }
    List<WitField> members = new ArrayList<>(t.members());
    for (int i = 0; i < n; i++) {
      WitField m = members.get(i);
      if (slots[i] != null && (!slots[i].equals(m.type()) || !origins[i].equals(m.origin()))) {
        members.set(i, m.withType(slots[i], origins[i]));
      }
    }
    return t.toBuilder().members(members).build();
  }

  /** One candidate per named type in the slot worth cutting, weighted by what it costs there. */
  private static void addCandidates(ComponentCosts costs, int slot, WitTypeRef ref, List<Cut> out) {
    List<WitTypeRef> named = new ArrayList<>();
    ComponentCosts.collectNamed(ref, named);
    Map<String, long[]> byTarget = new LinkedHashMap<>();
    for (WitTypeRef r : named) {
      String key = ComponentCosts.typeKey(r.packageName(), r.interfaceName(), r.name());
      WitType target = costs.definitionOf(key);
      if (target == null
          || target.kind() == WitType.Kind.ENUM
          || target.kind() == WitType.Kind.FLAGS
          || target.kind() == WitType.Kind.RESOURCE) {
        continue;
      }
      ComponentCosts.TypeCost c = costs.typeCost(key);
      if (c.size() <= 1) {
        continue; // json itself, and aliases of primitives: nothing to gain
      }
      long[] acc = byTarget.computeIfAbsent(key, k -> new long[] {0, c.depth()});
      acc[0] = ComponentCosts.add(acc[0], c.size());
    }
    for (Map.Entry<String, long[]> e : byTarget.entrySet()) {
      out.add(new Cut(slot, e.getKey(), e.getValue()[0], (int) e.getValue()[1]));
    }
  }

  private static Origin encoded(Origin origin, String encodes) {
    TreeSet<String> all = new TreeSet<>();
    String before = origin.attribute("encodes");
    if (before != null) {
      all.addAll(List.of(before.split(",", -1)));
    }
    all.add(encodes);
    return origin.with("encoding", "json").with("encodes", String.join(",", all));
  }

  private static WitTypeRef replace(WitTypeRef ref, String targetKey) {
    if (ref.kind() == WitTypeRef.Kind.NAMED) {
      return ComponentCosts.typeKey(ref.packageName(), ref.interfaceName(), ref.name())
              .equals(targetKey)
          ? SharedPackage.JSON
          : ref;
    }
    if (ref.args().isEmpty()) {
      return ref;
    }
    List<WitTypeRef> args = new ArrayList<>();
    for (WitTypeRef a : ref.args()) {
      args.add(replace(a, targetKey));
    }
    return new WitTypeRef(ref.kind(), ref.name(), ref.packageName(), ref.interfaceName(), args);
  }
}
