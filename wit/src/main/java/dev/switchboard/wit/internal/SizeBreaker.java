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
import org.jspecify.annotations.Nullable;

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
 *   <li>If an interface, with every interface it uses types from, still takes more than {@link
 *       ComponentLimits#INTERFACE_SIZE_BUDGET}, the size budget of every type is halved until every
 *       interface fits, and the cuts are made again.
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
    Capped capped =
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
    return capped.binding().toBuilder().warnings(warnings).build();
  }

  /** A Binding with its types cut to a budget, and the costs (kept current while cutting). */
  private record Capped(Binding binding, ComponentCosts costs) {}

  /** Interfaces ({@code pkg|iface}) that take more than an interface's budget. */
  private static List<String> tooLarge(Capped capped) {
    ComponentCosts costs = capped.costs();
    List<String> out = new ArrayList<>();
    for (WitPackage p : capped.binding().packages()) {
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
        (pkg, iface, t) -> {
          int n = t.members().size();
          return switch (t.kind()) {
            case ENUM -> {
              if (n <= ComponentLimits.MAX_ENUM_CASES) {
                yield null;
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
                yield null;
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
            default -> null;
          };
        });
  }

  /** A replacement for a type of interface {@code iface} in package {@code pkg}, or null. */
  private interface TypeRewrite {
    @Nullable WitType apply(String pkg, String iface, WitType t);
  }

  /** Applies {@code f} to every type; returns {@code b} itself when nothing changed. */
  private static Binding rewrite(Binding b, TypeRewrite f) {
    boolean changed = false;
    List<WitPackage> packages = new ArrayList<>();
    for (WitPackage p : b.packages()) {
      String pkg = p.qualifiedName();
      List<WitInterface> ifaces = new ArrayList<>();
      for (WitInterface i : p.interfaces()) {
        List<WitType> ts = new ArrayList<>();
        for (WitType t : i.types()) {
          WitType now = f.apply(pkg, i.name(), t);
          changed |= now != null;
          ts.add(now == null ? t : now);
        }
        ifaces.add(i.toBuilder().types(ts).build());
      }
      packages.add(p.toBuilder().interfaces(ifaces).build());
    }
    return changed ? b.toBuilder().packages(packages).build() : b;
  }

  /**
   * Cuts references until every type is within {@code sizeBudget} and the depth budget; {@code
   * typeBudget} is the budget the warnings name as the reason when the size budget was lowered.
   */
  private static Capped cap(
      Binding b, long sizeBudget, long typeBudget, List<Binding.Warning> warnings) {
    ComponentCosts uncut = new ComponentCosts(b);
    boolean over = false;
    for (ComponentCosts.TypeName key : uncut.typeKeys()) {
      ComponentCosts.TypeCost cost = uncut.typeCost(key);
      over |= cost.size() > sizeBudget || cost.depth() > ComponentLimits.TYPE_DEPTH_BUDGET;
    }
    if (!over) {
      return new Capped(b, uncut);
    }
    // Those costs are of types before their parts are cut: start again, bottom up.
    ComponentCosts costs = new ComponentCosts(b);
    Set<ComponentCosts.TypeName> changed = new HashSet<>();
    for (ComponentCosts.TypeName key : costs.postOrder()) {
      ComponentCosts.TypeCost cost = costs.typeCost(key);
      if (cost.size() <= sizeBudget && cost.depth() <= ComponentLimits.TYPE_DEPTH_BUDGET) {
        continue;
      }
      WitType t = costs.definitionOf(key);
      if (t == null) {
        continue;
      }
      WitType shrunk = shrink(costs, t, sizeBudget, typeBudget, warnings);
      if (!shrunk.equals(t)) {
        costs.replace(key, shrunk);
        changed.add(key);
      }
    }
    if (changed.isEmpty()) {
      return new Capped(b, costs);
    }
    return new Capped(
        rewrite(
            b,
            (pkg, iface, t) -> {
              ComponentCosts.TypeName key = new ComponentCosts.TypeName(pkg, iface, t.name());
              return changed.contains(key) ? costs.definitionOf(key) : null;
            }),
        costs);
  }

  /** One cut: every reference to {@code target} inside slot {@code slot}. */
  private record Cut(int slot, ComponentCosts.TypeName target, long weight, int depth) {}

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
      String encodes = cutType == null ? best.target().toString() : cutType.origin().ref();
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
    Map<ComponentCosts.TypeName, long[]> byTarget = new LinkedHashMap<>();
    for (WitTypeRef r : named) {
      ComponentCosts.TypeName key = ComponentCosts.TypeName.of(r);
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
    for (Map.Entry<ComponentCosts.TypeName, long[]> e : byTarget.entrySet()) {
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

  private static WitTypeRef replace(WitTypeRef ref, ComponentCosts.TypeName targetKey) {
    if (ref.kind() == WitTypeRef.Kind.NAMED) {
      return ComponentCosts.TypeName.of(ref).equals(targetKey) ? SharedPackage.JSON : ref;
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
