package dev.switchboard.wit;

import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A named WIT type definition.
 *
 * @param members record fields, variant/enum cases or flags, in printing order; a case without a
 *     payload (and every enum case and flag) has a null {@link WitField#type()}
 * @param target the aliased type for {@link Kind#ALIAS}, otherwise null
 * @param methods the methods of a {@link Kind#RESOURCE}
 */
public record WitType(
    String name,
    Kind kind,
    String docs,
    Origin origin,
    List<WitField> members,
    @Nullable WitTypeRef target,
    List<WitFunction> methods) {
  /** The WIT definition form. */
  public enum Kind {
    RECORD,
    VARIANT,
    ENUM,
    FLAGS,
    ALIAS,
    RESOURCE
  }

  public WitType {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(docs, "docs");
    Objects.requireNonNull(origin, "origin");
    members = List.copyOf(members);
    methods = List.copyOf(methods);
    if (kind == Kind.ALIAS && target == null) {
      throw new IllegalArgumentException("alias " + name + " needs a target");
    }
    if ((kind == Kind.RECORD || kind == Kind.VARIANT || kind == Kind.ENUM || kind == Kind.FLAGS)
        && members.isEmpty()) {
      throw new IllegalArgumentException(kind + " " + name + " needs at least one member");
    }
  }

  public static WitType alias(String name, String docs, Origin origin, WitTypeRef target) {
    return new WitType(name, Kind.ALIAS, docs, origin, List.of(), target, List.of());
  }

  /** A builder with nothing set; {@link Builder#build()} validates like the constructor. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding this value, to derive a changed copy. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.name = name;
    b.kind = kind;
    b.docs = docs;
    b.origin = origin;
    b.members = members;
    b.target = target;
    b.methods = methods;
    return b;
  }

  /** Builds a {@link WitType}. */
  public static final class Builder {
    private String name = "";
    private @Nullable Kind kind = null;
    private String docs = "";
    private @Nullable Origin origin = null;
    private List<WitField> members = List.of();
    private @Nullable WitTypeRef target = null;
    private List<WitFunction> methods = List.of();

    private Builder() {}

    public Builder name(String value) {
      this.name = value;
      return this;
    }

    public Builder kind(Kind value) {
      this.kind = value;
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

    public Builder members(List<WitField> value) {
      this.members = value;
      return this;
    }

    public Builder target(@Nullable WitTypeRef value) {
      this.target = value;
      return this;
    }

    public Builder methods(List<WitFunction> value) {
      this.methods = value;
      return this;
    }

    public WitType build() {
      return new WitType(
          name,
          Objects.requireNonNull(kind, "kind"),
          docs,
          Objects.requireNonNull(origin, "origin"),
          members,
          target,
          methods);
    }
  }
}
