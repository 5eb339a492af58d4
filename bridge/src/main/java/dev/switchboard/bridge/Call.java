package dev.switchboard.bridge;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * One call of a WIT function as it passes through the {@link CallInterceptor}s: the function, its
 * arguments (already checked against the Binding), whether repeating it is safe, and the extra
 * headers (HTTP) or metadata (gRPC) to send with it. Immutable; the {@code with...} methods return
 * changed copies.
 *
 * @param function the function, or the resource method ({@code receive}, {@code send}, ...)
 * @param arguments one value per parameter; a resource method's handle comes first
 * @param idempotent the contract says repeating the call has no further effect: an HTTP GET, HEAD,
 *     PUT, DELETE or OPTIONS, or a gRPC method marked {@code idempotency_level}
 * @param headers extra request headers or metadata, lower-case names, in the order added
 */
public record Call(
    WitTypes.Function function,
    List<WitValue> arguments,
    boolean idempotent,
    Map<String, List<String>> headers) {
  public Call {
    Objects.requireNonNull(function, "function");
    arguments = List.copyOf(arguments);
    Map<String, List<String>> copy = new LinkedHashMap<>();
    headers.forEach((k, v) -> copy.put(k.toLowerCase(Locale.ROOT), List.copyOf(v)));
    headers = java.util.Collections.unmodifiableMap(copy);
  }

  /** This call with one more header (HTTP) or metadata entry (gRPC). */
  public Call withHeader(String name, String value) {
    Map<String, List<String>> copy = new LinkedHashMap<>(headers);
    List<String> values =
        new ArrayList<>(copy.getOrDefault(name.toLowerCase(Locale.ROOT), List.of()));
    values.add(value);
    copy.put(name.toLowerCase(Locale.ROOT), values);
    return new Call(function, arguments, idempotent, copy);
  }

  /** This call with other arguments (checked again before they are sent). */
  public Call withArguments(List<WitValue> newArguments) {
    return new Call(function, newArguments, idempotent, headers);
  }

  /** {@code interface.function}, as {@link WitTypes#function} takes it. */
  public String name() {
    return function.name();
  }

  @Override
  public String toString() {
    return "Call{"
        + function.name()
        + ", "
        + arguments.size()
        + " argument(s), headers="
        + headers.keySet()
        + "}";
  }
}
