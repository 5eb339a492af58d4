package dev.switchboard.wit;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * What a WIT element maps to in the contract. This is the knowledge a stub needs to make the real
 * call, so it is explicit rather than re-derived from names.
 *
 * @param kind what sort of contract element this is
 * @param ref the element's full proto name ({@code core.todo.v1.TodoObject.user_id}) or its JSON
 *     pointer in the OpenAPI document ({@code /paths/~1todos/get/parameters/0})
 * @param name the element's name on the wire: the proto field or enum value name, the JSON
 *     property, the parameter or header name, or the enum literal; null when it has none
 * @param number the proto field or enum value number; null otherwise
 * @param attributes further facts, sorted by key. Keys used: {@code in} (path, query, header,
 *     cookie, body, response-header), {@code method}, {@code path}, {@code media-type}, {@code
 *     status}, {@code shape} (unary, server-streaming, client-streaming, bidi-streaming), {@code
 *     encoding} (how a fallback value is carried: {@code json}, {@code presence}, {@code count},
 *     {@code wrapper}, {@code timestamp}, {@code enum-name}, ...), {@code encodes} (the contract
 *     type a fallback carries), {@code security} (the security requirement alternatives), {@code
 *     error-case}, {@code schema}, {@code style}, {@code explode}, {@code oneof}, {@code
 *     discriminator}, {@code request}, {@code response}
 */
public record Origin(
    Kind kind,
    String ref,
    @Nullable String name,
    @Nullable Integer number,
    Map<String, String> attributes) {
  /** The kinds of contract elements. */
  public enum Kind {
    SHARED,
    PROTO_PACKAGE,
    PROTO_MESSAGE,
    PROTO_FIELD,
    PROTO_ONEOF,
    PROTO_ENUM,
    PROTO_ENUM_VALUE,
    PROTO_SERVICE,
    PROTO_METHOD,
    OPENAPI_DOCUMENT,
    OPENAPI_SCHEMA,
    OPENAPI_PROPERTY,
    OPENAPI_RESOURCE,
    OPENAPI_OPERATION,
    OPENAPI_PARAMETER,
    OPENAPI_BODY,
    OPENAPI_RESPONSE,
    OPENAPI_HEADER,
    OPENAPI_SECURITY,
    SYNTHETIC
  }

  public Origin {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(ref, "ref");
    attributes = Collections.unmodifiableMap(new TreeMap<>(attributes));
  }

  public static Origin of(Kind kind, String ref) {
    return new Origin(kind, ref, null, null, Map.of());
  }

  public static Origin of(Kind kind, String ref, @Nullable String name, @Nullable Integer number) {
    return new Origin(kind, ref, name, number, Map.of());
  }

  /** A copy with one more attribute. */
  public Origin with(String key, String value) {
    TreeMap<String, String> copy = new TreeMap<>(attributes);
    copy.put(key, value);
    return new Origin(kind, ref, name, number, copy);
  }

  public @Nullable String attribute(String key) {
    return attributes.get(key);
  }
}
