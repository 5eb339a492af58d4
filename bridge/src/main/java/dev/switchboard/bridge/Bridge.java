package dev.switchboard.bridge;

import dev.switchboard.bridge.internal.DurableInterceptor;
import dev.switchboard.bridge.internal.DynamicStub;
import dev.switchboard.bridge.internal.GrpcTransport;
import dev.switchboard.bridge.internal.HttpTransport;
import dev.switchboard.bridge.internal.Transport;
import dev.switchboard.contract.ContractSet;
import dev.switchboard.durable.Idempotency;
import dev.switchboard.durable.OplogEntry;
import dev.switchboard.durable.Worker;
import dev.switchboard.wit.Binding;
import dev.switchboard.wit.WitField;
import dev.switchboard.wit.WitTypeRef;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

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
 *
 * <p>Opened on a durable {@link Worker}, a stub records every call in the worker's oplog and, when
 * the worker runs again, replays the recorded results without calling anything:
 *
 * <pre>{@code
 * try (OplogStore store = OplogStore.open("sqlite:data/oplog");
 *     Durable durable = Durable.open(store);
 *     Worker worker = durable.worker("order-42");
 *     Stub todos = Bridge.open(types, config, worker)) {
 *   todos.invoke("todos-collection.create", request);   // recorded, or replayed after a crash
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
    return new DynamicStub(types, config, transport(types, config));
  }

  /**
   * A stub whose every call is the next entry of {@code worker}'s oplog. While the worker replays,
   * a call its oplog holds returns the recorded result without reaching the configured interceptors
   * or the network (after checking it is the same call: {@link
   * dev.switchboard.durable.DivergenceException} otherwise); past the end of the history each call
   * is made and its result committed before it is returned.
   *
   * <ul>
   *   <li>The oplog identifies a call by its function and its arguments as WAVE, without the {@code
   *       auth} parameters and fields; credentials (and the configuration's {@link
   *       BridgeConfig#sensitiveFields()}) are masked before anything is hashed or stored.
   *   <li>A call the contract does not mark idempotent (HTTP POST and PATCH, gRPC methods without
   *       an {@code idempotency_level}) commits an intent first and carries the worker's key as the
   *       {@code Idempotency-Key} header or {@code idempotency-key} metadata. Interrupted before
   *       its result was committed, it is resumed with the same key when {@link
   *       BridgeConfig#honoursIdempotencyKeys()}, and otherwise reported as {@link
   *       dev.switchboard.durable.UncertainCallException}.
   *   <li>Ok and error results are recorded; {@code unavailable} and {@code timeout} are thrown as
   *       {@link TransientFailureException} instead, so an outage is not replayed forever.
   *   <li>Streaming methods are refused ({@link IllegalArgumentException}): a half-read stream
   *       cannot be replayed and then continued.
   * </ul>
   *
   * <p>The worker stays the caller's to close.
   */
  public static Stub open(WitTypes types, BridgeConfig config, Worker worker) {
    return new DynamicStub(
        types,
        config,
        transport(types, config),
        List.of(new DurableInterceptor(types, config, worker)));
  }

  /** One call of a history, replayed: its place in the oplog, its function and its result. */
  public record Replayed(long sequence, String function, WitValue.ResultValue result) {}

  /**
   * Replays the committed history of {@code worker} against {@code types} without calling anything:
   * each recorded call is read back from its stored request, checked against the Binding's types,
   * identified again as a live call would be and compared with the oplog, and its recorded result
   * read back as the function's result type. Run it after the contract changed, to know whether
   * existing workers still replay. Local side effects ({@link Worker#run}) are replayed from their
   * recorded values; an open intent at the end is left as it is.
   *
   * @return the replayed calls, in oplog order
   * @throws dev.switchboard.durable.DivergenceException a stored request no longer reads as the
   *     same call
   * @throws ValueException a stored request or result no longer fits the Binding, with the entry's
   *     sequence number
   */
  public static List<Replayed> replay(WitTypes types, Worker worker) {
    DurableInterceptor recorder =
        new DurableInterceptor(types, BridgeConfig.builder().build(), worker);
    List<Replayed> replayed = new ArrayList<>();
    worker.snapshot();
    for (OplogEntry entry : worker.history().entries()) {
      if (entry.isOpen()) {
        break;
      }
      String where = "oplog entry #" + entry.sequence();
      if (entry.kind() == OplogEntry.Kind.RUN) {
        worker.run(
            entry.function(),
            () -> {
              throw new IllegalStateException(where + " is recorded but was run again");
            });
        continue;
      }
      WitTypes.Function f;
      List<WitValue> arguments;
      try {
        f = types.function(entry.function());
        arguments = arguments(types, f, entry.request());
      } catch (ValueException e) {
        throw located(where, e);
      }
      Call call = new Call(f, arguments, entry.idempotency() == Idempotency.IDEMPOTENT, Map.of());
      WitValue.ResultValue result =
          recorder.intercept(
              call,
              c -> {
                throw new IllegalStateException(where + " is recorded but replay would send it");
              });
      replayed.add(new Replayed(entry.sequence(), f.name(), result));
    }
    return replayed;
  }

  /**
   * The arguments a stored request holds: one WAVE value per line, for every parameter but the
   * {@code auth} ones, which were never stored and stand as {@code none} here (the oplog identifies
   * a call without them).
   */
  private static List<WitValue> arguments(WitTypes types, WitTypes.Function f, String request) {
    List<WitField> params = f.function().params();
    long stored = params.stream().filter(p -> p.role() != WitField.Role.AUTH).count();
    String[] lines = request.isEmpty() ? new String[0] : request.split("\n", -1);
    if (lines.length != stored) {
      throw new ValueException(
          f.name(),
          "the stored request has "
              + lines.length
              + " argument line(s), the function takes "
              + stored
              + " without credentials ("
              + WitTypes.signature(f)
              + ")");
    }
    List<WitValue> out = new ArrayList<>(params.size());
    List<ValueException.Problem> problems = new ArrayList<>();
    int line = 0;
    for (WitField p : params) {
      if (p.role() == WitField.Role.AUTH) {
        out.add(WitValue.none());
        continue;
      }
      WitTypeRef type = p.type();
      if (type == null) {
        throw new IllegalStateException("parameter " + p.name() + " has no type");
      }
      try {
        out.add(types.check(type, Wave.parse(types, type, lines[line++]), p.name()));
      } catch (ValueException e) {
        problems.addAll(e.problems());
      }
    }
    if (!problems.isEmpty()) {
      throw new ValueException(problems);
    }
    return out;
  }

  private static ValueException located(String where, ValueException e) {
    List<ValueException.Problem> problems = new ArrayList<>();
    for (ValueException.Problem p : e.problems()) {
      problems.add(
          new ValueException.Problem(
              p.where().isEmpty() ? where : where + ": " + p.where(), p.message()));
    }
    return new ValueException(problems);
  }

  private static Transport transport(WitTypes types, BridgeConfig config) {
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
        yield new GrpcTransport(types, descriptors, config);
      }
      case OPENAPI -> new HttpTransport(types, config);
    };
  }
}
