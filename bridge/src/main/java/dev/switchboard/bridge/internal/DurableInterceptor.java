package dev.switchboard.bridge.internal;

import dev.switchboard.bridge.BridgeConfig;
import dev.switchboard.bridge.Call;
import dev.switchboard.bridge.CallInterceptor;
import dev.switchboard.bridge.Secret;
import dev.switchboard.bridge.TransientFailureException;
import dev.switchboard.bridge.ValueException;
import dev.switchboard.bridge.Wave;
import dev.switchboard.bridge.WitTypes;
import dev.switchboard.bridge.WitValue;
import dev.switchboard.durable.DurableCall;
import dev.switchboard.durable.Idempotency;
import dev.switchboard.durable.Outcome;
import dev.switchboard.durable.Worker;
import dev.switchboard.wit.WitField;
import dev.switchboard.wit.WitType;
import dev.switchboard.wit.WitTypeRef;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Makes every call of a stub the next entry of a {@link Worker}'s oplog: the adapter between the
 * bridge's calls and the durable module's, outermost in the chain so that a replayed call reaches
 * neither the transport nor the interceptors the configuration adds.
 *
 * <p>How a WIT call becomes a {@link DurableCall}:
 *
 * <ul>
 *   <li><b>Function</b>: {@code interface.function}.
 *   <li><b>Request</b>: the checked arguments as WAVE, one per line, without the {@code auth}
 *       parameters and {@code auth} record fields (so a rotated token is not a different call);
 *       every credential value (those fields' tokens, passwords and keys, and the configured
 *       secrets) and every value of a configured sensitive field is declared a secret, which the
 *       oplog masks wherever it occurs before hashing or storing. The text is the stored display
 *       form too, so a history can be read back and re-checked against the Binding.
 *   <li><b>Idempotency</b>: from the contract ({@link Call#idempotent()}: HTTP GET, HEAD, PUT,
 *       DELETE, OPTIONS; gRPC methods with an {@code idempotency_level}); others are {@link
 *       Idempotency#KEYED} when the configuration says the service honours idempotency keys, else
 *       {@link Idempotency#NOT_IDEMPOTENT}.
 *   <li><b>Key</b>: a call protected by an intent carries the worker's key as the {@code
 *       Idempotency-Key} header (HTTP) or {@code idempotency-key} metadata (gRPC).
 *   <li><b>Result</b>: ok and error cases are recorded as the WAVE of the whole result and read
 *       back with the function's types, on the first run as on replay, so both return the same
 *       value. {@code unavailable} and {@code timeout} are not recorded but thrown ({@link
 *       TransientFailureException}): an outage must not be replayed forever.
 * </ul>
 *
 * <p>Streaming methods are refused: a stream half-read before a crash cannot be replayed and then
 * continued on a connection that no longer exists.
 */
public final class DurableInterceptor implements CallInterceptor {
  /** The header (HTTP, where names ignore case) or metadata entry (gRPC) carrying the key. */
  public static final String IDEMPOTENCY_KEY = "idempotency-key";

  private static final Set<String> CREDENTIAL_FIELDS = Set.of("token", "password", "key");

  private final WitTypes types;
  private final BridgeConfig config;
  private final Worker worker;

  public DurableInterceptor(WitTypes types, BridgeConfig config, Worker worker) {
    this.types = types;
    this.config = config;
    this.worker = worker;
  }

  @Override
  public WitValue.ResultValue intercept(Call call, Chain chain) {
    WitTypes.Function f = call.function();
    refuseStreams(f);
    List<String> secrets = new ArrayList<>(configuredSecrets());
    String request = canonical(call, secrets);
    DurableCall.Builder durable =
        DurableCall.builder(f.name())
            .idempotency(idempotency(call))
            .body(request.getBytes(StandardCharsets.UTF_8))
            .bodyDisplay(request);
    secrets.forEach(durable::secret);
    Outcome outcome = worker.call(durable.build(), key -> send(call, key, chain));
    return decode(f, outcome);
  }

  private Idempotency idempotency(Call call) {
    if (call.idempotent()) {
      return Idempotency.IDEMPOTENT;
    }
    return config.honoursIdempotencyKeys() ? Idempotency.KEYED : Idempotency.NOT_IDEMPOTENT;
  }

  private static Outcome send(Call call, Optional<String> key, Chain chain) {
    Call sent = key.isPresent() ? call.withHeader(IDEMPOTENCY_KEY, key.get()) : call;
    WitValue.ResultValue result = chain.proceed(sent);
    if (isTransient(result)) {
      throw new TransientFailureException(call.name(), result);
    }
    String wave = Wave.print(result);
    return result.isOk() ? Outcome.ok(wave) : Outcome.error(wave);
  }

  /** {@code unavailable} and {@code timeout}: the transports' cases for "no answer (yet)". */
  static boolean isTransient(WitValue.ResultValue result) {
    return !result.isOk()
        && result.payload() instanceof WitValue.VariantValue v
        && (v.caseName().equals("unavailable") || v.caseName().equals("timeout"));
  }

  private WitValue.ResultValue decode(WitTypes.Function f, Outcome outcome) {
    try {
      return Wave.parseResult(types, f, outcome.text());
    } catch (ValueException e) {
      throw new ValueException(
          "the result of " + f.name() + " in oplog entry #" + (worker.position() - 1),
          "no longer fits the binding's types: " + e.getMessage());
    }
  }

  private static void refuseStreams(WitTypes.Function f) {
    WitTypeRef ok = f.function().ok();
    if (f.resource() != null || ok != null && ok.kind() == WitTypeRef.Kind.OWN) {
      throw new IllegalArgumentException(
          f.name()
              + " is part of a stream, which a worker cannot record: a stream half-read before a"
              + " crash could not be continued on replay. Call it through a stub opened without a"
              + " worker");
    }
  }

  /**
   * The request as the oplog identifies it: the arguments as WAVE, one per line, without
   * credentials. Adds every credential and sensitive value to {@code secrets}.
   */
  String canonical(Call call, List<String> secrets) {
    List<WitField> params = call.function().function().params();
    List<WitValue> args = call.arguments();
    List<String> lines = new ArrayList<>(params.size());
    for (int i = 0; i < params.size() && i < args.size(); i++) {
      WitField p = params.get(i);
      WitValue value = args.get(i);
      if (p.role() == WitField.Role.AUTH) {
        credentials(value, secrets);
        continue;
      }
      if (config.sensitiveFields().contains(p.name())) {
        leaves(value, secrets);
      }
      lines.add(Wave.print(withoutCredentials(p.type(), value, secrets)));
    }
    return String.join("\n", lines);
  }

  /** The value with the {@code auth} fields of a request record left out. */
  private WitValue withoutCredentials(
      @Nullable WitTypeRef type, WitValue value, List<String> secrets) {
    sensitive(value, secrets);
    if (type == null
        || type.kind() != WitTypeRef.Kind.NAMED
        || !(value instanceof WitValue.RecordValue record)) {
      return value;
    }
    WitType t = types.resolve(type);
    if (t.kind() != WitType.Kind.RECORD) {
      return value;
    }
    WitValue.RecordBuilder kept = WitValue.record();
    for (WitField member : t.members()) {
      WitValue v = record.get(member.name());
      if (v == null) {
        continue;
      }
      if (member.role() == WitField.Role.AUTH) {
        credentials(v, secrets);
      } else {
        kept.field(member.name(), v);
      }
    }
    return kept.build();
  }

  /** The token, password or key inside an {@code auth} value. */
  private static void credentials(WitValue value, List<String> secrets) {
    if (value instanceof WitValue.OptionValue o && o.value() != null) {
      credentials(o.value(), secrets);
    } else if (value instanceof WitValue.VariantValue v && v.payload() != null) {
      credentials(v.payload(), secrets);
    } else if (value instanceof WitValue.RecordValue r) {
      r.fields()
          .forEach(
              (name, v) -> {
                if (CREDENTIAL_FIELDS.contains(name) && v instanceof WitValue.Str s) {
                  secrets.add(s.value());
                }
              });
    }
  }

  /**
   * The text of every configured sensitive field, wherever it is in {@code value} (a parameter of
   * that name is one too).
   */
  private void sensitive(WitValue value, List<String> secrets) {
    if (config.sensitiveFields().isEmpty()) {
      return;
    }
    if (value instanceof WitValue.RecordValue r) {
      r.fields()
          .forEach(
              (name, v) -> {
                if (config.sensitiveFields().contains(name)) {
                  leaves(v, secrets);
                } else {
                  sensitive(v, secrets);
                }
              });
    } else if (value instanceof WitValue.ListValue l) {
      l.elements().forEach(e -> sensitive(e, secrets));
    } else if (value instanceof WitValue.TupleValue t) {
      t.elements().forEach(e -> sensitive(e, secrets));
    } else if (value instanceof WitValue.OptionValue o && o.value() != null) {
      sensitive(o.value(), secrets);
    } else if (value instanceof WitValue.VariantValue v && v.payload() != null) {
      sensitive(v.payload(), secrets);
    }
  }

  /** Every string and number inside {@code value}, as WAVE writes it. */
  private static void leaves(WitValue value, List<String> secrets) {
    if (value instanceof WitValue.Str s) {
      secrets.add(s.value());
    } else if (value instanceof WitValue.RecordValue r) {
      r.fields().values().forEach(v -> leaves(v, secrets));
    } else if (value instanceof WitValue.ListValue l) {
      l.elements().forEach(v -> leaves(v, secrets));
    } else if (value instanceof WitValue.TupleValue t) {
      t.elements().forEach(v -> leaves(v, secrets));
    } else if (value instanceof WitValue.OptionValue o && o.value() != null) {
      leaves(o.value(), secrets);
    } else if (value instanceof WitValue.VariantValue v && v.payload() != null) {
      leaves(v.payload(), secrets);
    } else if (value instanceof WitValue.S64 n) {
      secrets.add(Long.toString(n.value()));
    } else if (value instanceof WitValue.U64 n) {
      secrets.add(Long.toUnsignedString(n.value()));
    } else if (value instanceof WitValue.S32 n) {
      secrets.add(Integer.toString(n.value()));
    } else if (value instanceof WitValue.U32 n) {
      secrets.add(Long.toString(n.value()));
    }
  }

  /** The configured credentials, where they can be read. */
  private List<String> configuredSecrets() {
    List<String> out = new ArrayList<>(3);
    for (Optional<Secret> s :
        List.of(config.bearerToken(), config.basicPassword(), config.apiKey())) {
      if (s.isEmpty()) {
        continue;
      }
      try {
        out.add(s.get().reveal());
      } catch (IllegalStateException | UncheckedIOException unreadable) {
        // The stub reports an unreadable credential when it needs it; nothing to mask here.
      }
    }
    return out;
  }
}
