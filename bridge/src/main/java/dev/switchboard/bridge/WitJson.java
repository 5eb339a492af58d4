package dev.switchboard.bridge;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.bridge.internal.JsonCodec;
import dev.switchboard.bridge.internal.ProtoCodec;
import dev.switchboard.wit.WitFunction;
import dev.switchboard.wit.WitTypeRef;
import java.util.Objects;

/**
 * WIT values as the JSON their contract speaks: for an OpenAPI contract the document's own JSON
 * (property names, enum literals, {@code oneOf} alternatives as themselves), for a proto contract
 * proto3 JSON. Values of the shared Switchboard types (the error variant, credentials) use their
 * WIT names, a variant as {@code {"case": payload}}.
 *
 * <p>Immutable and thread-safe.
 */
public final class WitJson {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private final JsonCodec codec;

  private WitJson(JsonCodec codec) {
    this.codec = codec;
  }

  /** The JSON forms of one Binding's types (with its descriptors, for a proto contract). */
  public static WitJson of(WitTypes types) {
    Objects.requireNonNull(types, "types");
    return new WitJson(
        new JsonCodec(types, types.descriptors().map(d -> new ProtoCodec(types, d)).orElse(null)));
  }

  /**
   * Reads a value of {@code type}. A property the type does not name is a problem.
   *
   * @throws ValueException listing every problem with its path, or the line and column of a syntax
   *     error
   */
  public WitValue parse(WitTypeRef type, String json) {
    return codec.fromJson(type, tree(json), "", false);
  }

  /** Reads a function's result: the ok type's JSON when {@code ok}, else the error's. */
  public WitValue.ResultValue parseResult(WitTypes.Function function, boolean ok, String json) {
    WitFunction f = function.function();
    return codec.resultFromJson(f.ok(), f.error(), ok, tree(json), "");
  }

  /** Writes a value of {@code type} as compact JSON. */
  public String print(WitTypeRef type, WitValue value) {
    return codec.toJson(type, value).toString();
  }

  /** Writes a function's result: the ok payload's JSON, or the error case's. */
  public String printResult(WitTypes.Function function, WitValue.ResultValue result) {
    WitFunction f = function.function();
    return codec.resultToJson(f.ok(), f.error(), result).toString();
  }

  private static JsonNode tree(String json) {
    try {
      JsonNode node = MAPPER.readTree(json);
      if (node == null || node.isMissingNode()) {
        throw new ValueException("1:1", "no JSON value");
      }
      return node;
    } catch (JsonProcessingException e) {
      String where =
          e.getLocation() == null
              ? ""
              : e.getLocation().getLineNr() + ":" + e.getLocation().getColumnNr();
      throw new ValueException(where, "not JSON: " + e.getOriginalMessage());
    }
  }
}
