package dev.switchboard.wit.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.wit.Binding;
import dev.switchboard.wit.Origin;
import dev.switchboard.wit.WasmTools;
import dev.switchboard.wit.WitField;
import dev.switchboard.wit.WitFunction;
import dev.switchboard.wit.WitInterface;
import dev.switchboard.wit.WitPackage;
import dev.switchboard.wit.WitPrinter;
import dev.switchboard.wit.WitType;
import dev.switchboard.wit.WitTypeRef;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The cost model against wasm-tools itself: each limit is approached to the unit, the last estimate
 * that wasm-tools accepts and the first it rejects must be the ones the model predicts.
 */
class ComponentCostsTest {
  private static final Origin HERE = Origin.of(Origin.Kind.SYNTHETIC, "test");
  private static final WitTypeRef U8 = WitTypeRef.primitive("u8");
  private static final WitTypeRef STRING = WitTypeRef.primitive("string");
  private static final String PKG = "limits:test";

  @Test
  void countsSmallTypesAsWasmToolsDoes() {
    // Figures measured by bisecting wasm-tools on the same WIT (see docs/wit.md).
    WitType r = record("r", field("a", U8), field("b", STRING), field("c", WitTypeRef.list(U8)));
    WitTypeRef rRef = WitTypeRef.named(PKG, "a", "r");
    ComponentCosts costs =
        new ComponentCosts(
            binding(
                iface("a", List.of(r), List.of()),
                iface(
                    "b",
                    List.of(record("s", field("x", rRef), field("y", WitTypeRef.option(rRef)))),
                    List.of(
                        function("f", List.of(field("x", rRef), field("y", U8)), rRef, STRING),
                        function("g", List.of(), rRef, null))),
                iface(
                    "c",
                    List.of(
                        variant("v", field("a", null), field("b", U8), field("c", listOf(STRING))),
                        WitType.alias("t", "", HERE, WitTypeRef.list(rRef))),
                    List.of())));
    assertThat(costs.typeCost(key("a", "r"))).isEqualTo(new ComponentCosts.TypeCost(5, 3));
    // a: the instance (1) and r (5).
    assertThat(costs.iface(ComponentCosts.interfaceKey(PKG, "a")).size()).isEqualTo(6);
    // b: 1, the used r again (5), s = 1 + 5 + (1 + 5), f = 1 + 5 + 1 + (1 + 5 + 1), g = 1 + 5.
    assertThat(costs.iface(ComponentCosts.interfaceKey(PKG, "b")).size()).isEqualTo(38);
    // c: 1, v = 1 + 1 + (1 + 1), used r (5), t = 1 + 5.
    assertThat(costs.iface(ComponentCosts.interfaceKey(PKG, "c")).size()).isEqualTo(16);
    assertThat(costs.closure(ComponentCosts.interfaceKey(PKG, "b")))
        .containsExactly(
            ComponentCosts.interfaceKey(PKG, "a"), ComponentCosts.interfaceKey(PKG, "b"));
    // Importing b imports a too: 3 + 6 + 38, and an instance plus a core instance for b.
    ComponentCosts.WorldCost world =
        costs.world(costs.closure(ComponentCosts.interfaceKey(PKG, "b")));
    assertThat(world.size()).isEqualTo(47);
    assertThat(world.instances()).isEqualTo(ComponentLimits.FIXED_INSTANCES + 1 + 2);
  }

  @Test
  void meetsWasmToolsAtEachLimit() throws Exception {
    Path root = Path.of("target/component-limits");
    Map<String, Path> dirs = new java.util.LinkedHashMap<>();
    for (long size :
        new long[] {ComponentLimits.MAX_TYPE_SIZE - 1, ComponentLimits.MAX_TYPE_SIZE}) {
      Binding b = worldOfSize(size);
      ComponentCosts costs = new ComponentCosts(b);
      assertThat(costs.world(costs.closure(ComponentCosts.interfaceKey(PKG, "big"))).size())
          .isEqualTo(size);
      dirs.put("size-" + size, write(b, root.resolve("size-" + size), null));
    }
    for (int depth :
        new int[] {ComponentLimits.MAX_TYPE_DEPTH, ComponentLimits.MAX_TYPE_DEPTH + 1}) {
      Binding b = chainOfDepth(depth);
      assertThat(new ComponentCosts(b).typeCost(key("deep", "r" + (depth - 2))).depth())
          .isEqualTo(depth);
      dirs.put("depth-" + depth, write(b, root.resolve("depth-" + depth), null));
    }
    // 498 interfaces with a function: 4 + 2 * 498 = 1,000 instances; 499 make 1,002.
    for (int n : new int[] {498, 499}) {
      Binding b = manyInterfaces(n);
      ComponentCosts costs = new ComponentCosts(b);
      List<String> all =
          b.mainPackage().interfaces().stream()
              .map(i -> ComponentCosts.interfaceKey(PKG, i.name()))
              .toList();
      assertThat(costs.world(all).instances()).isEqualTo(4 + 2 * n);
      // The planner splits them; a hand-written world imports them all at once.
      String world =
          b.mainPackage().interfaces().stream()
              .map(i -> "    import " + i.name() + ";\n")
              .collect(Collectors.joining("", "\nworld all {\n", "}\n"));
      dirs.put("instances-" + n, write(b, root.resolve("instances-" + n), world));
    }
    Map<Path, WasmTools.Verdict> verdicts = WasmTools.check(new ArrayList<>(dirs.values()));
    assertThat(verdicts.get(dirs.get("size-999999")).ok()).as(verdicts.toString()).isTrue();
    assertThat(verdicts.get(dirs.get("size-1000000")).message())
        .contains("effective type size exceeds the limit of 1000000");
    assertThat(verdicts.get(dirs.get("depth-100")).ok()).as(verdicts.toString()).isTrue();
    assertThat(verdicts.get(dirs.get("depth-101")).message()).contains("type nesting is too deep");
    assertThat(verdicts.get(dirs.get("instances-498")).ok()).as(verdicts.toString()).isTrue();
    assertThat(verdicts.get(dirs.get("instances-499")).message())
        .contains("limits:test/all: ")
        .contains("instances count exceeds limit of 1000")
        .doesNotContain("-part1:");
  }

  /**
   * One interface: {@code r1} with 9,999 {@code u8} fields (size 10,000), and {@code big} holding
   * enough {@code r1}s and a tuple of {@code u8}s that the world's size is exactly {@code size}.
   */
  private static Binding worldOfSize(long size) {
    WitType r1 =
        record(
            "r1",
            IntStream.range(0, 9_999).mapToObj(i -> field("x" + i, U8)).toArray(WitField[]::new));
    // world = 3 + instance; instance = 1 + r1 + big; big = 1 + k * 10,000 + (1 + m)
    long rest = size - 3 - 1 - 10_000 - 1 - 1;
    int k = (int) (rest / 10_000);
    int m = (int) (rest - k * 10_000L);
    List<WitField> fields = new ArrayList<>();
    for (int i = 0; i < k; i++) {
      fields.add(field("z" + i, WitTypeRef.named(PKG, "big", "r1")));
    }
    fields.add(field("t", WitTypeRef.tuple(Collections.nCopies(m, U8))));
    return binding(
        iface("big", List.of(r1, record("big", fields.toArray(WitField[]::new))), List.of()));
  }

  /** {@code r0 {a: u8}} (depth 2), then each {@code r<k> {a: r<k-1>}} one deeper. */
  private static Binding chainOfDepth(int depth) {
    List<WitType> types = new ArrayList<>();
    types.add(record("r0", field("a", U8)));
    for (int k = 1; k <= depth - 2; k++) {
      types.add(record("r" + k, field("a", WitTypeRef.named(PKG, "deep", "r" + (k - 1)))));
    }
    return binding(iface("deep", types, List.of()));
  }

  private static Binding manyInterfaces(int n) {
    List<WitInterface> ifaces = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      ifaces.add(
          iface(
              "i" + i, List.of(), List.of(function("f", List.of(field("x", STRING)), U8, STRING))));
    }
    return binding(ifaces.toArray(WitInterface[]::new));
  }

  private static Path write(Binding b, Path dir, String extraWorld) throws Exception {
    if (Files.exists(dir)) {
      try (Stream<Path> walk = Files.walk(dir)) {
        walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
    WitPrinter.write(b, dir);
    if (extraWorld != null) {
      Path main = dir.resolve(b.mainPackage().name() + ".wit");
      Files.writeString(main, Files.readString(main) + extraWorld);
    }
    return dir;
  }

  private static ComponentCosts.TypeName key(String iface, String type) {
    return new ComponentCosts.TypeName(PKG, iface, type);
  }

  private static Binding binding(WitInterface... interfaces) {
    WitPackage pkg =
        WitPackage.builder()
            .namespace("limits")
            .name("test")
            .version("1.0.0")
            .origin(HERE)
            .interfaces(List.of(interfaces))
            .world("test-api")
            .build();
    return Binding.builder().source(Binding.Source.OPENAPI).packages(List.of(pkg)).build();
  }

  private static WitInterface iface(String name, List<WitType> types, List<WitFunction> fns) {
    return WitInterface.builder().name(name).origin(HERE).types(types).functions(fns).build();
  }

  private static WitType record(String name, WitField... fields) {
    return WitType.builder()
        .name(name)
        .kind(WitType.Kind.RECORD)
        .origin(HERE)
        .members(List.of(fields))
        .build();
  }

  private static WitType variant(String name, WitField... cases) {
    return WitType.builder()
        .name(name)
        .kind(WitType.Kind.VARIANT)
        .origin(HERE)
        .members(List.of(cases))
        .build();
  }

  private static WitTypeRef listOf(WitTypeRef element) {
    return WitTypeRef.list(element);
  }

  private static WitField field(String name, WitTypeRef type) {
    return WitField.of(name, type, "", HERE);
  }

  private static WitFunction function(
      String name, List<WitField> params, WitTypeRef ok, WitTypeRef error) {
    return WitFunction.builder().name(name).origin(HERE).params(params).ok(ok).error(error).build();
  }
}
