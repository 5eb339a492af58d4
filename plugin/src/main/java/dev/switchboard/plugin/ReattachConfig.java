package dev.switchboard.plugin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Where a running plugin listens, so another host can attach to it instead of launching it: the
 * JSON of go-plugin's {@code ReattachConfig} as Terraform reads it from {@code
 * TF_REATTACH_PROVIDERS} ({@code {"Protocol":"grpc","ProtocolVersion":5,"Pid":123,"Test":true,
 * "Addr":{"Network":"unix","String":"/tmp/plugin123"}}}). Keys are matched case-insensitively.
 *
 * <p>Only plaintext plugins can be reattached: AutoMTLS certificates die with the host that made
 * them.
 */
public record ReattachConfig(
    String protocol, int protocolVersion, String network, String address, long pid, boolean test) {

  private static final ObjectMapper JSON = new ObjectMapper();

  public ReattachConfig {
    if (!network.equals("unix") && !network.equals("tcp")) {
      throw new IllegalArgumentException(
          "reattach network must be unix or tcp, got '" + network + "'");
    }
  }

  public String toJson() {
    ObjectNode node = JSON.createObjectNode();
    node.put("Protocol", protocol);
    node.put("ProtocolVersion", protocolVersion);
    node.put("Pid", pid);
    node.put("Test", test);
    ObjectNode addr = node.putObject("Addr");
    addr.put("Network", network);
    addr.put("String", address);
    return node.toString();
  }

  /** Parses one config object. */
  public static ReattachConfig parse(String json) {
    try {
      return fromNode(JSON.readTree(json), "$");
    } catch (java.io.IOException e) {
      throw new IllegalArgumentException("reattach config is not JSON: " + e.getMessage(), e);
    }
  }

  /** Parses a {@code TF_REATTACH_PROVIDERS}-style map of names to configs. */
  public static Map<String, ReattachConfig> parseAll(String json) {
    JsonNode root;
    try {
      root = JSON.readTree(json);
    } catch (java.io.IOException e) {
      throw new IllegalArgumentException("reattach config is not JSON: " + e.getMessage(), e);
    }
    if (root == null || !root.isObject()) {
      throw new IllegalArgumentException(
          "reattach providers must be a JSON object of name to config");
    }
    Map<String, ReattachConfig> result = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> entry : root.properties()) {
      result.put(entry.getKey(), fromNode(entry.getValue(), "$." + entry.getKey()));
    }
    return result;
  }

  private static ReattachConfig fromNode(JsonNode node, String where) {
    if (node == null || !node.isObject()) {
      throw new IllegalArgumentException(where + ": a reattach config must be a JSON object");
    }
    JsonNode addr = field(node, "Addr", where);
    String addrWhere = where + ".Addr";
    return new ReattachConfig(
        node.has("Protocol") || find(node, "protocol") != null
            ? text(field(node, "Protocol", where))
            : "grpc",
        find(node, "ProtocolVersion") == null ? 0 : field(node, "ProtocolVersion", where).asInt(),
        text(field(addr, "Network", addrWhere)),
        text(field(addr, "String", addrWhere)),
        field(node, "Pid", where).asLong(),
        find(node, "Test") != null && field(node, "Test", where).asBoolean());
  }

  private static String text(JsonNode node) {
    return node.asText();
  }

  private static JsonNode field(JsonNode node, String name, String where) {
    JsonNode found = find(node, name);
    if (found == null) {
      throw new IllegalArgumentException(where + "." + name + " is missing");
    }
    return found;
  }

  private static @Nullable JsonNode find(JsonNode node, String name) {
    for (Map.Entry<String, JsonNode> entry : node.properties()) {
      if (entry.getKey().toLowerCase(Locale.ROOT).equals(name.toLowerCase(Locale.ROOT))) {
        return entry.getValue();
      }
    }
    return null;
  }
}
