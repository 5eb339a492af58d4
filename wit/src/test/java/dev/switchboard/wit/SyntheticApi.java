package dev.switchboard.wit;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes a deterministic OpenAPI 3.0 document far larger than any in the corpus, shaped to break
 * every limit a component type has when translated naively:
 *
 * <ul>
 *   <li>{@value #LEAVES} small schemas and {@value #OPERATIONS} operations on as many paths, whose
 *       types together are several times the effective type size one component may hold;
 *   <li>a chain of {@value #CHAIN} schemas, each holding the previous one, far deeper than the 100
 *       levels a type may nest and ever larger;
 *   <li>{@value #FAN_LEVELS} levels of schemas that each hold the level below twice, so that the
 *       last one expands to tens of millions;
 *   <li>{@value #UNIONS} oneOf unions of {@value #UNION_WIDTH} alternatives each, and one anyOf of
 *       every leaf;
 *   <li>an enum of {@value #HUGE_ENUM} values (more cases than a component allows) and one of
 *       {@value #LARGE_ENUM} (fewer).
 * </ul>
 */
final class SyntheticApi {
  static final int LEAVES = 2000;
  static final int CHAIN = 300;
  static final int FAN_LEVELS = 24;
  static final int UNIONS = 20;
  static final int UNION_WIDTH = 400;
  static final int HUGE_ENUM = 12_000;
  static final int LARGE_ENUM = 9_000;
  static final int OPERATIONS = 1200;

  private static final ObjectMapper JSON = new ObjectMapper();

  private SyntheticApi() {}

  /** Writes the document to {@code file} and returns it. */
  static Path write(Path file) throws IOException {
    Files.createDirectories(file.getParent());
    JSON.writeValue(file.toFile(), document());
    return file;
  }

  static ObjectNode document() {
    ObjectNode doc = JSON.createObjectNode();
    doc.put("openapi", "3.0.3");
    doc.putObject("info").put("title", "Synthetic Giant").put("version", "1.0.0");
    ObjectNode components = doc.putObject("components");
    ObjectNode schemas = components.putObject("schemas");
    ObjectNode security = components.putObject("securitySchemes");
    security.putObject("token").put("type", "http").put("scheme", "bearer");
    doc.putArray("security").addObject().putArray("token");

    for (int i = 0; i < LEAVES; i++) {
      ObjectNode leaf = schemas.putObject("Leaf" + i);
      ObjectNode p = properties(leaf);
      p.putObject("id").put("type", "string").put("format", "uuid");
      p.putObject("name").put("type", "string").put("maxLength", 80);
      p.putObject("count").put("type", "integer").put("format", "int32").put("minimum", 0);
      p.putObject("score").put("type", "number");
      p.putObject("active").put("type", "boolean");
      p.putObject("labels").put("type", "array").putObject("items").put("type", "string");
      ArrayNode kinds = p.putObject("kind").put("type", "string").putArray("enum");
      kinds.add("small").add("medium").add("large");
      p.putObject("attributes")
          .put("type", "object")
          .putObject("additionalProperties")
          .put("type", "string");
      leaf.putArray("required").add("id").add("name");
    }
    // Deep nesting: Chain{n} holds Chain{n-1} and a leaf, every level an optional field.
    for (int n = 0; n < CHAIN; n++) {
      ObjectNode p = properties(schemas.putObject("Chain" + n));
      p.set("leaf", ref("Leaf" + (n % LEAVES)));
      p.putObject("note").put("type", "string");
      if (n > 0) {
        p.set("inner", ref("Chain" + (n - 1)));
      }
    }
    // Fan-out: Fan{k} holds Fan{k-1} twice, so its full size doubles at every level.
    for (int k = 0; k < FAN_LEVELS; k++) {
      ObjectNode fan = schemas.putObject("Fan" + k);
      ObjectNode p = properties(fan);
      String below = k == 0 ? "Leaf0" : "Fan" + (k - 1);
      p.set("left", ref(below));
      p.set("right", ref(below));
      p.putObject("depth").put("type", "integer").put("format", "int32");
      fan.putArray("required").add("left").add("right");
    }
    // Wide unions.
    for (int u = 0; u < UNIONS; u++) {
      ArrayNode alternatives = schemas.putObject("Union" + u).putArray("oneOf");
      for (int a = 0; a < UNION_WIDTH; a++) {
        alternatives.add(ref("Leaf" + ((u * UNION_WIDTH + a) % LEAVES)));
      }
    }
    ArrayNode everything = schemas.putObject("AnyLeaf").putArray("anyOf");
    for (int i = 0; i < LEAVES; i++) {
      everything.add(ref("Leaf" + i));
    }
    ArrayNode huge = schemas.putObject("HugeCode").put("type", "string").putArray("enum");
    for (int i = 0; i < HUGE_ENUM; i++) {
      huge.add(String.format("H%05d", i));
    }
    ArrayNode large = schemas.putObject("LargeCode").put("type", "string").putArray("enum");
    for (int i = 0; i < LARGE_ENUM; i++) {
      large.add(String.format("L%05d", i));
    }
    // A report uses most of the above at once.
    ObjectNode rp = properties(schemas.putObject("Report"));
    rp.set("chain", ref("Chain" + (CHAIN - 1)));
    rp.set("fan", ref("Fan" + (FAN_LEVELS - 1)));
    rp.set("union", ref("Union0"));
    rp.set("any", ref("AnyLeaf"));
    rp.set("huge", ref("HugeCode"));
    rp.set("large", ref("LargeCode"));

    ObjectNode paths = doc.putObject("paths");
    for (int o = 0; o < OPERATIONS; o++) {
      ObjectNode item = paths.putObject("/area" + o + "/items/{itemId}");
      ObjectNode param = item.putArray("parameters").addObject();
      param.put("name", "itemId").put("in", "path").put("required", true);
      param.putObject("schema").put("type", "string");
      ObjectNode get = item.putObject("get").put("operationId", "getItem" + o);
      // Most operations move one small schema, as in real APIs; some return the giants.
      String body =
          switch (o % 40) {
            case 0 -> "Chain" + (o % CHAIN);
            case 10 -> "Fan" + (o % FAN_LEVELS);
            case 20 -> "Union" + (o % UNIONS);
            case 30 -> "Report";
            default -> "Leaf" + (o % LEAVES);
          };
      response(get, "200", body);
      ObjectNode put = item.putObject("put").put("operationId", "putItem" + o);
      put.putObject("requestBody")
          .put("required", true)
          .putObject("content")
          .putObject("application/json")
          .set("schema", ref("Leaf" + ((o * 7) % LEAVES)));
      response(put, "200", "Leaf" + ((o * 7) % LEAVES));
      response(put, "404", "Leaf0");
    }
    return doc;
  }

  /** Makes {@code schema} an object schema and returns its (empty) properties. */
  private static ObjectNode properties(ObjectNode schema) {
    schema.put("type", "object");
    return schema.putObject("properties");
  }

  private static ObjectNode ref(String schema) {
    return JSON.createObjectNode().put("$ref", "#/components/schemas/" + schema);
  }

  private static void response(ObjectNode operation, String status, String schema) {
    ObjectNode responses =
        operation.has("responses")
            ? (ObjectNode) operation.get("responses")
            : operation.putObject("responses");
    responses
        .putObject(status)
        .put("description", "status " + status)
        .putObject("content")
        .putObject("application/json")
        .set("schema", ref(schema));
  }
}
