package dev.switchboard.bridge;

/**
 * Wraps each call a {@link Stub} makes, at the level of one WIT function call: it sees the
 * function, the checked arguments and the headers about to be sent, and the WIT result coming back.
 * Recording and replay, idempotency keys, logging and metrics are interceptors; none of them
 * touches the network code.
 *
 * <pre>{@code
 * CallInterceptor keys = (call, chain) ->
 *     chain.proceed(call.idempotent() ? call : call.withHeader("idempotency-key", nextKey()));
 * }</pre>
 *
 * <p>An interceptor may return a result without calling {@code proceed} (a replayed call), call it
 * more than once, or change the call it passes on. Interceptors run in the order configured, the
 * first outermost.
 */
@FunctionalInterface
public interface CallInterceptor {
  /** Handles one call; {@code chain.proceed} passes it on towards the network. */
  WitValue.ResultValue intercept(Call call, Chain chain);

  /** The rest of the chain. */
  @FunctionalInterface
  interface Chain {
    WitValue.ResultValue proceed(Call call);
  }
}
