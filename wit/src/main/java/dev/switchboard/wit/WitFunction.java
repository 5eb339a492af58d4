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
}
