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
import java.util.Iterator;
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

  /** Named types costed by recursion before the rest of a chain goes on an explicit stack. */
  private static final int MAX_RECURSION = 200;

  /** A named type: its package ({@code namespace:name}), interface and name. */
  record TypeName(String pkg, String iface, String name) {
    static TypeName of(WitTypeRef named) {
      return new TypeName(
          String.valueOf(named.packageName()), String.valueOf(named.interfaceName()), named.name());
    }

    @Override
    public String toString() {
      return pkg + "/" + iface + "." + name;
    }
  }

  /** One named type: its current definition and what has been worked out about it. */
  private static final class Node {
    final TypeName key;
    final String interfaceKey;
    WitType definition;
    @Nullable List<Node> targets;
    @Nullable TypeCost cost;
    boolean open;

    Node(TypeName key, String interfaceKey, WitType definition) {
      this.key = key;
      this.interfaceKey = interfaceKey;
      this.definition = definition;
    }
  }

  /** Every named type, in declaration order. */
  private final Map<TypeName, Node> nodes = new LinkedHashMap<>();

  private final Map<String, WitInterface> interfaces = new LinkedHashMap<>();
  private final Map<String, List<Node>> interfaceTypes = new HashMap<>();

  /** The same nodes by package, interface and name: found without building a key string. */
  private final Map<String, Map<String, Map<String, Node>>> byName = new HashMap<>();

  private final Map<String, InterfaceCost> interfaceCosts = new HashMap<>();
  private final Map<String, Set<String>> closures = new HashMap<>();

  ComponentCosts(Binding binding) {
    for (WitPackage p : binding.packages()) {
      String pkg = p.qualifiedName();
      for (WitInterface i : p.interfaces()) {
        String ikey = interfaceKey(pkg, i.name());
        interfaces.put(ikey, i);
        List<Node> own = new ArrayList<>(i.types().size());
        Map<String, Node> named =
            byName
                .computeIfAbsent(pkg, k -> new HashMap<>())
                .computeIfAbsent(i.name(), k -> new HashMap<>());
        for (WitType t : i.types()) {
          Node n = new Node(new TypeName(pkg, i.name(), t.name()), ikey, t);
          nodes.put(n.key, n);
          named.put(t.name(), n);
          own.add(n);
        }
        interfaceTypes.put(ikey, own);
      }
    }
  }

  static String interfaceKey(@Nullable String pkg, @Nullable String iface) {
    return pkg + "|" + iface;
  }

  /** Every named type, in the order the packages declare them. */
  Set<TypeName> typeKeys() {
    return Collections.unmodifiableSet(nodes.keySet());
  }

  /** The type a named reference refers to, or null when the Binding does not define it. */
  private @Nullable Node node(WitTypeRef named) {
    Map<String, Map<String, Node>> pkg = byName.get(named.packageName());
    Map<String, Node> iface = pkg == null ? null : pkg.get(named.interfaceName());
    return iface == null ? null : iface.get(named.name());
  }

  /** The current definition of the named type with this key. */
  @Nullable WitType definitionOf(TypeName key) {
    Node n = nodes.get(key);
    return n == null ? null : n.definition;
  }

  /**
   * Replaces the definition of one type. Only valid while no type that refers to it has been costed
   * yet, as when types are rewritten in {@link #postOrder()}.
   */
  void replace(TypeName key, WitType type) {
    Node n = nodes.get(key);
    if (n == null) {
      throw new IllegalArgumentException("no type " + key);
    }
    n.definition = type;
    n.targets = null;
    n.cost = null;
    interfaceCosts.clear();
    closures.clear();
  }

  /**
   * Every named type, each after the types it refers to (a cycle, which the recursion breaker has
   * already removed from translated Bindings, is cut where the walk closes it).
   */
  List<TypeName> postOrder() {
    List<TypeName> order = new ArrayList<>();
    Set<Node> seen = new HashSet<>();
    for (Node start : nodes.values()) {
      if (!seen.add(start)) {
        continue;
      }
      Deque<Map.Entry<Node, Iterator<Node>>> stack = new ArrayDeque<>();
      stack.push(Map.entry(start, targets(start).iterator()));
      while (!stack.isEmpty()) {
        Map.Entry<Node, Iterator<Node>> top = stack.peek();
        if (!top.getValue().hasNext()) {
          order.add(top.getKey().key);
          stack.pop();
          continue;
        }
        Node next = top.getValue().next();
        if (seen.add(next)) {
          stack.push(Map.entry(next, targets(next).iterator()));
        }
      }
    }
    return order;
  }

  /** The named types a type's definition refers to, in member order. */
  private List<Node> targets(Node n) {
    List<Node> known = n.targets;
    if (known != null) {
      return known;
    }
    List<WitTypeRef> refs = new ArrayList<>();
    WitTypeRef target = n.definition.target();
    if (target != null) {
      collectNamed(target, refs);
    }
    for (WitField m : n.definition.members()) {
      WitTypeRef mt = m.type();
      if (mt != null) {
        collectNamed(mt, refs);
      }
    }
    List<Node> out = new ArrayList<>(refs.size());
    for (WitTypeRef r : refs) {
      Node t = node(r);
      if (t != null) {
        out.add(t);
      }
    }
    n.targets = out;
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
  TypeCost typeCost(TypeName key) {
    Node n = nodes.get(key);
    return n == null ? TypeCost.LEAF : cost(n);
  }

  private TypeCost cost(Node n) {
    return cost(n, 0);
  }

  /**
   * Recursive while the chain of named types is short, which is the common case and the cheap one;
   * a longer chain is finished with an explicit stack (schemas can chain thousands deep before they
   * are cut).
   */
  private TypeCost cost(Node n, int chain) {
    TypeCost known = n.cost;
    if (known != null) {
      return known;
    }
    if (n.open) {
      return TypeCost.LEAF; // closes a cycle
    }
    if (chain > MAX_RECURSION) {
      return costIteratively(n);
    }
    n.open = true;
    TypeCost cost = costOf(n.definition, chain + 1);
    n.open = false;
    n.cost = cost;
    return cost;
  }

  private TypeCost costIteratively(Node start) {
    Deque<Node> stack = new ArrayDeque<>();
    stack.push(start);
    while (!stack.isEmpty()) {
      Node n = stack.peek();
      if (n.cost != null) {
        stack.pop();
        continue;
      }
      boolean ready = true;
      if (!n.open) {
        n.open = true;
        for (Node d : targets(n)) {
          if (d.cost == null && !d.open) {
            stack.push(d);
            ready = false;
          }
        }
      }
      if (ready) {
        stack.pop();
        n.open = false;
        n.cost = costOf(n.definition, 0);
      }
    }
    TypeCost cost = start.cost;
    return cost == null ? TypeCost.LEAF : cost;
  }

  /** The cost of a type's definition, from the (already known) costs of what it refers to. */
  private TypeCost costOf(WitType t, int chain) {
    return switch (t.kind()) {
      case ENUM, FLAGS, RESOURCE -> TypeCost.LEAF;
      case ALIAS -> {
        WitTypeRef target = t.target();
        yield target == null ? TypeCost.LEAF : ref(target, chain);
      }
      case RECORD, VARIANT -> {
        long size = 1;
        int depth = 1;
        for (WitField m : t.members()) {
          WitTypeRef mt = m.type();
          if (mt != null) {
            TypeCost c = ref(mt, chain);
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
    return ref(ref, 0);
  }

  private TypeCost ref(WitTypeRef ref, int chain) {
    return switch (ref.kind()) {
      case PRIMITIVE, OWN, BORROW -> TypeCost.LEAF;
      case NAMED -> {
        Node n = node(ref);
        // A resource named as a value is an own handle; a type being costed closes a cycle.
        yield n == null || n.definition.kind() == WitType.Kind.RESOURCE
            ? TypeCost.LEAF
            : cost(n, chain);
      }
      case LIST, OPTION, TUPLE -> {
        long size = 1;
        int depth = 1;
        for (WitTypeRef a : ref.args()) {
          TypeCost c = ref(a, chain);
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
    long size = 1;
    long declarations = 0;
    long functions = 0;
    List<WitTypeRef> refs = new ArrayList<>();
    List<WitFunction> allFunctions = new ArrayList<>(i.functions());
    for (Node n : interfaceTypes.getOrDefault(key, List.of())) {
      WitType t = n.definition;
      size = add(size, cost(n).size());
      declarations += 2; // the definition and its export
      WitTypeRef target = t.target();
      if (target != null) {
        declarations += walk(target, refs);
      }
      for (WitField m : t.members()) {
        WitTypeRef mt = m.type();
        if (mt != null) {
          declarations += walk(mt, refs);
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
          declarations += walk(pt, refs);
        }
      }
      WitTypeRef ok = f.ok();
      if (ok != null) {
        declarations += walk(ok, refs);
      }
      WitTypeRef error = f.error();
      if (error != null) {
        declarations += walk(error, refs);
      }
    }
    Set<TypeName> used = new LinkedHashSet<>();
    Set<String> dependencies = new LinkedHashSet<>();
    for (WitTypeRef r : refs) {
      Node n = node(r);
      String owner = n == null ? interfaceKey(r.packageName(), r.interfaceName()) : n.interfaceKey;
      TypeName typeName = n == null ? TypeName.of(r) : n.key;
      if (!owner.equals(key) && used.add(typeName)) {
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

  /**
   * Adds the named types in {@code ref} to {@code named} and returns how many compound types it
   * writes inline (each may be a type declaration of its own).
   */
  private static long walk(WitTypeRef ref, List<WitTypeRef> named) {
    switch (ref.kind()) {
      case PRIMITIVE -> {
        return 0;
      }
      case NAMED -> {
        named.add(ref);
        return 0;
      }
      default -> {
        long n = 1;
        for (WitTypeRef a : ref.args()) {
          n += walk(a, named);
        }
        return n;
      }
    }
  }

  /** The interface and every interface it uses types from, transitively, dependencies first. */
  Set<String> closure(String key) {
    Set<String> known = closures.get(key);
    if (known != null) {
      return known;
    }
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
    Set<String> closure = Collections.unmodifiableSet(out);
    closures.put(key, closure);
    return closure;
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
