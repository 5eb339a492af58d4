package dev.switchboard.bridge;

import dev.switchboard.bridge.internal.ValueChecker;
import dev.switchboard.contract.ContractException;
import dev.switchboard.contract.ContractLoader;
import dev.switchboard.contract.ContractSet;
import dev.switchboard.wit.Binding;
import dev.switchboard.wit.BindingJson;
import dev.switchboard.wit.WitFunction;
import dev.switchboard.wit.WitInterface;
import dev.switchboard.wit.WitPackage;
import dev.switchboard.wit.WitType;
import dev.switchboard.wit.WitTypeRef;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * The types and functions of one {@link Binding}, resolved: what WIT values are checked against,
 * what WAVE and JSON text is read with, and what a stub calls. For a Binding translated from proto,
 * it also holds the contract's descriptors, which the gRPC path and proto3 JSON need.
 *
 * <p>Immutable and thread-safe.
 */
public final class WitTypes {
  /** The file {@code sb wit --binding} writes beside {@code binding.json} for a proto contract. */
  public static final String DESCRIPTOR_SET_FILE = "descriptors.binpb";

  private final Binding binding;
  private final @Nullable ContractSet descriptors;
  private final Map<WitTypeRef, WitType> types = new HashMap<>();
  private final Map<String, Function> functions = new LinkedHashMap<>();
  private final ValueChecker checker;

  private WitTypes(Binding binding, @Nullable ContractSet descriptors) {
    this.binding = binding;
    this.descriptors = descriptors;
    for (WitPackage p : binding.packages()) {
      for (WitInterface i : p.interfaces()) {
        for (WitType t : i.types()) {
          WitTypeRef ref = WitTypeRef.named(p.qualifiedName(), i.name(), t.name());
          types.put(ref, t);
        }
      }
    }
    WitPackage main = binding.mainPackage();
    for (WitInterface i : main.interfaces()) {
      for (WitFunction f : i.functions()) {
        add(new Function(main, i, null, f));
      }
      for (WitType t : i.types()) {
        for (WitFunction m : t.methods()) {
          add(new Function(main, i, t, m));
        }
      }
    }
    this.checker = new ValueChecker(this);
  }

  private void add(Function f) {
    functions.put(f.name(), f);
  }

  /** The types of a Binding translated from OpenAPI (or from proto, when no call is made). */
  public static WitTypes of(Binding binding) {
    return new WitTypes(Objects.requireNonNull(binding, "binding"), null);
  }

  /** The types of a Binding translated from proto, with the descriptors it was translated from. */
  public static WitTypes of(Binding binding, ContractSet descriptors) {
    return new WitTypes(
        Objects.requireNonNull(binding, "binding"),
        Objects.requireNonNull(descriptors, "descriptors"));
  }

  /**
   * Reads {@code binding.json} as {@code sb wit --binding} wrote it, with the descriptor set beside
   * it ({@value #DESCRIPTOR_SET_FILE}) when the contract was proto.
   *
   * @throws IOException when a file cannot be read or is not a Binding
   * @throws ContractException when the descriptor set is missing for a proto Binding, or is broken
   */
  public static WitTypes read(Path bindingFile) throws IOException, ContractException {
    Binding binding = BindingJson.create().read(bindingFile);
    if (binding.source() != Binding.Source.PROTO) {
      return of(binding);
    }
    Path set = bindingFile.toAbsolutePath().resolveSibling(DESCRIPTOR_SET_FILE);
    if (!Files.isRegularFile(set)) {
      throw new ContractException(
          set.toString(),
          "a Binding translated from proto needs the contract's descriptor set beside it"
              + " (sb wit --binding writes it)");
    }
    return of(binding, ContractLoader.builder().build().descriptorSet(set));
  }

  public Binding binding() {
    return binding;
  }

  /** The contract's descriptors, for a Binding translated from proto. */
  public Optional<ContractSet> descriptors() {
    return Optional.ofNullable(descriptors);
  }

  /** A function of the main package, with where it is declared. */
  public record Function(
      WitPackage pkg, WitInterface iface, @Nullable WitType resource, WitFunction function) {
    /** {@code interface.function}, or {@code interface.resource.method} for a resource method. */
    public String name() {
      return resource == null
          ? iface.name() + "." + function.name()
          : iface.name() + "." + resource.name() + "." + function.name();
    }

    /** {@code namespace:package/interface.function}. */
    public String qualifiedName() {
      return pkg.qualifiedName() + "/" + name();
    }
  }

  /** Every function and resource method of the main package, in declaration order. */
  public List<Function> functions() {
    return List.copyOf(functions.values());
  }

  /**
   * The function named {@code interface.function}, {@code interface.resource.method}, or either
   * qualified as {@code namespace:package/...} (optionally {@code @version}).
   *
   * @throws ValueException naming the closest functions when there is no such function
   */
  public Function function(String name) {
    String local = name;
    int slash = name.indexOf('/');
    if (slash >= 0) {
      String pkg = name.substring(0, slash);
      int at = pkg.indexOf('@');
      String version = at < 0 ? null : pkg.substring(at + 1);
      String qualified = at < 0 ? pkg : pkg.substring(0, at);
      WitPackage main = binding.mainPackage();
      if (!qualified.equals(main.qualifiedName())
          || version != null && !version.equals(main.version())) {
        throw new ValueException(
            name,
            "unknown package "
                + pkg
                + "; this binding's package is "
                + main.qualifiedName()
                + "@"
                + main.version());
      }
      local = name.substring(slash + 1);
    }
    Function f = functions.get(local);
    if (f == null) {
      throw new ValueException(name, "unknown function" + suggestions(local));
    }
    return f;
  }

  private String suggestions(String wanted) {
    String iface = wanted.contains(".") ? wanted.substring(0, wanted.indexOf('.')) : "";
    List<String> near =
        functions.keySet().stream()
            .filter(
                k ->
                    k.startsWith(iface + ".")
                        || distance(k, wanted) <= Math.max(2, wanted.length() / 4))
            .limit(8)
            .collect(Collectors.toList());
    return near.isEmpty() ? "" : "; did you mean " + String.join(", ", near) + "?";
  }

  private static int distance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }

  /**
   * The definition a named reference points to.
   *
   * @throws IllegalArgumentException if the Binding defines no such type
   */
  public WitType resolve(WitTypeRef named) {
    WitType t = types.get(named);
    if (t == null) {
      throw new IllegalArgumentException(
          "the binding defines no type "
              + named.packageName()
              + "/"
              + named.interfaceName()
              + "."
              + named.name());
    }
    return t;
  }

  /**
   * Checks {@code value} against {@code type} and returns it in canonical form: record fields in
   * declaration order, omitted {@code option} fields as {@code none}, flags in declaration order.
   *
   * @param path where the value sits, for messages ({@code request}, {@code todo-id})
   * @throws ValueException listing every place the value does not fit
   */
  public WitValue check(WitTypeRef type, WitValue value, String path) {
    return checker.check(type, value, path);
  }

  /** The type as WIT spells it: {@code option<list<todo>>}. */
  public static String describe(@Nullable WitTypeRef type) {
    if (type == null) {
      return "_";
    }
    return switch (type.kind()) {
      case PRIMITIVE, NAMED -> type.name();
      case LIST -> "list<" + describe(type.args().get(0)) + ">";
      case OPTION -> "option<" + describe(type.args().get(0)) + ">";
      case OWN -> describe(type.args().get(0));
      case BORROW -> "borrow<" + describe(type.args().get(0)) + ">";
      case TUPLE ->
          "tuple<"
              + type.args().stream().map(WitTypes::describe).collect(Collectors.joining(", "))
              + ">";
    };
  }

  /** The function's WIT signature: {@code create: func(request: create-request) -> result<...>}. */
  public static String signature(Function f) {
    WitFunction fn = f.function();
    List<String> params = new ArrayList<>();
    fn.params().forEach(p -> params.add(p.name() + ": " + describe(p.type())));
    String result;
    if (fn.error() == null) {
      result = fn.ok() == null ? "" : " -> " + describe(fn.ok());
    } else {
      result = " -> result<" + describe(fn.ok()) + ", " + describe(fn.error()) + ">";
    }
    return f.name() + ": func(" + String.join(", ", params) + ")" + result;
  }
}
