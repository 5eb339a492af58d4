package dev.switchboard.wit;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * How one contract maps to WIT: the packages to print (the main one first, its dependencies after),
 * and for every element what it means in the contract.
 *
 * @param source which kind of contract this came from
 * @param packages the main package first, then every package it depends on (printed under {@code
 *     deps/})
 * @param warnings located notes about things that were translated in a fallback way; they never
 *     block the output
 */
public record Binding(Source source, List<WitPackage> packages, List<Warning> warnings) {
  /** Where a Binding came from; tells a stub runtime whether to speak gRPC or HTTP. */
  public enum Source {
    PROTO,
    OPENAPI
  }

  /** A non-fatal note with its location (a JSON pointer or {@code file:line}). */
  public record Warning(String location, String message) {
    public Warning {
      Objects.requireNonNull(location, "location");
      Objects.requireNonNull(message, "message");
    }

    @Override
    public String toString() {
      return location.isEmpty() ? message : location + ": " + message;
    }
  }

  public Binding {
    Objects.requireNonNull(source, "source");
    packages = List.copyOf(packages);
    warnings = List.copyOf(warnings);
    if (packages.isEmpty()) {
      throw new IllegalArgumentException("a Binding needs at least its main package");
    }
  }

  /** The package the contract itself became. */
  public WitPackage mainPackage() {
    return packages.get(0);
  }

  /** The package with this {@code namespace:name}, if any. */
  public Optional<WitPackage> findPackage(String qualifiedName) {
    return packages.stream().filter(p -> p.qualifiedName().equals(qualifiedName)).findFirst();
  }

  /** A builder with nothing set; {@link Builder#build()} validates like the constructor. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding this value, to derive a changed copy. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.source = source;
    b.packages = packages;
    b.warnings = warnings;
    return b;
  }

  /** Builds a {@link Binding}. */
  public static final class Builder {
    private @Nullable Source source = null;
    private List<WitPackage> packages = List.of();
    private List<Warning> warnings = List.of();

    private Builder() {}

    public Builder source(Source value) {
      this.source = value;
      return this;
    }

    public Builder packages(List<WitPackage> value) {
      this.packages = value;
      return this;
    }

    public Builder warnings(List<Warning> value) {
      this.warnings = value;
      return this;
    }

    public Binding build() {
      return new Binding(Objects.requireNonNull(source, "source"), packages, warnings);
    }
  }
}
