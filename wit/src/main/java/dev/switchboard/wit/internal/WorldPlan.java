package dev.switchboard.wit.internal;

import dev.switchboard.wit.Binding;
import dev.switchboard.wit.WitInterface;
import dev.switchboard.wit.WitPackage;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Splits a package's interfaces into the worlds that import them, so that a component targeting any
 * one world stays inside every limit of {@link ComponentLimits}.
 *
 * <p>Interfaces are taken in declaration order and added to the current world while the world, with
 * every interface they use types from (which a world imports whether it names them or not), stays
 * within the budgets; the next one that would not fit starts a new world. A package that fits in
 * one world keeps the single world name; otherwise the worlds are {@code <world>-part1}, {@code
 * -part2}, ... The plan depends only on the Binding, so it is deterministic.
 */
final class WorldPlan {
  /** One world: its name and the package's interfaces it names (in declaration order). */
  record World(String name, List<WitInterface> imports) {}

  private WorldPlan() {}

  static List<World> of(Binding binding, WitPackage pkg) {
    return of(new ComponentCosts(binding), pkg);
  }

  static List<World> of(ComponentCosts costs, WitPackage pkg) {
    if (pkg.world().isEmpty() || pkg.interfaces().isEmpty()) {
      return List.of();
    }
    List<List<WitInterface>> groups = new ArrayList<>();
    List<WitInterface> current = new ArrayList<>();
    Set<String> imported = new LinkedHashSet<>();
    for (WitInterface iface : pkg.interfaces()) {
      Set<String> needed =
          costs.closure(ComponentCosts.interfaceKey(pkg.qualifiedName(), iface.name()));
      Set<String> together = new LinkedHashSet<>(imported);
      together.addAll(needed);
      // An interface too large even for a world of its own (the translators cut types so that
      // this does not happen) still gets a world: wasm-tools will then say what is wrong.
      if (!current.isEmpty() && !costs.world(together).fits()) {
        groups.add(current);
        current = new ArrayList<>();
        together = new LinkedHashSet<>(needed);
      }
      current.add(iface);
      imported = together;
    }
    groups.add(current);
    List<World> worlds = new ArrayList<>();
    for (int i = 0; i < groups.size(); i++) {
      String name = groups.size() == 1 ? pkg.world() : WitNames.join(pkg.world(), "part" + (i + 1));
      worlds.add(new World(name, List.copyOf(groups.get(i))));
    }
    return worlds;
  }
}
