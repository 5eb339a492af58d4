package dev.switchboard.wit.internal;

import dev.switchboard.wit.Binding;
import dev.switchboard.wit.WitField;
import dev.switchboard.wit.WitFunction;
import dev.switchboard.wit.WitInterface;
import dev.switchboard.wit.WitPackage;
import dev.switchboard.wit.WitType;
import dev.switchboard.wit.WitTypeRef;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * What the types, interfaces and worlds of a Binding cost against {@link ComponentLimits}, counted
 * the way wasmparser counts them when wit-component encodes a world as a component type:
 *
 * <ul>
 *   <li>A primitive, an enum, a flags type, a resource and a handle have size 1 and depth 1.
 *   <li>A record, variant, tuple, list, option or result is 1 plus the sizes of what it holds; its
 *       depth is 1 plus the deepest of them. A case without payload adds nothing.
 *   <li>A reference to a named type counts that type's whole size and depth again: wasmparser keeps
 *       the size with each type, so a type used twice is paid for twice.
 *   <li>An interface is an instance type: 1 plus the size of every type it exports, which includes
 *       every type it {@code use}s from another interface, plus every function (1, plus its
 *       parameters, plus {@code borrow} for a method's {@code self}, plus its result).
 *   <li>A world is a component type importing its interfaces and, transitively, every interface
 *       they use types from; wit-component nests it twice more (in the component type of its
 *       package, exported from the {@code component-type} section), so its size is 3 plus the sizes
 *       of those instances, and it must stay below {@link ComponentLimits#MAX_TYPE_SIZE}.
 * </ul>
 *
 * These rules were checked against wasm-tools by bisecting on the first size it rejects; they match
 * to the unit. Sizes saturate rather than overflow (a DAG of records can expand exponentially).
 */
final class ComponentCosts {
  /** Size and nesting depth of one type as wasmparser counts them. */
  record TypeCost(long size, int depth) {
    static final TypeCost LEAF = new TypeCost(1, 1);
  }

  /**
   * What one interface costs as an instance type.
   *
   * @param size effective size of the instance type
   * @param declarations an upper bound of its type declarations (defined, aliased and exported
   *     types and functions)
   * @param functions functions, resource methods included
   * @param uses types it uses from other interfaces (each is an alias in the world's component)
   * @param dependencies the interfaces ({@code pkg|iface}) it uses types from
   */
  record InterfaceCost(
      long size, long declarations, long functions, long uses, Set<String> dependencies) {}

  /** What a set of imported interfaces costs as one world. */
  record WorldCost(long size, int instances, long types, long functions) {
    boolean fits() {
      return size <= ComponentLimits.WORLD_SIZE_BUDGET
          && instances <= ComponentLimits.WORLD_INSTANCE_BUDGET
          && types <= ComponentLimits.WORLD_COUNT_BUDGET
          && functions <= ComponentLimits.WORLD_COUNT_BUDGET;
    }
  }

  private static final long SATURATED = Long.MAX_VALUE / 4;

  private final Map<String, WitType> types = new HashMap<>();
  private final Map<String, WitPackage> packages = new LinkedHashMap<>();
  private final Map<String, WitInterface> interfaces = new LinkedHashMap<>();
  private final Map<String, TypeCost> typeCosts = new HashMap<>();
  private final Map<String, InterfaceCost> interfaceCosts = new HashMap<>();

  ComponentCosts(Binding binding) {
    for (WitPackage p : binding.packages()) {
      packages.put(p.qualifiedName(), p);
      for (WitInterface i : p.interfaces()) {
        interfaces.put(interfaceKey(p.qualifiedName(), i.name()), i);
        for (WitType t : i.types()) {
          types.put(typeKey(p.qualifiedName(), i.name(), t.name()), t);
        }
      }
    }
  }

  static String typeKey(@Nullable String pkg, @Nullable String iface, String name) {
    return pkg + "|" + iface + "|" + name;
  }

  static String interfaceKey(@Nullable String pkg, @Nullable String iface) {
    return pkg + "|" + iface;
  }

  /** Every named type, by {@link #typeKey}, in the order the packages declare them. */
  Set<String> typeKeys() {
    Set<String> keys = new LinkedHashSet<>();
    for (WitPackage p : packages.values()) {
      for (WitInterface i : p.interfaces()) {
        for (WitType t : i.types()) {
          keys.add(typeKey(p.qualifiedName(), i.name(), t.name()));
        }
      }
    }
    return keys;
  }

  /** The current definition of the named type with this key. */
  @Nullable WitType definitionOf(String key) {
    return types.get(key);
  }

  /**
   * Replaces the definition of one type. Only valid while no type that refers to it has been costed
   * yet, as when types are rewritten in {@link #postOrder()}.
   */
  void replace(String key, WitType type) {
    types.put(key, type);
    typeCosts.remove(key);
    interfaceCosts.clear();
  }

  /**
   * Every named type, each after the types it refers to (a cycle, which the recursion breaker has
   * already removed from translated Bindings, is cut where the walk closes it).
   */
  List<String> postOrder() {
    List<String> order = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (String start : typeKeys()) {
      if (!seen.add(start)) {
        continue;
      }
      Deque<Map.Entry<String, Deque<String>>> stack = new ArrayDeque<>();
      stack.push(Map.entry(start, new ArrayDeque<>(namedTargets(start))));
      while (!stack.isEmpty()) {
        Map.Entry<String, Deque<String>> top = stack.peek();
        String next = top.getValue().poll();
        if (next == null) {
          order.add(top.getKey());
          stack.pop();
        } else if (seen.add(next)) {
          stack.push(Map.entry(next, new ArrayDeque<>(namedTargets(next))));
        }
      }
    }
    return order;
  }

  /** The named types (keys) a type's definition refers to, in member order. */
  List<String> namedTargets(String key) {
    WitType t = types.get(key);
    List<String> out = new ArrayList<>();
    if (t == null) {
      return out;
    }
    List<WitTypeRef> refs = new ArrayList<>();
    WitTypeRef target = t.target();
    if (target != null) {
      collectNamed(target, refs);
    }
    for (WitField m : t.members()) {
      WitTypeRef mt = m.type();
      if (mt != null) {
        collectNamed(mt, refs);
      }
    }
    for (WitTypeRef r : refs) {
      String k = typeKey(r.packageName(), r.interfaceName(), r.name());
      if (types.containsKey(k)) {
        out.add(k);
      }
    }
    return out;
  }

  static void collectNamed(WitTypeRef ref, List<WitTypeRef> out) {
    if (ref.kind() == WitTypeRef.Kind.NAMED) {
      out.add(ref);
    }
    for (WitTypeRef a : ref.args()) {
      collectNamed(a, out);
    }
  }

  /** The cost of the named type with this key (leaf cost when it is unknown). */
  TypeCost typeCost(String key) {
    TypeCost known = typeCosts.get(key);
    if (known != null) {
      return known;
    }
    // Post-order without recursion: schemas can chain thousands deep before they are cut.
    Deque<String> stack = new ArrayDeque<>();
    Set<String> open = new HashSet<>();
    stack.push(key);
    while (!stack.isEmpty()) {
      String k = stack.peek();
      if (typeCosts.containsKey(k)) {
        stack.pop();
        continue;
      }
      boolean ready = true;
      if (open.add(k)) {
        for (String d : namedTargets(k)) {
          if (!typeCosts.containsKey(d) && !open.contains(d)) {
            stack.push(d);
            ready = false;
          }
        }
      }
      if (ready) {
        stack.pop();
        open.remove(k);
        typeCosts.put(k, costOf(k));
      }
    }
    TypeCost cost = typeCosts.get(key);
    return cost == null ? TypeCost.LEAF : cost;
  }

  /** The cost of a type's definition, from the (already known) costs of what it refers to. */
  private TypeCost costOf(String key) {
    WitType t = types.get(key);
    if (t == null) {
      return TypeCost.LEAF;
    }
    return switch (t.kind()) {
      case ENUM, FLAGS, RESOURCE -> TypeCost.LEAF;
      case ALIAS -> {
        WitTypeRef target = t.target();
        yield target == null ? TypeCost.LEAF : ref(target);
      }
      case RECORD, VARIANT -> {
        long size = 1;
        int depth = 1;
        for (WitField m : t.members()) {
          WitTypeRef mt = m.type();
          if (mt != null) {
            TypeCost c = ref(mt);
            size = add(size, c.size());
            depth = Math.max(depth, c.depth() + 1);
          }
        }
        yield new TypeCost(size, depth);
      }
    };
  }

  /** The cost of a use of a type; a named type costs what {@link #typeCost} says (known or not). */
  TypeCost ref(WitTypeRef ref) {
    return switch (ref.kind()) {
      case PRIMITIVE, OWN, BORROW -> TypeCost.LEAF;
      case NAMED -> {
        String k = typeKey(ref.packageName(), ref.interfaceName(), ref.name());
        WitType t = types.get(k);
        // A resource named as a value is an own handle.
        yield t == null || t.kind() == WitType.Kind.RESOURCE ? TypeCost.LEAF : typeCost(k);
      }
      case LIST, OPTION, TUPLE -> {
        long size = 1;
        int depth = 1;
        for (WitTypeRef a : ref.args()) {
          TypeCost c = ref(a);
          size = add(size, c.size());
          depth = Math.max(depth, c.depth() + 1);
        }
        yield new TypeCost(size, depth);
      }
    };
  }

  /** The size of a function type: 1, its parameters ({@code self} included), and its result. */
  long function(WitFunction f) {
    long size = 1;
    if (f.kind() == WitFunction.Kind.METHOD) {
      size++;
    }
    for (WitField p : f.params()) {
      WitTypeRef pt = p.type();
      size = add(size, pt == null ? 1 : ref(pt).size());
    }
    WitTypeRef ok = f.ok();
    WitTypeRef error = f.error();
    if (error != null) {
      size = add(size, 1 + ref(error).size());
      if (ok != null) {
        size = add(size, ref(ok).size());
      }
    } else if (ok != null) {
      size = add(size, ref(ok).size());
    }
    return size;
  }

  /** The cost of the interface with this {@link #interfaceKey} as an instance type. */
  InterfaceCost iface(String key) {
    InterfaceCost known = interfaceCosts.get(key);
    if (known != null) {
      return known;
    }
    WitInterface i = interfaces.get(key);
    if (i == null) {
      return new InterfaceCost(1, 1, 0, 0, Set.of());
    }
    String pkg = key.substring(0, key.indexOf('|'));
    long size = 1;
    long declarations = 0;
    long functions = 0;
    List<WitTypeRef> refs = new ArrayList<>();
    List<WitFunction> allFunctions = new ArrayList<>(i.functions());
    for (WitType t : i.types()) {
      size = add(size, typeCost(typeKey(pkg, i.name(), t.name())).size());
      declarations += 2; // the definition and its export
      WitTypeRef target = t.target();
      if (target != null) {
        collectNamed(target, refs);
        declarations += anonymous(target);
      }
      for (WitField m : t.members()) {
        WitTypeRef mt = m.type();
        if (mt != null) {
          collectNamed(mt, refs);
          declarations += anonymous(mt);
        }
      }
      allFunctions.addAll(t.methods());
    }
    for (WitFunction f : allFunctions) {
      size = add(size, function(f));
      declarations += 2; // the function type and its export
      functions++;
      for (WitField p : f.params()) {
        WitTypeRef pt = p.type();
        if (pt != null) {
          collectNamed(pt, refs);
          declarations += anonymous(pt);
        }
      }
      for (WitTypeRef r : new WitTypeRef[] {f.ok(), f.error()}) {
        if (r != null) {
          collectNamed(r, refs);
          declarations += anonymous(r);
        }
      }
    }
    Set<String> used = new LinkedHashSet<>();
    Set<String> dependencies = new LinkedHashSet<>();
    for (WitTypeRef r : refs) {
      String owner = interfaceKey(r.packageName(), r.interfaceName());
      if (!owner.equals(key) && used.add(typeKey(r.packageName(), r.interfaceName(), r.name()))) {
        dependencies.add(owner);
        size = add(size, ref(r).size());
        declarations += 2; // the alias and its export
      }
    }
    InterfaceCost cost =
        new InterfaceCost(
            size, declarations, functions, used.size(), Collections.unmodifiableSet(dependencies));
    interfaceCosts.put(key, cost);
    return cost;
  }

  /** Compound types written inline: each may be a type declaration of its own. */
  private static long anonymous(WitTypeRef ref) {
    long n = 0;
    if (ref.kind() != WitTypeRef.Kind.PRIMITIVE && ref.kind() != WitTypeRef.Kind.NAMED) {
      n++;
    }
    for (WitTypeRef a : ref.args()) {
      n += anonymous(a);
    }
    return n;
  }

  /** The interface and every interface it uses types from, transitively, dependencies first. */
  Set<String> closure(String key) {
    Set<String> out = new LinkedHashSet<>();
    Deque<Map.Entry<String, Deque<String>>> stack = new ArrayDeque<>();
    Set<String> seen = new HashSet<>();
    seen.add(key);
    stack.push(Map.entry(key, new ArrayDeque<>(iface(key).dependencies())));
    while (!stack.isEmpty()) {
      Map.Entry<String, Deque<String>> top = stack.peek();
      String next = top.getValue().poll();
      if (next == null) {
        out.add(top.getKey());
        stack.pop();
      } else if (seen.add(next)) {
        stack.push(Map.entry(next, new ArrayDeque<>(iface(next).dependencies())));
      }
    }
    return out;
  }

  /**
   * What a world importing exactly these interfaces (closed under dependencies) costs. Every
   * imported interface is an instance, and one with functions adds a core instance holding them
   * lowered; wit-component adds {@link ComponentLimits#FIXED_INSTANCES} more. (Measured: a world of
   * 498 one-function interfaces builds, 499 exceed wasmparser's 1,000.)
   */
  WorldCost world(Collection<String> imported) {
    long size = 3;
    int instances = ComponentLimits.FIXED_INSTANCES;
    long typeCount = 0;
    long functionCount = 0;
    for (String k : imported) {
      InterfaceCost c = iface(k);
      size = add(size, c.size());
      instances += c.functions() > 0 ? 2 : 1;
      typeCount += 1 + c.uses();
      functionCount += c.functions();
    }
    return new WorldCost(size, instances, typeCount, functionCount);
  }

  /**
   * Whether one interface, with everything it needs, fits in a world with room to spare ({@link
   * ComponentLimits#INTERFACE_SIZE_BUDGET}).
   */
  boolean fitsAlone(String key) {
    Set<String> closure = closure(key);
    for (String k : closure) {
      if (iface(k).declarations() > ComponentLimits.WORLD_COUNT_BUDGET) {
        return false;
      }
    }
    WorldCost cost = world(closure);
    return cost.fits() && cost.size() <= ComponentLimits.INTERFACE_SIZE_BUDGET;
  }

  static long add(long a, long b) {
    return Math.min(SATURATED, a + b);
  }
}
