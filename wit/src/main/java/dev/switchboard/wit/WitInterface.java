package dev.switchboard.wit;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

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

  /** A builder with nothing set; {@link Builder#build()} validates like the constructor. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding this value, to derive a changed copy. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.name = name;
    b.docs = docs;
    b.origin = origin;
    b.types = types;
    b.functions = functions;
    return b;
  }

  /** Builds a {@link WitInterface}. */
  public static final class Builder {
    private String name = "";
    private String docs = "";
    private @Nullable Origin origin = null;
    private List<WitType> types = List.of();
    private List<WitFunction> functions = List.of();

    private Builder() {}

    public Builder name(String value) {
      this.name = value;
      return this;
    }

    public Builder docs(String value) {
      this.docs = value;
      return this;
    }

    public Builder origin(Origin value) {
      this.origin = value;
      return this;
    }

    public Builder types(List<WitType> value) {
      this.types = value;
      return this;
    }

    public Builder functions(List<WitFunction> value) {
      this.functions = value;
      return this;
    }

    public WitInterface build() {
      return new WitInterface(
          name, docs, Objects.requireNonNull(origin, "origin"), types, functions);
    }
  }
}
