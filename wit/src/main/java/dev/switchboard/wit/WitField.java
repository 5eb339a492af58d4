package dev.switchboard.wit;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A record field, a variant or enum case, a flag, or a function parameter.
 *
 * @param type the field's type; null for enum cases, flags and variant cases without payload
 * @param rules the contract's validation rules for the value
 * @param role a special meaning for stubs (auth, ETag, ...), or null for an ordinary value
 */
public record WitField(
    String name,
    @Nullable WitTypeRef type,
    String docs,
    Origin origin,
    Rules rules,
    @Nullable Role role) {
  /** Fields a stub treats specially instead of copying them to or from the wire as they are. */
  public enum Role {
    /** Credentials applied according to the operation's security schemes. */
    AUTH,
    /** Response {@code ETag}. */
    VERSION,
    /** Request {@code If-Match}. */
    EXPECTED_VERSION,
    /** Response {@code Last-Modified}. */
    LAST_UPDATED,
    /** Response {@code Retry-After}, in seconds. */
    RETRY_AFTER,
    /** The whole request or response body (not flattened). */
    BODY
  }

  public WitField {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(docs, "docs");
    Objects.requireNonNull(origin, "origin");
    Objects.requireNonNull(rules, "rules");
  }

  public static WitField of(String name, @Nullable WitTypeRef type, String docs, Origin origin) {
    return new WitField(name, type, docs, origin, Rules.NONE, null);
  }

  public WitField withType(WitTypeRef newType, Origin newOrigin) {
    return new WitField(name, newType, docs, newOrigin, rules, role);
  }

  /** A builder with nothing set; {@link Builder#build()} validates like the constructor. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding this value, to derive a changed copy. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.name = name;
    b.type = type;
    b.docs = docs;
    b.origin = origin;
    b.rules = rules;
    b.role = role;
    return b;
  }

  /** Builds a {@link WitField}. */
  public static final class Builder {
    private String name = "";
    private @Nullable WitTypeRef type = null;
    private String docs = "";
    private @Nullable Origin origin = null;
    private Rules rules = Rules.NONE;
    private @Nullable Role role = null;

    private Builder() {}

    public Builder name(String value) {
      this.name = value;
      return this;
    }

    public Builder type(@Nullable WitTypeRef value) {
      this.type = value;
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

    public Builder rules(Rules value) {
      this.rules = value;
      return this;
    }

    public Builder role(@Nullable Role value) {
      this.role = value;
      return this;
    }

    public WitField build() {
      return new WitField(name, type, docs, Objects.requireNonNull(origin, "origin"), rules, role);
    }
  }
}
