package dev.switchboard.wit;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * One WIT package: {@code namespace:name@version}, its interfaces and the world that imports them.
 *
 * @param origin what the package came from (a proto package, an OpenAPI document, or the shared
 *     Switchboard types)
 * @param world the name of the world that imports every interface of the package, or empty for a
 *     package that only provides types to others
 */
public record WitPackage(
    String namespace,
    String name,
    String version,
    String docs,
    Origin origin,
    List<WitInterface> interfaces,
    String world) {
  public WitPackage {
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(version, "version");
    Objects.requireNonNull(docs, "docs");
    Objects.requireNonNull(origin, "origin");
    interfaces = List.copyOf(interfaces);
    Objects.requireNonNull(world, "world");
  }

  /** {@code namespace:name}, without the version. */
  public String qualifiedName() {
    return namespace + ":" + name;
  }

  public Optional<WitInterface> findInterface(String interfaceName) {
    return interfaces.stream().filter(i -> i.name().equals(interfaceName)).findFirst();
  }

  /** A builder with nothing set; {@link Builder#build()} validates like the constructor. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding this value, to derive a changed copy. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.namespace = namespace;
    b.name = name;
    b.version = version;
    b.docs = docs;
    b.origin = origin;
    b.interfaces = interfaces;
    b.world = world;
    return b;
  }

  /** Builds a {@link WitPackage}. */
  public static final class Builder {
    private String namespace = "";
    private String name = "";
    private String version = "";
    private String docs = "";
    private @Nullable Origin origin = null;
    private List<WitInterface> interfaces = List.of();
    private String world = "";

    private Builder() {}

    public Builder namespace(String value) {
      this.namespace = value;
      return this;
    }

    public Builder name(String value) {
      this.name = value;
      return this;
    }

    public Builder version(String value) {
      this.version = value;
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

    public Builder interfaces(List<WitInterface> value) {
      this.interfaces = value;
      return this;
    }

    public Builder world(String value) {
      this.world = value;
      return this;
    }

    public WitPackage build() {
      return new WitPackage(
          namespace,
          name,
          version,
          docs,
          Objects.requireNonNull(origin, "origin"),
          interfaces,
          world);
    }
  }
}
