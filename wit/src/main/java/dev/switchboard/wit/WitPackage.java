package dev.switchboard.wit;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

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
}
