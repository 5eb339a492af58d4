package dev.switchboard.wit.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.wit.Binding;
import dev.switchboard.wit.Origin;
import dev.switchboard.wit.WitField;
import dev.switchboard.wit.WitFunction;
import dev.switchboard.wit.WitInterface;
import dev.switchboard.wit.WitPackage;
import dev.switchboard.wit.WitType;
import dev.switchboard.wit.WitTypeRef;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** How interfaces are packed into worlds: by size and instances, with what they use. */
class WorldPlanTest {
  private static final Origin HERE = Origin.of(Origin.Kind.SYNTHETIC, "test");
  private static final WitTypeRef U8 = WitTypeRef.primitive("u8");
  private static final String PKG = "plan:test";

  @Test
  void aSmallPackageKeepsItsOneWorld() {
    Binding b = binding(List.of(iface("a", List.of(), List.of(fn("f", U8)))));
    List<WorldPlan.World> worlds = WorldPlan.of(b, b.mainPackage());
    assertThat(worlds).extracting(WorldPlan.World::name).containsExactly("test-api");
  }

  @Test
  void worldsStopWhereTheSharedTypesAndTheirUsersWouldExceedTheSizeBudget() {
    // types: r1 (10,000) and big (1 + 15 * 10,000); a user re-exports big and returns it.
    WitType r1 = record("r1", IntStream.range(0, 9_999).mapToObj(i -> field("x" + i, U8)).toList());
    WitType big =
        record(
            "big",
            IntStream.range(0, 15)
                .mapToObj(i -> field("z" + i, WitTypeRef.named(PKG, "types", "r1")))
                .toList());
    List<WitInterface> ifaces = new ArrayList<>();
    ifaces.add(iface("types", List.of(r1, big), List.of()));
    for (int i = 0; i < 5; i++) {
      ifaces.add(
          iface("user" + i, List.of(), List.of(fn("get", WitTypeRef.named(PKG, "types", "big")))));
    }
    Binding b = binding(ifaces);
    ComponentCosts costs = new ComponentCosts(b);
    List<WorldPlan.World> worlds = WorldPlan.of(costs, b.mainPackage());
    // 3 + types (160,002) + one user (300,004) fits 750,000; with two users it would not.
    assertThat(worlds)
        .extracting(w -> w.imports().stream().map(WitInterface::name).toList())
        .containsExactly(
            List.of("types", "user0"),
            List.of("user1"),
            List.of("user2"),
            List.of("user3"),
            List.of("user4"));
    assertThat(worlds)
        .extracting(WorldPlan.World::name)
        .containsExactly(
            "test-api-part1",
            "test-api-part2",
            "test-api-part3",
            "test-api-part4",
            "test-api-part5");
    for (WorldPlan.World w : worlds) {
      assertThat(costs.world(closure(costs, w)).fits()).as(w.name()).isTrue();
      // Every world imports types, named or not.
      assertThat(closure(costs, w)).contains(ComponentCosts.interfaceKey(PKG, "types"));
    }
    assertThat(WorldPlan.of(new ComponentCosts(b), b.mainPackage())).isEqualTo(worlds);
  }

  @Test
  void worldsStopBeforeTheInstanceBudget() {
    List<WitInterface> ifaces = new ArrayList<>();
    for (int i = 0; i < 600; i++) {
      ifaces.add(iface("i" + i, List.of(), List.of(fn("f", U8))));
    }
    Binding b = binding(ifaces);
    ComponentCosts costs = new ComponentCosts(b);
    List<WorldPlan.World> worlds = WorldPlan.of(costs, b.mainPackage());
    // 4 fixed + 2 per interface with functions <= 750: 373 interfaces, then the other 227.
    assertThat(worlds).extracting(w -> w.imports().size()).containsExactly(373, 227);
    assertThat(costs.world(closure(costs, worlds.get(0))).instances()).isEqualTo(750);
  }

  private static Set<String> closure(ComponentCosts costs, WorldPlan.World w) {
    Set<String> all = new LinkedHashSet<>();
    for (WitInterface i : w.imports()) {
      all.addAll(costs.closure(ComponentCosts.interfaceKey(PKG, i.name())));
    }
    return all;
  }

  private static Binding binding(List<WitInterface> interfaces) {
    WitPackage pkg =
        WitPackage.builder()
            .namespace("plan")
            .name("test")
            .version("1.0.0")
            .origin(HERE)
            .interfaces(interfaces)
            .world("test-api")
            .build();
    return Binding.builder().source(Binding.Source.OPENAPI).packages(List.of(pkg)).build();
  }

  private static WitInterface iface(String name, List<WitType> types, List<WitFunction> fns) {
    return WitInterface.builder().name(name).origin(HERE).types(types).functions(fns).build();
  }

  private static WitType record(String name, List<WitField> fields) {
    return WitType.builder()
        .name(name)
        .kind(WitType.Kind.RECORD)
        .origin(HERE)
        .members(fields)
        .build();
  }

  private static WitField field(String name, WitTypeRef type) {
    return WitField.of(name, type, "", HERE);
  }

  private static WitFunction fn(String name, WitTypeRef ok) {
    return WitFunction.builder().name(name).origin(HERE).ok(ok).build();
  }
}
