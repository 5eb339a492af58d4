package dev.switchboard.bridge.internal;

import dev.switchboard.bridge.BridgeConfig;
import dev.switchboard.bridge.Call;
import dev.switchboard.bridge.CallInterceptor;
import dev.switchboard.bridge.Stub;
import dev.switchboard.bridge.ValueException;
import dev.switchboard.bridge.WitTypes;
import dev.switchboard.bridge.WitValue;
import dev.switchboard.wit.WitField;
import dev.switchboard.wit.WitTypeRef;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The stub behind {@link dev.switchboard.bridge.Bridge#open}: resolves the function, fills in
 * configured credentials, checks every argument, then passes the {@link Call} through the
 * configured interceptors to the transport.
 */
public final class DynamicStub implements Stub {
  private final WitTypes types;
  private final Transport transport;
  private final List<CallInterceptor> interceptors;
  private final AuthDefaults auth;

  public DynamicStub(WitTypes types, BridgeConfig config, Transport transport) {
    this(types, config, transport, List.of());
  }

  /**
   * A stub whose calls pass through {@code outermost} before the configured interceptors (the
   * oplog's adapter, which must answer a replayed call before anything else sees it).
   */
  public DynamicStub(
      WitTypes types, BridgeConfig config, Transport transport, List<CallInterceptor> outermost) {
    this.types = types;
    this.transport = transport;
    List<CallInterceptor> chain = new ArrayList<>(outermost);
    chain.addAll(config.interceptors());
    this.interceptors = List.copyOf(chain);
    this.auth = new AuthDefaults(types, config);
  }

  @Override
  public WitTypes types() {
    return types;
  }

  @Override
  public WitValue.ResultValue invoke(String function, List<WitValue> arguments) {
    WitTypes.Function f = types.function(function);
    List<WitValue> args = auth.fill(f, arguments);
    List<WitValue> checked = new ArrayList<>(args.size());
    List<WitField> params = f.function().params();
    int offset = 0;
    if (f.resource() != null) {
      if (args.isEmpty() || !(args.get(0) instanceof WitValue.HandleValue)) {
        throw new ValueException(
            f.name(),
            "a resource method takes the handle of its " + f.resource().name() + " first");
      }
      checked.add(args.get(0));
      offset = 1;
    }
    if (args.size() - offset == params.size() - 1
        && params.get(params.size() - 1).role() == WitField.Role.AUTH) {
      WitField missing = params.get(params.size() - 1);
      if (Refs.typeOf(missing).kind() == WitTypeRef.Kind.OPTION) {
        args = new ArrayList<>(args);
        args.add(WitValue.none());
      } else {
        throw new ValueException(
            missing.name(),
            "missing argument of type "
                + WitTypes.describe(missing.type())
                + ": give it, or configure credentials for the stub to fill it ("
                + WitTypes.signature(f)
                + ")");
      }
    }
    if (args.size() - offset != params.size()) {
      throw new ValueException(
          f.name(),
          "takes "
              + params.size()
              + " argument(s) ("
              + WitTypes.signature(f)
              + "), got "
              + (args.size() - offset));
    }
    List<ValueException.Problem> problems = new ArrayList<>();
    for (int i = 0; i < params.size(); i++) {
      WitField p = params.get(i);
      WitTypeRef type = Refs.typeOf(p);
      try {
        checked.add(types.check(type, args.get(i + offset), p.name()));
      } catch (ValueException e) {
        problems.addAll(e.problems());
      }
    }
    if (!problems.isEmpty()) {
      throw new ValueException(problems);
    }
    Call call = new Call(f, checked, transport.idempotent(f), Map.of());
    return proceed(0, call);
  }

  private WitValue.ResultValue proceed(int index, Call call) {
    if (index == interceptors.size()) {
      return transport.call(call);
    }
    return interceptors.get(index).intercept(call, next -> proceed(index + 1, next));
  }

  @Override
  public void drop(WitValue.HandleValue handle) {
    transport.drop(handle);
  }

  @Override
  public void close() {
    transport.close();
  }

  @Override
  public String toString() {
    return "Stub{" + types.binding().mainPackage().qualifiedName() + "}";
  }
}
