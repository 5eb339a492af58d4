package dev.switchboard.wit;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A WIT interface: the types it defines and the functions it declares. Its {@code use} statements
 * are not stored; the printer derives them from the type references, so they cannot drift.
 */
public record WitInterface(
    String name, String docs, Origin origin, List<WitType> types, List<WitFunction> functions) {
  public WitInterface {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(docs, "docs");
    Objects.requireNonNull(origin, "origin");
    types = List.copyOf(types);
    functions = List.copyOf(functions);
  }

  public Optional<WitType> findType(String typeName) {
    return types.stream().filter(t -> t.name().equals(typeName)).findFirst();
  }

  public Optional<WitFunction> findFunction(String functionName) {
    return functions.stream().filter(f -> f.name().equals(functionName)).findFirst();
  }
}
