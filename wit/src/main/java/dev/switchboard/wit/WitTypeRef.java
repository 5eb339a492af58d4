package dev.switchboard.wit;

import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A use of a type: a primitive, a named type (possibly in another interface or package), or a
 * constructed type ({@code list}, {@code option}, {@code tuple}, {@code own}, {@code borrow}).
 *
 * @param name the primitive's keyword or the named type's WIT name; empty for constructed types
 * @param packageName {@code namespace:name} of the package that defines a named type
 * @param interfaceName the interface that defines a named type
 * @param args the element types of constructed types
 */
public record WitTypeRef(
    Kind kind,
    String name,
    @Nullable String packageName,
    @Nullable String interfaceName,
    List<WitTypeRef> args) {
  /** The shape of the reference. */
  public enum Kind {
    PRIMITIVE,
    NAMED,
    LIST,
    OPTION,
    TUPLE,
    OWN,
    BORROW
  }

  public WitTypeRef {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(name, "name");
    args = List.copyOf(args);
  }

  public static WitTypeRef primitive(String keyword) {
    return new WitTypeRef(Kind.PRIMITIVE, keyword, null, null, List.of());
  }

  public static WitTypeRef named(String packageName, String interfaceName, String typeName) {
    return new WitTypeRef(Kind.NAMED, typeName, packageName, interfaceName, List.of());
  }

  public static WitTypeRef list(WitTypeRef element) {
    return new WitTypeRef(Kind.LIST, "", null, null, List.of(element));
  }

  public static WitTypeRef option(WitTypeRef element) {
    return element.kind == Kind.OPTION
        ? element
        : new WitTypeRef(Kind.OPTION, "", null, null, List.of(element));
  }

  public static WitTypeRef tuple(List<WitTypeRef> elements) {
    return new WitTypeRef(Kind.TUPLE, "", null, null, elements);
  }

  public static WitTypeRef own(WitTypeRef resource) {
    return new WitTypeRef(Kind.OWN, "", null, null, List.of(resource));
  }
}
