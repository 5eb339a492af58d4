package dev.switchboard.bridge;

import java.util.Arrays;
import java.util.List;

/**
 * A dynamic stub: the functions of one WIT package, each made a real gRPC or HTTP call. Arguments
 * and results are {@link WitValue}s; every call returns the function's {@code result<T, error>},
 * with remote failures as cases of {@code switchboard:rpc/errors.error} rather than exceptions.
 *
 * <p>A streaming gRPC method returns a handle to its stream resource; its methods are called as
 * {@code interface.resource.method} with the handle first ({@code
 * todo-service.watch-stream.receive}), and {@link #drop} cancels it. Thread-safe; close it to
 * release connections and open streams.
 */
public interface Stub extends AutoCloseable {
  /** The types and functions this stub implements. */
  WitTypes types();

  /**
   * Calls {@code function} ({@code interface.function}, optionally {@code namespace:package/...})
   * with one value per parameter.
   *
   * @return the function's result: ok with its value, or err with a {@code switchboard:rpc} error
   *     case (validation before sending, transport failures and remote errors alike)
   * @throws ValueException when the function does not exist or an argument does not fit its type;
   *     nothing is sent
   */
  WitValue.ResultValue invoke(String function, List<WitValue> arguments);

  /** {@link #invoke(String, List)} with the arguments in line. */
  default WitValue.ResultValue invoke(String function, WitValue... arguments) {
    return invoke(function, Arrays.asList(arguments));
  }

  /**
   * Drops a resource this stub returned: an open stream is cancelled. Dropping twice is a no-op.
   */
  void drop(WitValue.HandleValue handle);

  /** Cancels open streams and releases connections. */
  @Override
  void close();
}
