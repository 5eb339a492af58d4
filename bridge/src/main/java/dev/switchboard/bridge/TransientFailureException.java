package dev.switchboard.bridge;

import java.util.Objects;

/**
 * A call through a stub opened on a worker ({@link Bridge#open(WitTypes, BridgeConfig,
 * dev.switchboard.durable.Worker)}) failed in a way that may pass: the service was unavailable or
 * did not answer in time (the {@code unavailable} and {@code timeout} cases of {@code
 * switchboard:rpc/errors.error}). Such a failure is thrown instead of being recorded, because a
 * recorded result is replayed forever: a brief outage must not become the call's permanent answer.
 *
 * <p>No result was recorded. Calling again makes the call again: an idempotent call simply, a call
 * protected by an intent with its recorded idempotency key (or, for a call not known to be safe to
 * repeat, as an {@link dev.switchboard.durable.UncertainCallException} for the caller to decide).
 * {@link #result()} is the error the transport produced.
 */
public final class TransientFailureException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final transient WitValue.ResultValue result;

  public TransientFailureException(String function, WitValue.ResultValue result) {
    super(
        function
            + " got no answer to record ("
            + describe(Objects.requireNonNull(result, "result"))
            + "); no result was recorded, so calling again makes the call again (one protected by"
            + " an intent with the same idempotency key)");
    this.result = result;
  }

  /** {@code unavailable: message}, from the error case and its failure's message. */
  private static String describe(WitValue.ResultValue result) {
    if (result.payload() instanceof WitValue.VariantValue failure) {
      if (failure.payload() instanceof WitValue.RecordValue r
          && r.get("message") instanceof WitValue.Str message) {
        return failure.caseName() + ": " + message.value();
      }
      return failure.caseName();
    }
    return Wave.print(result);
  }

  /**
   * The error case the transport returned: {@code err(unavailable(...))} or {@code
   * err(timeout(...))}.
   */
  public WitValue.ResultValue result() {
    return result;
  }
}
