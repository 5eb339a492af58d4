package dev.switchboard.wit;

import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A function (or a resource method): {@code name: func(params) -> result<ok, error>}.
 *
 * @param ok the success type; null prints as {@code result<_, error>} (never a made-up unit type)
 * @param error the error type; null means the function cannot fail and returns {@code ok} plainly
 * @param responses for OpenAPI operations: how each documented status maps (to the ok type or to a
 *     case of the error variant), in status order; empty for gRPC methods
 */
public record WitFunction(
    String name,
    Kind kind,
    String docs,
    Origin origin,
    List<WitField> params,
    @Nullable WitTypeRef ok,
    @Nullable WitTypeRef error,
    List<Origin> responses) {
  /** Free function, resource method, or resource static function. */
  public enum Kind {
    FREESTANDING,
    METHOD,
    STATIC
  }

  public WitFunction {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(docs, "docs");
    Objects.requireNonNull(origin, "origin");
    params = List.copyOf(params);
    responses = List.copyOf(responses);
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
    b.params = params;
    b.ok = ok;
    b.error = error;
    b.responses = responses;
    return b;
  }

  /** Builds a {@link WitFunction}. */
  public static final class Builder {
    private String name = "";
    private Kind kind = Kind.FREESTANDING;
    private String docs = "";
    private @Nullable Origin origin = null;
    private List<WitField> params = List.of();
    private @Nullable WitTypeRef ok = null;
    private @Nullable WitTypeRef error = null;
    private List<Origin> responses = List.of();

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

    public Builder params(List<WitField> value) {
      this.params = value;
      return this;
    }

    public Builder ok(@Nullable WitTypeRef value) {
      this.ok = value;
      return this;
    }

    public Builder error(@Nullable WitTypeRef value) {
      this.error = value;
      return this;
    }

    public Builder responses(List<Origin> value) {
      this.responses = value;
      return this;
    }

    public WitFunction build() {
      return new WitFunction(
          name, kind, docs, Objects.requireNonNull(origin, "origin"), params, ok, error, responses);
    }
  }
}
