package dev.switchboard.bridge.internal;

import dev.switchboard.bridge.Call;
import dev.switchboard.bridge.WitValue;

/**
 * The innermost link of a stub's call chain: turns a checked WIT call into a real gRPC or HTTP
 * exchange and the reply into the function's result.
 */
public interface Transport extends AutoCloseable {
  /** Whether repeating the function's call is safe, as the contract says. */
  boolean idempotent(dev.switchboard.bridge.WitTypes.Function function);

  /** Makes the call; remote and transport failures come back as error cases, never thrown. */
  WitValue.ResultValue call(Call call);

  /** Cancels an open stream; unknown handles are ignored. */
  void drop(WitValue.HandleValue handle);

  @Override
  void close();
}
