package dev.switchboard.bridge;

import dev.switchboard.bridge.internal.DynamicStub;
import dev.switchboard.bridge.internal.GrpcTransport;
import dev.switchboard.bridge.internal.HttpTransport;
import dev.switchboard.contract.ContractSet;
import dev.switchboard.wit.Binding;

/**
 * Opens dynamic stubs: a Binding (what {@code sb wit --binding} writes) and a {@link BridgeConfig}
 * give a {@link Stub} whose functions make the real calls, with no generated code.
 *
 * <pre>{@code
 * try (Stub todos = Bridge.open(WitTypes.read(Path.of("wit/todo/binding.json")), config)) {
 *   WitTypes.Function create = todos.types().function("todos-collection.create");
 *   WitValue request = Wave.parse(todos.types(), create.function().params().get(0).type(),
 *       "{title: \"Buy milk\", user-id: \"u1\"}");
 *   WitValue.ResultValue result = todos.invoke("todos-collection.create", request);
 * }
 * }</pre>
 */
public final class Bridge {
  private Bridge() {}

  /**
   * A stub for a Binding translated from OpenAPI. A proto Binding needs its descriptors: use {@link
   * #open(WitTypes, BridgeConfig)} with {@link WitTypes#of(Binding, ContractSet)} or {@link
   * WitTypes#read}.
   */
  public static Stub open(Binding binding, BridgeConfig config) {
    return open(WitTypes.of(binding), config);
  }

  /**
   * A stub for the Binding's contract: gRPC to {@link BridgeConfig#target()} for proto, HTTP to
   * {@link BridgeConfig#baseUrl()} (or the document's servers) for OpenAPI.
   *
   * @throws IllegalArgumentException when the configuration lacks what the contract needs
   */
  public static Stub open(WitTypes types, BridgeConfig config) {
    return switch (types.binding().source()) {
      case PROTO -> {
        ContractSet descriptors =
            types
                .descriptors()
                .orElseThrow(
                    () ->
                        new IllegalArgumentException(
                            "a Binding translated from proto needs its descriptors:"
                                + " WitTypes.of(binding, descriptors) or WitTypes.read(bindingFile)"));
        yield new DynamicStub(types, config, new GrpcTransport(types, descriptors, config));
      }
      case OPENAPI -> new DynamicStub(types, config, new HttpTransport(types, config));
    };
  }
}
