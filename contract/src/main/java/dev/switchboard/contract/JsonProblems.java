package dev.switchboard.contract;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Finds where JSON that JsonFormat rejected goes wrong: walks the JSON tree (Jackson) beside the
 * message descriptor, tries each field alone with JsonFormat, and descends into the ones that fail,
 * so every problem is reported at its field path. A class of its own so that Jackson is loaded only
 * when input is bad, not on every parse (start-up time of the CLI).
 */
final class JsonProblems {
  /**
   * Types whose JSON form is not an object of their fields; problems are reported at their path.
   */
  private static final Set<String> SPECIAL_JSON_TYPES =
      Set.of(
          "google.protobuf.Any",
          "google.protobuf.Timestamp",
          "google.protobuf.Duration",
          "google.protobuf.FieldMask",
          "google.protobuf.Struct",
          "google.protobuf.Value",
          "google.protobuf.ListValue",
          "google.protobuf.DoubleValue",
          "google.protobuf.FloatValue",
          "google.protobuf.Int64Value",
          "google.protobuf.UInt64Value",
          "google.protobuf.Int32Value",
          "google.protobuf.UInt32Value",
          "google.protobuf.BoolValue",
          "google.protobuf.StringValue",
          "google.protobuf.BytesValue");

  private static final Pattern PLAIN_KEY = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

  private final JsonFormat.Parser parser;

  JsonProblems(JsonFormat.Parser parser) {
    this.parser = parser;
  }

  List<ContractProblem> find(String json, Descriptor type, Exception original) {
    List<ContractProblem> problems = new ArrayList<>();
    JsonNode root;
    try {
      ObjectMapper mapper =
          new ObjectMapper()
              .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
              .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
              .configure(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES, false);
      root = mapper.readTree(json);
    } catch (JsonProcessingException e) {
      JsonLocation where = e.getLocation();
      String location = where == null ? "$" : where.getLineNr() + ":" + where.getColumnNr();
      problems.add(new ContractProblem(location, "invalid JSON: " + e.getOriginalMessage()));
      return problems;
    }
    if (root == null || root.isMissingNode()) {
      problems.add(
          new ContractProblem(
              "$", "expected a JSON object for " + type.getFullName() + ", got nothing"));
      return problems;
    }
    walkMessage(root, type, "$", problems);
    if (problems.isEmpty()) {
      problems.add(new ContractProblem("$", MessageJson.reason(original)));
    }
    return problems;
  }

  private void walkMessage(
      JsonNode node, Descriptor type, String path, List<ContractProblem> problems) {
    if (SPECIAL_JSON_TYPES.contains(type.getFullName())) {
      String failure = tryParse(node, type);
      if (failure != null) {
        problems.add(new ContractProblem(path, failure));
      }
      return;
    }
    if (!node.isObject()) {
      problems.add(
          new ContractProblem(
              path,
              "expected a JSON object for message " + type.getFullName() + ", got " + kind(node)));
      return;
    }
    int before = problems.size();
    for (Map.Entry<String, JsonNode> entry : node.properties()) {
      String key = entry.getKey();
      String fieldPath = child(path, key);
      FieldDescriptor field = findField(type, key);
      if (field == null) {
        List<String> names = new ArrayList<>();
        for (FieldDescriptor f : type.getFields()) {
          names.add(f.getJsonName());
        }
        problems.add(
            new ContractProblem(
                fieldPath,
                "message "
                    + type.getFullName()
                    + " has no field \""
                    + key
                    + "\""
                    + (names.isEmpty()
                        ? " (it has no fields)"
                        : Suggestions.didYouMean(key, names))));
        continue;
      }
      ObjectNode single = JsonNodeFactory.instance.objectNode();
      single.set(key, entry.getValue());
      @Nullable String failure = tryParse(single, type);
      if (failure == null) {
        continue;
      }
      walkField(entry.getValue(), field, key, fieldPath, failure, type, problems);
    }
    if (problems.size() == before) {
      // Each field is fine alone, so the fields conflict (two members of one oneof, a field twice).
      String failure = tryParse(node, type);
      if (failure != null) {
        problems.add(new ContractProblem(path, failure));
      }
    }
  }

  private void walkField(
      JsonNode value,
      FieldDescriptor field,
      String key,
      String path,
      String failure,
      Descriptor owner,
      List<ContractProblem> problems) {
    if (field.isMapField() && value.isObject()) {
      FieldDescriptor valueField = field.getMessageType().findFieldByName("value");
      int before = problems.size();
      for (Map.Entry<String, JsonNode> entry : value.properties()) {
        ObjectNode one = JsonNodeFactory.instance.objectNode();
        one.putObject(key).set(entry.getKey(), entry.getValue());
        String entryFailure = tryParse(one, owner);
        if (entryFailure == null) {
          continue;
        }
        String entryPath = child(path, entry.getKey());
        if (valueField.getJavaType() == FieldDescriptor.JavaType.MESSAGE
            && isPlainMessage(valueField.getMessageType())
            && entry.getValue().isObject()) {
          walkMessage(entry.getValue(), valueField.getMessageType(), entryPath, problems);
        } else {
          problems.add(new ContractProblem(entryPath, entryFailure));
        }
      }
      if (problems.size() == before) {
        problems.add(new ContractProblem(path, failure));
      }
      return;
    }
    if (field.isRepeated() && !field.isMapField() && value.isArray()) {
      int before = problems.size();
      for (int i = 0; i < value.size(); i++) {
        JsonNode element = value.get(i);
        ObjectNode one = JsonNodeFactory.instance.objectNode();
        ArrayNode array = one.putArray(key);
        array.add(element);
        String elementFailure = tryParse(one, owner);
        if (elementFailure == null) {
          continue;
        }
        String elementPath = path + "[" + i + "]";
        if (field.getJavaType() == FieldDescriptor.JavaType.MESSAGE
            && isPlainMessage(field.getMessageType())) {
          walkMessage(element, field.getMessageType(), elementPath, problems);
        } else {
          problems.add(new ContractProblem(elementPath, elementFailure));
        }
      }
      if (problems.size() == before) {
        problems.add(new ContractProblem(path, failure));
      }
      return;
    }
    if (!field.isRepeated()
        && field.getJavaType() == FieldDescriptor.JavaType.MESSAGE
        && isPlainMessage(field.getMessageType())
        && value.isObject()) {
      int before = problems.size();
      walkMessage(value, field.getMessageType(), path, problems);
      if (problems.size() == before) {
        problems.add(new ContractProblem(path, failure));
      }
      return;
    }
    problems.add(new ContractProblem(path, failure));
  }

  private static boolean isPlainMessage(Descriptor type) {
    return !SPECIAL_JSON_TYPES.contains(type.getFullName());
  }

  private @Nullable String tryParse(JsonNode node, Descriptor type) {
    try {
      parser.merge(node.toString(), DynamicMessage.newBuilder(type));
      return null;
    } catch (InvalidProtocolBufferException | RuntimeException e) {
      return MessageJson.reason(e);
    }
  }

  private static @Nullable FieldDescriptor findField(Descriptor type, String key) {
    FieldDescriptor byName = type.findFieldByName(key);
    if (byName != null) {
      return byName;
    }
    for (FieldDescriptor field : type.getFields()) {
      if (field.getJsonName().equals(key)) {
        return field;
      }
    }
    return null;
  }

  private static String child(String path, String key) {
    return PLAIN_KEY.matcher(key).matches()
        ? path + "." + key
        : path + "[\"" + key.replace("\\", "\\\\").replace("\"", "\\\"") + "\"]";
  }

  private static String kind(JsonNode node) {
    if (node.isArray()) {
      return "an array";
    }
    if (node.isTextual()) {
      return "a string";
    }
    if (node.isNumber()) {
      return "a number";
    }
    if (node.isBoolean()) {
      return "a boolean";
    }
    if (node.isNull()) {
      return "null";
    }
    return node.getNodeType().toString().toLowerCase(java.util.Locale.ROOT);
  }
}
