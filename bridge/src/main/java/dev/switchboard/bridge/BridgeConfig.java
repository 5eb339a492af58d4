package dev.switchboard.bridge;

import dev.switchboard.runtime.TlsConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * How a {@link Stub} reaches its service: where (a base URL for HTTP, a target for gRPC), how (TLS,
 * timeouts, retries, HTTP version), with which credentials, and through which {@link
 * CallInterceptor}s. Immutable; {@link #toString()} never shows a credential.
 *
 * <pre>{@code
 * BridgeConfig config = BridgeConfig.builder()
 *     .baseUrl(URI.create("https://api.example.com/v1"))
 *     .bearerToken(Secret.fromEnv("TODO_TOKEN"))
 *     .timeout(Duration.ofSeconds(10))
 *     .build();
 * }</pre>
 *
 * <p>Credentials fill the {@code auth} field of a request that leaves it out, so callers need not
 * repeat them on every call; a request that carries its own {@code auth} keeps it. For gRPC they
 * travel as call credentials ({@code authorization} metadata).
 */
public final class BridgeConfig {
  private final @Nullable URI baseUrl;
  private final @Nullable String target;
  private final boolean plaintext;
  private final @Nullable TlsConfig tls;
  private final Duration timeout;
  private final Duration connectTimeout;
  private final @Nullable Secret bearerToken;
  private final @Nullable String basicUser;
  private final @Nullable Secret basicPassword;
  private final @Nullable Secret apiKey;
  private final Map<String, List<String>> headers;
  private final int maxAttempts;
  private final Duration initialBackoff;
  private final Duration maxBackoff;
  private final List<CallInterceptor> interceptors;
  private final boolean validate;
  private final HttpClient.@Nullable Version httpVersion;
  private final boolean honoursIdempotencyKeys;
  private final Set<String> sensitiveFields;

  private BridgeConfig(Builder b) {
    this.baseUrl = b.baseUrl;
    this.target = b.target;
    this.plaintext = b.plaintext;
    this.tls = b.tls;
    this.timeout = b.timeout;
    this.connectTimeout = b.connectTimeout;
    this.bearerToken = b.bearerToken;
    this.basicUser = b.basicUser;
    this.basicPassword = b.basicPassword;
    this.apiKey = b.apiKey;
    Map<String, List<String>> h = new LinkedHashMap<>();
    b.headers.forEach((k, v) -> h.put(k, List.copyOf(v)));
    this.headers = Collections.unmodifiableMap(h);
    this.maxAttempts = b.maxAttempts;
    this.initialBackoff = b.initialBackoff;
    this.maxBackoff = b.maxBackoff;
    this.interceptors = List.copyOf(b.interceptors);
    this.validate = b.validate;
    this.httpVersion = b.httpVersion;
    this.honoursIdempotencyKeys = b.honoursIdempotencyKeys;
    this.sensitiveFields = Collections.unmodifiableSet(new LinkedHashSet<>(b.sensitiveFields));
  }

  /** Defaults: 30 s per call, 10 s to connect, 3 attempts for idempotent calls, validation on. */
  public static Builder builder() {
    return new Builder();
  }

  public Builder toBuilder() {
    Builder b = new Builder();
    b.baseUrl = baseUrl;
    b.target = target;
    b.plaintext = plaintext;
    b.tls = tls;
    b.timeout = timeout;
    b.connectTimeout = connectTimeout;
    b.bearerToken = bearerToken;
    b.basicUser = basicUser;
    b.basicPassword = basicPassword;
    b.apiKey = apiKey;
    headers.forEach((k, v) -> b.headers.put(k, new ArrayList<>(v)));
    b.maxAttempts = maxAttempts;
    b.initialBackoff = initialBackoff;
    b.maxBackoff = maxBackoff;
    b.interceptors.addAll(interceptors);
    b.validate = validate;
    b.httpVersion = httpVersion;
    b.honoursIdempotencyKeys = honoursIdempotencyKeys;
    b.sensitiveFields.addAll(sensitiveFields);
    return b;
  }

  /** Where HTTP calls go; when absent, the first of the document's servers. */
  public Optional<URI> baseUrl() {
    return Optional.ofNullable(baseUrl);
  }

  /** Where gRPC calls go: {@code host:port}, {@code unix:/path}, {@code inproc:name}. */
  public Optional<String> target() {
    return Optional.ofNullable(target);
  }

  /** gRPC without TLS. */
  public boolean plaintext() {
    return plaintext;
  }

  /** Trust and identity (mTLS) for gRPC and HTTPS; absent means the JDK's default trust. */
  public Optional<TlsConfig> tls() {
    return Optional.ofNullable(tls);
  }

  /** The most one call may take, retries included (the gRPC deadline). */
  public Duration timeout() {
    return timeout;
  }

  public Duration connectTimeout() {
    return connectTimeout;
  }

  public Optional<Secret> bearerToken() {
    return Optional.ofNullable(bearerToken);
  }

  public Optional<String> basicUser() {
    return Optional.ofNullable(basicUser);
  }

  public Optional<Secret> basicPassword() {
    return Optional.ofNullable(basicPassword);
  }

  public Optional<Secret> apiKey() {
    return Optional.ofNullable(apiKey);
  }

  /** Extra headers (HTTP) or metadata (gRPC) sent with every call, lower-case names. */
  public Map<String, List<String>> headers() {
    return headers;
  }

  /** Attempts for an idempotent call (1 means no retry); other calls are made once. */
  public int maxAttempts() {
    return maxAttempts;
  }

  public Duration initialBackoff() {
    return initialBackoff;
  }

  public Duration maxBackoff() {
    return maxBackoff;
  }

  public List<CallInterceptor> interceptors() {
    return interceptors;
  }

  /** Check values against the contract's rules before sending (HTTP). */
  public boolean validate() {
    return validate;
  }

  /** The HTTP version to ask for; absent means HTTP/2 over TLS and HTTP/1.1 in plain text. */
  public Optional<HttpClient.Version> httpVersion() {
    return Optional.ofNullable(httpVersion);
  }

  /**
   * The service applies a request once per idempotency key ({@code Idempotency-Key} header, {@code
   * idempotency-key} metadata), as Stripe-style APIs do. A stub opened on a worker then resumes a
   * call that was interrupted before its result was recorded by sending it again with the same key;
   * otherwise such a call that is not idempotent is reported uncertain.
   */
  public boolean honoursIdempotencyKeys() {
    return honoursIdempotencyKeys;
  }

  /**
   * WIT field names whose values are sensitive beyond the {@code auth} fields: a stub opened on a
   * worker never lets them reach the oplog.
   */
  public Set<String> sensitiveFields() {
    return sensitiveFields;
  }

  @Override
  public String toString() {
    StringBuilder s = new StringBuilder("BridgeConfig{");
    if (baseUrl != null) {
      s.append("baseUrl=").append(baseUrl).append(", ");
    }
    if (target != null) {
      s.append("target=").append(target).append(plaintext ? " (plaintext)" : "").append(", ");
    }
    if (tls != null) {
      s.append("tls=").append(tls).append(", ");
    }
    s.append("timeout=").append(timeout).append(", connectTimeout=").append(connectTimeout);
    if (bearerToken != null) {
      s.append(", bearerToken=").append(bearerToken);
    }
    if (basicUser != null) {
      s.append(", basicUser=").append(basicUser).append(", basicPassword=").append(basicPassword);
    }
    if (apiKey != null) {
      s.append(", apiKey=").append(apiKey);
    }
    if (!headers.isEmpty()) {
      s.append(", headers=").append(headers.keySet());
    }
    s.append(", maxAttempts=").append(maxAttempts);
    if (!interceptors.isEmpty()) {
      s.append(", interceptors=").append(interceptors.size());
    }
    if (!validate) {
      s.append(", validate=false");
    }
    if (honoursIdempotencyKeys) {
      s.append(", honoursIdempotencyKeys");
    }
    if (!sensitiveFields.isEmpty()) {
      s.append(", sensitiveFields=").append(sensitiveFields);
    }
    return s.append('}').toString();
  }

  /** Builds a {@link BridgeConfig}. */
  public static final class Builder {
    private @Nullable URI baseUrl;
    private @Nullable String target;
    private boolean plaintext;
    private @Nullable TlsConfig tls;
    private Duration timeout = Duration.ofSeconds(30);
    private Duration connectTimeout = Duration.ofSeconds(10);
    private @Nullable Secret bearerToken;
    private @Nullable String basicUser;
    private @Nullable Secret basicPassword;
    private @Nullable Secret apiKey;
    private final Map<String, List<String>> headers = new LinkedHashMap<>();
    private int maxAttempts = 3;
    private Duration initialBackoff = Duration.ofMillis(200);
    private Duration maxBackoff = Duration.ofSeconds(10);
    private final List<CallInterceptor> interceptors = new ArrayList<>();
    private boolean validate = true;
    private HttpClient.@Nullable Version httpVersion;
    private boolean honoursIdempotencyKeys;
    private final Set<String> sensitiveFields = new LinkedHashSet<>();

    private Builder() {}

    /** The HTTP base URL, overriding the document's servers. */
    public Builder baseUrl(URI value) {
      this.baseUrl = Objects.requireNonNull(value, "value");
      return this;
    }

    /** The gRPC target. */
    public Builder target(String value) {
      this.target = Objects.requireNonNull(value, "value");
      return this;
    }

    /** gRPC without TLS (HTTP follows the base URL's scheme). */
    public Builder plaintext() {
      this.plaintext = true;
      return this;
    }

    public Builder tls(TlsConfig value) {
      this.tls = Objects.requireNonNull(value, "value");
      return this;
    }

    public Builder timeout(Duration value) {
      this.timeout = positive(value, "timeout");
      return this;
    }

    public Builder connectTimeout(Duration value) {
      this.connectTimeout = positive(value, "connectTimeout");
      return this;
    }

    public Builder bearerToken(Secret token) {
      this.bearerToken = Objects.requireNonNull(token, "token");
      return this;
    }

    public Builder basicAuth(String user, Secret password) {
      this.basicUser = Objects.requireNonNull(user, "user");
      this.basicPassword = Objects.requireNonNull(password, "password");
      return this;
    }

    public Builder apiKey(Secret key) {
      this.apiKey = Objects.requireNonNull(key, "key");
      return this;
    }

    /** Adds a header (HTTP) or metadata entry (gRPC) sent with every call. */
    public Builder header(String name, String value) {
      headers
          .computeIfAbsent(name.toLowerCase(Locale.ROOT), k -> new ArrayList<>())
          .add(Objects.requireNonNull(value, "value"));
      return this;
    }

    public Builder maxAttempts(int value) {
      if (value < 1) {
        throw new IllegalArgumentException("maxAttempts must be at least 1, was " + value);
      }
      this.maxAttempts = value;
      return this;
    }

    /** The first retry waits about this long (with jitter); each further one twice as long. */
    public Builder backoff(Duration initial, Duration max) {
      this.initialBackoff = positive(initial, "initial backoff");
      this.maxBackoff = positive(max, "max backoff");
      return this;
    }

    /** Adds an interceptor; the first added is outermost. */
    public Builder interceptor(CallInterceptor value) {
      interceptors.add(Objects.requireNonNull(value, "value"));
      return this;
    }

    /** Turns client-side validation off (the server then sees every value). */
    public Builder validate(boolean value) {
      this.validate = value;
      return this;
    }

    public Builder httpVersion(HttpClient.Version value) {
      this.httpVersion = Objects.requireNonNull(value, "value");
      return this;
    }

    /** Says whether the service deduplicates requests by idempotency key (see the getter). */
    public Builder honoursIdempotencyKeys(boolean value) {
      this.honoursIdempotencyKeys = value;
      return this;
    }

    /**
     * Marks the WIT field {@code name} (wherever it occurs in a request, e.g. {@code card-number})
     * as sensitive: a stub opened on a worker masks its values before anything is hashed or stored.
     */
    public Builder sensitiveField(String name) {
      sensitiveFields.add(Objects.requireNonNull(name, "name"));
      return this;
    }

    public BridgeConfig build() {
      if (plaintext && tls != null) {
        throw new IllegalArgumentException("plaintext and tls exclude each other");
      }
      return new BridgeConfig(this);
    }

    private static Duration positive(Duration d, String what) {
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException(what + " must be positive, was " + d);
      }
      return d;
    }
  }
}
