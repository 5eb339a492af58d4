package dev.switchboard.durable;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * One call as the oplog sees it, whatever protocol carries it: a function name, how safe it is to
 * repeat, the canonical request bytes that identify it, and what people may read of it.
 *
 * <p>The adapter (the bridge's interceptor, or code making plain HTTP calls) builds one per call.
 * The <em>body</em> is the request in a canonical encoding with credentials already removed; its
 * hash, together with the function, is what replay compares to find a divergence. Headers are shown
 * in the oplog for people but are not part of the hash, so that a rotated token or a tracing header
 * never reads as a different call. Header values whose names the {@link Redactor} marks sensitive,
 * and every value passed to {@link Builder#secret}, never reach the oplog: the secrets are replaced
 * before the body is hashed or displayed.
 *
 * <p>{@link #toString()} shows no header values and no secrets.
 */
public final class DurableCall {
  private final String function;
  private final Idempotency idempotency;
  private final byte[] body;
  private final @Nullable String bodyDisplay;
  private final List<Map.Entry<String, String>> headers;
  private final List<String> secrets;

  private DurableCall(Builder b) {
    this.function = b.function;
    this.idempotency = b.idempotency;
    this.body = b.body.clone();
    this.bodyDisplay = b.bodyDisplay;
    this.headers = List.copyOf(b.headers);
    this.secrets = List.copyOf(b.secrets);
  }

  /**
   * Starts a call to {@code function}: a WIT function ({@code todos-collection.create}), a gRPC
   * method ({@code pkg.Service/Method}) or an HTTP operation ({@code POST /orders}).
   */
  public static Builder builder(String function) {
    return new Builder(function);
  }

  /** The function this call invokes. */
  public String function() {
    return function;
  }

  /** How safe the call is to repeat. */
  public Idempotency idempotency() {
    return idempotency;
  }

  byte[] body() {
    return body;
  }

  @Nullable String bodyDisplay() {
    return bodyDisplay;
  }

  List<Map.Entry<String, String>> headers() {
    return headers;
  }

  List<String> secrets() {
    return secrets;
  }

  @Override
  public String toString() {
    return "DurableCall{"
        + function
        + ", "
        + idempotency
        + ", "
        + body.length
        + " body bytes, headers "
        + headers.stream().map(Map.Entry::getKey).toList()
        + "}";
  }

  /** Builds a {@link DurableCall}. */
  public static final class Builder {
    private final String function;
    private Idempotency idempotency = Idempotency.NOT_IDEMPOTENT;
    private byte[] body = new byte[0];
    private @Nullable String bodyDisplay;
    private final List<Map.Entry<String, String>> headers = new ArrayList<>();
    private final List<String> secrets = new ArrayList<>();

    private Builder(String function) {
      if (function.isBlank()) {
        throw new IllegalArgumentException("a durable call needs a function name");
      }
      this.function = function;
    }

    /** How safe the call is to repeat; {@link Idempotency#NOT_IDEMPOTENT} unless told. */
    public Builder idempotency(Idempotency idempotency) {
      this.idempotency = idempotency;
      return this;
    }

    /**
     * The request in a canonical encoding, without credentials: equal requests must give equal
     * bytes in every run, or replay reports a divergence.
     */
    public Builder body(byte[] body) {
      this.body = body.clone();
      return this;
    }

    /**
     * What the oplog shows of the body (for example a WAVE value with its sensitive fields already
     * masked). Without it the body is shown as text when it is UTF-8, else by its length. Secrets
     * are masked in it either way.
     */
    public Builder bodyDisplay(String bodyDisplay) {
      this.bodyDisplay = bodyDisplay;
      return this;
    }

    /** A header or metadata entry to show in the oplog (its value masked if sensitive). */
    public Builder header(String name, String value) {
      headers.add(Map.entry(name, value));
      return this;
    }

    /**
     * A value that must never be stored (a token, a password, a field the configuration marks
     * sensitive): it is replaced wherever it occurs in the body before hashing and display.
     */
    public Builder secret(String value) {
      if (!value.isEmpty()) {
        secrets.add(value);
      }
      return this;
    }

    public DurableCall build() {
      return new DurableCall(this);
    }
  }
}
