package dev.switchboard.wit.internal;

/**
 * The limits wasm-tools' component validator (wasmparser, {@code limits.rs} and the type checks in
 * {@code validator/component.rs}) puts on a component built from one of our worlds, and the share
 * of each that we allow ourselves.
 *
 * <p>Sizes and depths are estimated by {@link ComponentCosts} the way wasmparser counts them, so
 * the margin below a limit guards against a future wasmparser counting a little more, not against a
 * rough estimate. Counts that we know exactly (record fields, enum cases, ...) are checked against
 * the limit itself.
 */
final class ComponentLimits {
  /**
   * wasmparser's {@code MAX_WASM_TYPE_SIZE}: the effective size of every type, instance type and
   * component type must stay below it. A world's component type holds every interface it imports,
   * so this is what bounds a world.
   */
  static final long MAX_TYPE_SIZE = 1_000_000;

  /** wasmparser's {@code MAX_WASM_COMPONENT_TYPE_DEPTH}: nesting depth of one defined type. */
  static final int MAX_TYPE_DEPTH = 100;

  /**
   * wasmparser's {@code MAX_WASM_INSTANCES}: instances and core instances of one component
   * together.
   */
  static final int MAX_INSTANCES = 1_000;

  /**
   * Core instances wit-component adds to every component built from a world, whatever it imports
   * (the main module's instance, the shim and fixup modules, the lowered-function shims); measured
   * with wasm-tools, see {@link ComponentCosts#world}.
   */
  static final int FIXED_INSTANCES = 4;

  /** wasmparser's {@code MAX_WASM_RECORD_FIELDS}. */
  static final int MAX_RECORD_FIELDS = 10_000;

  /** wasmparser's {@code MAX_WASM_VARIANT_CASES}. */
  static final int MAX_VARIANT_CASES = 10_000;

  /** wasmparser's {@code MAX_WASM_ENUM_CASES}. */
  static final int MAX_ENUM_CASES = 10_000;

  /**
   * Flags: wasmparser allows {@code MAX_WASM_FLAG_NAMES} (1,000), but the canonical ABI as
   * wit-parser and the runtimes implement it stops at 32.
   */
  static final int MAX_FLAGS = 32;

  /** wasmparser's {@code MAX_WASM_TUPLE_TYPES}. */
  static final int MAX_TUPLE_TYPES = 10_000;

  /** wasmparser's {@code MAX_WASM_FUNCTION_PARAMS}, which also bounds component functions. */
  static final int MAX_FUNCTION_PARAMS = 1_000;

  /**
   * wasmparser's {@code MAX_WASM_TYPES} (types in one component's index space), {@code
   * MAX_WASM_INSTANCE_TYPE_DECLS} (declarations in one instance type), {@code MAX_WASM_FUNCTIONS}
   * and {@code MAX_WASM_IMPORTS} (lowered functions, and the dummy core module's imports): all a
   * million.
   */
  static final long MAX_COUNT = 1_000_000;

  /**
   * wasmparser's {@code MAX_WASM_STRING_SIZE}: names in the binary. Ours are at most 64 characters
   * (see {@link WitNames}) and import names add a package name and version, so this never binds.
   */
  static final int MAX_STRING_SIZE = 100_000;

  /** Three quarters of {@link #MAX_TYPE_SIZE} for a whole world. */
  static final long WORLD_SIZE_BUDGET = MAX_TYPE_SIZE * 3 / 4;

  /**
   * Three fifths of {@link #WORLD_SIZE_BUDGET} for one interface with every interface it uses types
   * from: a world must hold it and still have room for others, or a large API needs a world for
   * every few interfaces.
   */
  static final long INTERFACE_SIZE_BUDGET = WORLD_SIZE_BUDGET * 3 / 5;

  /**
   * A tenth of {@link #MAX_TYPE_SIZE} for one named type: its whole size counts again in every
   * interface that uses it, so a world must be able to hold several of the largest.
   */
  static final long TYPE_SIZE_BUDGET = MAX_TYPE_SIZE / 10;

  /** Four fifths of {@link #MAX_TYPE_DEPTH}. */
  static final int TYPE_DEPTH_BUDGET = MAX_TYPE_DEPTH * 4 / 5;

  /** Three quarters of {@link #MAX_INSTANCES}. */
  static final int WORLD_INSTANCE_BUDGET = MAX_INSTANCES * 3 / 4;

  /** Three quarters of {@link #MAX_COUNT} for types, declarations and functions of a world. */
  static final long WORLD_COUNT_BUDGET = MAX_COUNT * 3 / 4;

  private ComponentLimits() {}
}
